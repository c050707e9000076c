"""The media library: searchable, picked into bodies, and an image in use cannot be deleted."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article, Image
from tests.factories import ArticleFactory, ImageFactory, uploaded_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def images():
    return {
        "lead": ImageFactory(title="Ferry at dawn", file=uploaded_image(width=300, height=200)),
        "body": ImageFactory(
            title="Harbour crane", credit="Lia Moss", file=uploaded_image(width=300, height=200)
        ),
        "free": ImageFactory(title="Unused gull", file=uploaded_image(width=300, height=200)),
    }


@pytest.fixture
def users_of(images):
    lead_user = ArticleFactory(headline="Ferries return", lead_image=images["lead"])
    body_user = ArticleFactory(
        headline="Cranes at work",
        body=f'<figure class="figure"><img src="{images["body"].rendition_1200.url}" alt="Crane" '
        f'data-file="{images["body"].pk}"><figcaption class="figure-caption">A crane.</figcaption></figure>',
    )
    return lead_user, body_user


def delete_url(image):
    return reverse("admin:articles_image_delete", args=[image.pk])


@pytest.mark.parametrize("which", ["lead", "body"])
def test_admin_refuses_to_delete_an_image_in_use_and_says_where(client_as, editor, images, users_of, which):
    client = client_as(editor)
    image = images[which]
    page = client.get(delete_url(image))
    html = page.content.decode()
    expected = "Ferries return" if which == "lead" else "Cranes at work"
    assert page.status_code == 200 and expected in html
    assert f"The image “{image}” cannot be deleted while this story uses it." in html
    assert "Take the picture out of it first" in html and "would require deleting" not in html

    client.post(delete_url(image), {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    assert Article.objects.count() == 2


def test_admin_deletes_an_unused_image(client_as, editor, images, users_of):
    response = client_as(editor).post(delete_url(images["free"]), {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.filter(pk=images["free"].pk).exists()


def test_bulk_delete_refuses_when_any_image_is_in_use(client_as, editor, images, users_of):
    client = client_as(editor)
    changelist = reverse("admin:articles_image_changelist")
    pks = [images["body"].pk, images["free"].pk]
    page = client.post(changelist, {"action": "delete_selected", "_selected_action": pks, "post": "yes"})
    assert "Cranes at work" in page.content.decode()
    assert Image.objects.filter(pk__in=pks).count() == 2


def test_the_image_page_lists_where_it_is_used(client_as, editor, images, users_of):
    html = client_as(editor).get(reverse("admin:articles_image_change", args=[images["body"].pk])).content
    assert b"Cranes at work</a> (in the body)" in html


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_api_refuses_to_delete_an_image_in_use_with_where(editor, images, users_of):
    lead_user, body_user = users_of
    for key, article in (("lead", lead_user), ("body", body_user)):
        response = api(editor).delete(f"/api/v1/images/{images[key].pk}/")
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "image_in_use"
        assert body["errors"] == {"used_by": [f"{article.pk}: {article.headline}"]}
        assert Image.objects.filter(pk=images[key].pk).exists()
    assert api(editor).delete(f"/api/v1/images/{images['free'].pk}/").status_code == 204
    assert not Image.objects.filter(pk=images["free"].pk).exists()


def test_api_delete_needs_the_delete_permission(reporter, images):
    assert api(reporter).delete(f"/api/v1/images/{images['free'].pk}/").status_code == 403
    assert Image.objects.filter(pk=images["free"].pk).exists()


def test_the_picker_searches_the_library_for_staff_only(client, client_as, editor, reader, images):
    url = reverse("admin:articles_image_pick")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(reader)
    assert client.get(url).status_code == 302
    page = client_as(editor).get(url, {"q": "lia moss", "CKEditorFuncNum": "-1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Harbour crane" in html and "Ferry at dawn" not in html
    assert f'data-id="{images["body"].pk}"' in html and 'data-func-num="-1"' in html
    assert "<script>" not in html  # the picker's behaviour is in a static file


@pytest.mark.parametrize("shown_as", ["lead", "body"])
@pytest.mark.parametrize("state", ["in_review", "scheduled", "published"])
def test_a_reporter_cannot_change_an_image_a_submitted_or_public_article_shows(
    client_as, reporter, shown_as, state
):
    """The API refuses what the admin refuses: a reporter's own upload, once an article past the draft
    stage shows it, is changed by an editor or not at all (the file, the caption or the alt text)."""
    image = ImageFactory(uploaded_by=reporter, caption="Cranes at dawn.")
    if shown_as == "lead":
        ArticleFactory(lead_image=image, **{state: True})
    else:
        body = f'<figure><img src="x.jpg" alt="" data-file="{image.pk}"></figure>'
        ArticleFactory(body=body, **{state: True})

    response = api(reporter).patch(f"/api/v1/images/{image.pk}/", {"caption": "Changed"}, format="json")
    assert response.status_code == 403
    assert "only their own uploads" in response.json()["message"]
    change = reverse("admin:articles_image_change", args=[image.pk])
    page = client_as(reporter).get(change)  # theirs, to look at: it says why it is not to change
    assert page.status_code == 200 and "View image" in page.content.decode()
    assert [str(m) for m in page.context["messages"]] == [
        "You may not change this image: reporters change only their own uploads, and only while no "
        "submitted, scheduled or published article shows them."
    ]
    admin_post = client_as(reporter).post(change, {"title": "x", "caption": "Changed", "alt_text": "x"})
    assert admin_post.status_code == 403
    image.refresh_from_db()
    assert image.caption == "Cranes at dawn."


def test_a_reporter_changes_only_their_own_unused_or_draft_images(reporter, other_reporter, editor):
    own = ImageFactory(uploaded_by=reporter, caption="Before")
    ArticleFactory(lead_image=own)  # a draft: not yet anyone else's business
    theirs = ImageFactory(uploaded_by=other_reporter, caption="Theirs")

    response = api(reporter).patch(f"/api/v1/images/{own.pk}/", {"caption": "After"}, format="json")
    assert response.status_code == 200 and response.json()["caption"] == "After"
    response = api(reporter).patch(f"/api/v1/images/{theirs.pk}/", {"caption": "Mine"}, format="json")
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.caption == "Theirs"

    ArticleFactory(lead_image=theirs, published=True)
    response = api(editor).patch(f"/api/v1/images/{theirs.pk}/", {"caption": "Edited"}, format="json")
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.caption == "Edited"


def test_a_rendition_pasted_by_its_address_counts_as_use(editor, reporter):
    """A body may hold a rendition's address without the library's data-file: the image is still in use."""
    image = ImageFactory(uploaded_by=reporter, caption="Before")
    article = ArticleFactory(in_review=True, body=f'<p><img src="{image.rendition_480.url}" alt=""></p>')
    assert "data-file" not in article.body
    assert list(image.used_in()) == [article]
    assert list(ImageFactory().used_in()) == []  # another picture is not

    response = api(reporter).patch(f"/api/v1/images/{image.pk}/", {"caption": "After"}, format="json")
    assert response.status_code == 403
    assert api(editor).delete(f"/api/v1/images/{image.pk}/").status_code == 409
    assert Image.objects.filter(pk=image.pk, caption="Before").exists()


def test_deleting_selected_images_in_use_says_what_to_do_first(client_as, editor, images, users_of):
    changelist = reverse("admin:articles_image_changelist")
    chosen = [images["lead"].pk, images["body"].pk, images["free"].pk]
    page = client_as(editor).post(changelist, {"action": "delete_selected", "_selected_action": chosen})
    html = page.content.decode()

    assert page.status_code == 200
    assert "The selected images cannot be deleted while these stories use them." in html
    assert "Ferries return" in html and "Cranes at work" in html and "would require deleting" not in html
    assert Image.objects.count() == 3

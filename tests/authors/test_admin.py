"""The author form in the admin."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def test_an_author_website_typed_without_a_scheme_is_saved_as_https(client_as, editor):
    author = AuthorFactory(display_name="Helena Brandt", slug="helena-brandt", website="")
    data = {
        "display_name": "Helena Brandt",
        "slug": "helena-brandt",
        "kind": "staff",
        "website": "helena.example.org",
    }

    response = client_as(editor).post(reverse("admin:authors_author_change", args=[author.pk]), data)

    assert response.status_code == 302
    author.refresh_from_db()
    assert author.website == "https://helena.example.org"


def test_social_handles_that_would_make_broken_links_are_refused_with_what_they_look_like(client_as, editor):
    author = AuthorFactory(display_name="Helena Brandt", slug="helena-brandt")
    url = reverse("admin:authors_author_change", args=[author.pk])
    data = {"display_name": "Helena Brandt", "slug": "helena-brandt", "kind": "staff"}

    refused = client_as(editor).post(
        url,
        {
            **data,
            "x_handle": "@@@ bad handle <x>",
            "mastodon_handle": "https://mastodon.social/@hbrandt",
            "bluesky_handle": "helena brandt",
        },
    )

    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert errors["x_handle"] == [
        "An X handle is 1 to 15 letters, digits or underscores, like newsroom_desk."
    ]
    assert errors["mastodon_handle"][0].startswith("A Mastodon handle is @name@server")
    assert errors["bluesky_handle"][0].startswith("A Bluesky handle is a domain name")
    good = {
        "x_handle": "@hbrandt",
        "mastodon_handle": "@hbrandt@mastodon.social",
        "bluesky_handle": "hb.bsky.social",
    }
    assert client_as(editor).post(url, {**data, **good}).status_code == 302
    author.refresh_from_db()
    assert (author.x_handle, author.mastodon_handle, author.bluesky_handle) == tuple(good.values())


def test_a_portrait_too_big_for_pillow_is_called_too_big(client_as, editor):
    """The photo takes the media library's upload field, with its messages: a picture over the pixel limit
    is "too many pixels", not "not an image or a corrupted image"."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.articles.test_images import png_header_only

    author = AuthorFactory(display_name="Helena Brandt", slug="helena-brandt")
    data = {"display_name": "Helena Brandt", "slug": "helena-brandt", "kind": "staff"}
    data["photo"] = SimpleUploadedFile("me.png", png_header_only(20_000, 20_000), "image/png")

    response = client_as(editor).post(reverse("admin:authors_author_change", args=[author.pk]), data)

    assert response.status_code == 200
    too_many = "This image has too many pixels to open; neither side may exceed 8000."
    assert too_many in response.content.decode()
    author.refresh_from_db()
    assert not author.photo


def test_an_editor_links_an_author_to_a_staff_login_from_a_list_of_names(client_as, editor, reporter):
    """The raw id's lookup opened the user list, which editors may not see (a 403)."""
    from bs4 import BeautifulSoup

    from tests.factories import UserFactory

    reporter.first_name, reporter.last_name = "Marta", "Quillon"
    reporter.save()
    reader = UserFactory(username="a-reader", is_staff=False)
    author = AuthorFactory(display_name="Marta Quillon", slug="marta-quillon", user=None)
    url = reverse("admin:authors_author_change", args=[author.pk])
    client = client_as(editor)

    page = BeautifulSoup(client.get(url).content, "html.parser")
    options = {o.get_text(): o["value"] for o in page.select("select[name=user] option") if o["value"]}
    assert options["Marta Quillon (reporter)"] == str(reporter.pk)
    assert str(reader.pk) not in options.values()  # readers' accounts are not bylines
    assert not page.select("a.related-lookup")
    data = {
        "display_name": "Marta Quillon",
        "slug": "marta-quillon",
        "kind": "staff",
        "user": str(reporter.pk),
    }
    assert client.post(url, data).status_code == 302
    author.refresh_from_db()
    assert author.user == reporter
    refused = client.post(url, data | {"user": str(reader.pk)})
    assert refused.status_code == 200 and "user" in refused.context["adminform"].form.errors


def test_the_workflow_history_names_who_acted_without_a_link_editors_cannot_follow(client_as, editor):
    from articles import services
    from tests.factories import ArticleFactory

    editor.first_name, editor.last_name = "Erin", "Desk"
    editor.save()
    article = ArticleFactory(in_review=True)
    services.publish_article(article=article, by=editor)
    html = client_as(editor).get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Erin Desk" in html and "/admin/auth/user/" not in html


def test_admin_pages_give_their_width_to_the_lists_and_forms(client_as, editor):
    """No navigation sidebar: beside it the article list's last column was cut off at 1280 pixels."""
    html = client_as(editor).get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'id="nav-sidebar"' not in html and "Select article to change" in html


def test_a_name_pasted_with_control_characters_is_saved_without_them_and_the_feeds_still_answer(
    client, client_as, editor, fresh_cache
):
    author = AuthorFactory(display_name="Helena Brandt", slug="helena-brandt")
    ArticleFactory(published=True, authors=[author])
    data = {"display_name": "Helena\x08 Brandt\x0b(Saltgate)", "slug": "helena-brandt", "kind": "staff"}

    response = client_as(editor).post(reverse("admin:authors_author_change", args=[author.pk]), data)

    assert response.status_code == 302
    author.refresh_from_db()
    assert author.display_name == "Helena Brandt (Saltgate)"
    for path in ("/feed/", "/authors/helena-brandt/feed/atom/"):
        response = client.get(path)
        assert response.status_code == 200 and "Helena Brandt (Saltgate)" in response.content.decode()

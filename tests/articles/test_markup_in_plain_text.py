"""Plain-text fields (headline, standfirst, captions, credits, an image's title and alt text, a tag's and a
section's name, an author's name, job title and biography, a correction's note) are shown as typed: HTML sent
in them is refused with one message, in the admin and the API alike, and nothing is saved."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.fields import NO_MARKUP
from articles.models import Article, Correction, Image, Tag
from tests.factories import ArticleFactory, ImageFactory

from .admin_forms import add_inline_rows, form_data

pytestmark = pytest.mark.django_db

ORDINARY_TEXT = "5 < 7 and 9 > 3: AT&T, R&D and Q&A; write to <desk@example.org> -> reply <3"


def api_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def admin_edit(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, form_data(client.get(url)) | changes)


def refusal(markup):
    return NO_MARKUP % {"markup": markup}


@pytest.mark.parametrize(
    ("dek", "markup"),
    [
        ("<p>Two new piers and a cycle path.</p>", "<p>"),
        ("Two <em>new</em> piers", "<em>"),
        ('Read <a href="https://example.org/">the plan</a>', '<a href="https://example.org/">'),
        ("Two piers<br/>and a path", "<br/>"),
        ("Piers &amp; a path", "&amp;"),
        ("The port&#8217;s plan", "&#8217;"),
    ],
)
def test_a_standfirst_with_html_is_refused_with_the_same_message_in_the_admin_and_the_api(
    client_as, editor, dek, markup
):
    """Sent through the API it was saved and shown on the page as literal, escaped tags (the admin took it
    too)."""
    article = ArticleFactory(dek="Two piers.")
    version = article.version

    in_admin = admin_edit(client_as(editor), article, dek=dek)
    in_api = api_client(editor).patch(f"/api/v1/articles/{article.pk}/", {"dek": dek}, format="json")

    assert in_admin.status_code == 200
    assert in_admin.context["adminform"].form.errors == {"dek": [refusal(markup)]}
    assert in_api.status_code == 400
    assert in_api.json()["code"] == "invalid" and in_api.json()["errors"] == {"dek": [refusal(markup)]}
    article.refresh_from_db()
    assert (article.dek, article.version) == ("Two piers.", version)


def test_every_plain_text_field_of_an_article_refuses_html_naming_each_and_creates_nothing(editor):
    image = ImageFactory()
    payload = {
        "headline": "<strong>Ferries</strong> return",
        "slug": "ferries-return",
        "dek": "Two piers.",
        "body": "<p>They are back.</p>",
        "section": ArticleFactory().section.slug,
        "lead_image": image.pk,
        "lead_image_caption": "The pier <i>at dawn</i>",
        "source_credit": "With reporting by <b>AFP</b>",
    }

    response = api_client(editor).post("/api/v1/articles/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "headline": [refusal("<strong>")],
        "lead_image_caption": [refusal("<i>")],
        "source_credit": [refusal("<b>")],
    }
    assert not Article.objects.filter(slug="ferries-return").exists()


@pytest.mark.parametrize("field", ["title", "caption", "credit", "alt_text"])
def test_an_image_s_texts_refuse_html_in_the_admin_and_the_api(client_as, editor, field):
    image = ImageFactory()
    kept = getattr(image, field)
    url = reverse("admin:articles_image_change", args=[image.pk])
    texts = {name: getattr(image, name) for name in ("title", "caption", "credit", "alt_text")}

    in_admin = client_as(editor).post(url, texts | {field: "Cranes <span>at dawn</span>"})
    in_api = api_client(editor).patch(
        f"/api/v1/images/{image.pk}/", {field: "Cranes <span>at dawn</span>"}, format="json"
    )

    assert in_admin.status_code == 200
    assert in_admin.context["adminform"].form.errors == {field: [refusal("<span>")]}
    assert in_api.status_code == 400 and in_api.json()["errors"] == {field: [refusal("<span>")]}
    assert getattr(Image.objects.get(pk=image.pk), field) == kept


def test_a_correction_with_html_is_refused_in_the_admin_and_the_api_and_none_is_added(client_as, editor):
    """A correction's note is shown to readers as typed, at the foot of the story: sent with a tag, readers
    saw the tag itself there, for good, as a saved correction can be neither changed nor removed."""
    article = ArticleFactory(published=True)
    url = reverse("admin:articles_article_change", args=[article.pk])
    row = {"kind": "correction", "note": "The pier is <b>120 m</b> long."}
    data = add_inline_rows(form_data(client_as(editor).get(url)), "corrections", [row])

    in_admin = client_as(editor).post(url, data)
    corrections = f"/api/v1/articles/{article.pk}/corrections/"
    in_api = api_client(editor).post(corrections, {"note": "The pier is <b>120 m</b> long."}, format="json")
    typed = api_client(editor).post(corrections, {"note": ORDINARY_TEXT}, format="json")

    assert in_admin.status_code == 200
    formsets = {inline.formset.prefix: inline.formset for inline in in_admin.context["inline_admin_formsets"]}
    assert formsets["corrections"].errors == [{"note": [refusal("<b>")]}]
    assert in_api.status_code == 400 and in_api.json()["errors"] == {"note": [refusal("<b>")]}
    assert typed.status_code == 201, typed.json()
    assert [c.note for c in article.corrections.all()] == [ORDINARY_TEXT]


def test_a_story_with_a_correction_saved_with_html_before_the_rule_is_still_edited(client_as, editor):
    """A saved correction is shown read-only and never changed; checked again at each save of its story, one
    stored with a tag before the rule refused every later save, and nothing could mend it."""
    article = ArticleFactory(published=True, dek="Two piers.")
    Correction.objects.create(article=article, note="The pier is <b>120 m</b> long.")

    response = admin_edit(client_as(editor), article, dek="Three piers.")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.dek == "Three piers."
    assert article.corrections.get().note == "The pier is <b>120 m</b> long."


def test_ordinary_text_with_angle_brackets_and_ampersands_is_kept_as_typed(client_as, editor):
    """Only what a browser would read as a tag or a character reference is refused."""
    article = ArticleFactory(dek="Two piers.")
    image = ImageFactory()

    in_admin = admin_edit(client_as(editor), article, dek=ORDINARY_TEXT, lead_image_caption=ORDINARY_TEXT)
    assert in_admin.status_code == 302, in_admin.context["adminform"].form.errors
    in_api = api_client(editor).patch(
        f"/api/v1/articles/{article.pk}/", {"headline": ORDINARY_TEXT}, format="json"
    )
    image_in_api = api_client(editor).patch(
        f"/api/v1/images/{image.pk}/", {"alt_text": ORDINARY_TEXT}, format="json"
    )

    assert in_api.status_code == 200, in_api.json()
    assert image_in_api.status_code == 200, image_in_api.json()
    article.refresh_from_db()
    assert article.headline == article.dek == article.lead_image_caption == ORDINARY_TEXT
    assert Image.objects.get(pk=image.pk).alt_text == ORDINARY_TEXT


def test_a_tag_s_name_refuses_html_in_the_admin_s_plus_and_the_api(client_as, editor, reporter):
    """A tag's name is shown as typed on every story that has it; the "+" beside Tags (the add form in a
    popup) refuses what the API refuses."""
    url = reverse("admin:articles_tag_add") + "?_popup=1"
    typed = {"name": "Ferries <em>now</em>", "slug": "ferries-now", "_popup": "1"}

    in_admin = client_as(reporter).post(url, typed)
    in_api = api_client(reporter).post("/api/v1/tags/", {"name": typed["name"]}, format="json")

    assert in_admin.status_code == 200
    assert in_admin.context["adminform"].form.errors == {"name": [refusal("<em>")]}
    assert in_api.status_code == 400 and in_api.json()["errors"] == {"name": [refusal("<em>")]}
    assert not Tag.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "typed", "field"),
    [
        ("admin:articles_section_add", {"name": "City <b>news</b>", "slug": "city-news", "position": "0"},
         "name"),
        ("admin:authors_author_add", {"display_name": "Rosa <i>Lind</i>", "slug": "rosa-lind"},
         "display_name"),
        ("admin:authors_author_add", {"display_name": "Rosa Lind", "slug": "rosa-lind",
                                      "job_title": "Harbour &amp; port reporter"}, "job_title"),
        ("admin:authors_author_add", {"display_name": "Rosa Lind", "slug": "rosa-lind",
                                      "bio": "Writes about the port.<br>Sails on Sundays."}, "bio"),
    ],
    ids=["section-name", "author-name", "job-title", "bio"],
)  # fmt: skip
def test_sections_and_authors_refuse_html_in_their_names_and_texts(client_as, editor, url_name, typed, field):
    """A section's name is in every page's navigation, an author's name in every byline, a job title and a
    biography on the author's page: all shown as typed, so HTML in them reached readers as literal tags."""
    from articles.models import Section
    from authors.models import Author

    response = client_as(editor).post(reverse(url_name), {"kind": "staff", **typed})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and errors[field][0].startswith("Plain text only: “")
    assert not Section.objects.filter(slug=typed["slug"]).exists()
    assert not Author.objects.filter(slug=typed["slug"]).exists()


def test_a_biography_of_ordinary_text_is_kept_as_typed(client_as, editor):
    from authors.models import Author

    response = client_as(editor).post(
        reverse("admin:authors_author_add"),
        {"display_name": "Rosa Lind", "slug": "rosa-lind", "kind": "staff", "bio": ORDINARY_TEXT},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Author.objects.get(slug="rosa-lind").bio == ORDINARY_TEXT

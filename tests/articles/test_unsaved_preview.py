"""The form's "Preview" button: the article with its unsaved changes, in the site's template, staff only."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .admin_forms import add_inline_rows, form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def test_preview_shows_unsaved_changes_in_the_site_template_and_saves_nothing(client_as, editor):
    article = ArticleFactory(headline="Saved headline", body="<p>Saved body.</p>")
    before = Article.objects.filter(pk=article.pk).values().get()
    versions = Version.objects.count()
    client = client_as(editor)
    data = form_data(client.get(change_url(article)))
    data.update(
        headline="Unsaved headline",
        body='<h2>New part</h2><blockquote class="pullquote"><p>Quote me.</p></blockquote>',
    )

    response = client.post(preview_url(article), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "articles/article.html"
    assert "<h1>Unsaved headline</h1>" in html
    assert '<h2>New part</h2><blockquote class="pullquote"><p>Quote me.</p></blockquote>' in html
    assert "Preview: this article is not published." in html
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in response["Cache-Control"]
    assert Article.objects.filter(pk=article.pk).values().get() == before
    assert Version.objects.count() == versions


def test_preview_of_a_new_article_with_its_byline_creates_nothing(client_as, editor):
    section = SectionFactory()
    author = AuthorFactory(display_name="Marta Quillon")
    client = client_as(editor)
    data = form_data(client.get(reverse("admin:articles_article_add")))
    data.update(headline="Not yet written", slug="not-yet", body="<p>Draft text.</p>", section=section.pk)
    add_inline_rows(data, "bylines", [{"author": author.pk, "position": 0}])

    response = client.post(reverse("admin:articles_article_preview_new"), data)

    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    assert "Not yet written" in html and "Marta Quillon" in html
    assert Article.objects.count() == 0


def test_preview_of_an_invalid_form_says_what_to_correct(client_as, editor):
    article = ArticleFactory()
    client = client_as(editor)
    data = form_data(client.get(change_url(article)))
    data["headline"] = ""
    data["bylines-0-author"] = "999999"
    response = client.post(preview_url(article), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Headline: This field is required." in html
    assert "Byline 1, Author: Select a valid choice." in html and "bylines:" not in html


def test_preview_is_for_staff_who_may_edit_the_article(client, client_as, reader, other_reporter):
    article = ArticleFactory(in_review=True)
    assert client.post(preview_url(article), {"headline": "x"}).status_code == 302  # to the login page
    client.force_login(reader)
    assert client.post(preview_url(article), {"headline": "x"}).status_code == 302
    assert client_as(other_reporter).post(preview_url(article), {"headline": "x"}).status_code == 403
    assert client_as(other_reporter).get(preview_url(article)).status_code == 405


def test_the_form_has_a_preview_button_that_opens_a_new_tab(client_as, editor):
    article = ArticleFactory()
    html = client_as(editor).get(change_url(article)).content.decode()
    assert 'value="Preview"' in html and f'formaction="{preview_url(article)}"' in html
    assert 'formtarget="_blank"' in html


def test_a_preview_leaves_readers_navigation_as_it_was(client, client_as, editor, fresh_cache):
    """Previewing a live story moved into a section still being prepared shows that section in the
    preview's own "Browse By", and never in the readers' (the navigation is cached for ten minutes)."""
    live = ArticleFactory(published=True, headline="Ferry timetable")
    SectionFactory(name="Election 2027", slug="election-2027")
    admin = client_as(editor)
    data = form_data(admin.get(change_url(live)))
    data["section"] = str(live.section.__class__.objects.get(slug="election-2027").pk)

    preview = admin.post(preview_url(live), data)

    assert preview.status_code == 200 and "Election 2027" in preview.content.decode()
    home = client.get("/").content.decode()
    assert "Ferry timetable" in home and "Election 2027" not in home

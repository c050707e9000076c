"""Editorial notes are for staff: shown in the admin, and on no public page, feed, sitemap, search or API."""

import pytest
from django.urls import reverse

from articles.models import EditorialNote
from tests.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db

SECRET = "NOTE-7f3a9c-do-not-publish-the-source-is-the-harbourmaster"


@pytest.fixture
def article_with_note(editor, fresh_cache):
    author = AuthorFactory(slug="marta")
    tag = TagFactory(slug="ferries")
    article = ArticleFactory(published=True, headline="Ferry timetable changes", authors=[author], tags=[tag])
    EditorialNote.objects.create(article=article, text=SECRET, written_by=editor)
    return article


def public_addresses(article):
    section, tag, author = article.section.slug, "ferries", "marta"
    return [
        article.get_absolute_url(),
        "/",
        f"/{section}/",
        f"/tag/{tag}/",
        f"/authors/{author}/",
        "/search/?q=ferry",
        "/feed/",
        "/feed/atom/",
        f"/{section}/feed/",
        f"/tag/{tag}/feed/atom/",
        "/sitemap.xml",
        "/sitemap-news.xml",
        f"/sitemap-{'articles'}.xml",
        "/api/v1/articles/",
        f"/api/v1/articles/{article.pk}/",
        "/api/v1/articles/?q=ferry",
        f"/api/v1/authors/{author}/articles/",
        "/api/schema/",
    ]


def test_a_note_appears_on_no_public_output(client, article_with_note):
    checked = 0
    for address in public_addresses(article_with_note):
        response = client.get(address)
        assert response.status_code == 200, address
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in body, address
        checked += 1
    assert checked == 18


def test_a_note_is_not_in_the_api_even_for_staff(client_as, editor, article_with_note):
    client = client_as(editor)
    response = client.get(f"/api/v1/articles/{article_with_note.pk}/")
    assert response.status_code == 200
    assert response.json()["headline"] == "Ferry timetable changes"
    assert SECRET not in response.content.decode()


def test_staff_see_and_write_notes_in_the_admin(client_as, editor, article_with_note):
    from .admin_forms import add_inline_rows, form_data

    client = client_as(editor)
    url = reverse("admin:articles_article_change", args=[article_with_note.pk])
    response = client.get(url)
    assert SECRET in response.content.decode()
    data = add_inline_rows(form_data(response), "editorial_notes", [{"text": "Check the ferry times."}])
    assert client.post(url, data).status_code == 302
    notes = list(article_with_note.editorial_notes.values_list("text", "written_by"))
    assert notes == [(SECRET, editor.pk), ("Check the ferry times.", editor.pk)]

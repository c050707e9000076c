"""Editorial notes are for staff: shown in the admin, and on no public page, feed, sitemap, search or API."""

import pytest
from django.urls import reverse

from articles.models import EditorialNote
from tests.factories import ArticleFactory, AuthorFactory, TagFactory
from tests.site_data import page

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

    editor.first_name, editor.last_name = "Erin", "Desk"
    editor.save()
    client = client_as(editor)
    url = reverse("admin:articles_article_change", args=[article_with_note.pk])
    response = client.get(url)
    assert SECRET in response.content.decode()
    # The writer by name, with no link to the user pages (refused to editors).
    writer = page(response).select_one(".field-writer .readonly")
    assert writer.get_text(strip=True) == "Erin Desk" and writer.find("a") is None
    data = add_inline_rows(form_data(response), "editorial_notes", [{"text": "Check the ferry times."}])
    assert client.post(url, data).status_code == 302
    notes = list(article_with_note.editorial_notes.values_list("text", "written_by"))
    assert notes == [(SECRET, editor.pk), ("Check the ferry times.", editor.pk)]


def test_a_note_is_headed_and_logged_with_its_writers_name_not_their_login(
    client_as, editor, article_with_note
):
    """The inline's heading and the history read "Note by editor on ...": the login, where every other place
    (the note's "Written by", the workflow history) names the colleague."""
    from .admin_forms import add_inline_rows, form_data

    editor.first_name, editor.last_name = "Erin", "Desk"
    editor.save()
    client = client_as(editor)
    url = reverse("admin:articles_article_change", args=[article_with_note.pk])
    data = add_inline_rows(
        form_data(client.get(url)), "editorial_notes", [{"text": "Check the ferry times."}]
    )
    data["dek"] = "Winter sailings change."  # with a change to the story, so the history has the save
    assert client.post(url, data).status_code == 302

    response = client.get(url)
    assert response.status_code == 200
    notes = page(response).select("#editorial_notes-group .inline-related:not(.empty-form) .inline_label")
    heading = "Note by Erin Desk on Ferry timetable changes"
    assert [label.get_text(strip=True) for label in notes] == [heading, heading]
    history = client.get(reverse("admin:articles_article_history", args=[article_with_note.pk]))
    assert history.status_code == 200
    rows = [" ".join(row.get_text(" ").split()) for row in page(history).select("#change-history tbody tr")]
    assert len(rows) == 1 and f"Added editorial note “{heading}”." in rows[0]
    assert "Note by editor" not in history.content.decode()


def test_a_note_leaves_the_story_its_version_and_updated_time(client, client_as, editor, article_with_note):
    """Readers see "Updated" when the story changed; a note between staff is not a change to the story.
    Anything else saved with the note (here the headline) still is."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article

    from .admin_forms import add_inline_rows, form_data

    month_ago = timezone.now() - timedelta(days=30)
    Article.objects.filter(pk=article_with_note.pk).update(
        published_at=month_ago, updated_at=month_ago, revised_at=month_ago
    )
    before = Article.objects.values("version", "updated_at").get(pk=article_with_note.pk)
    admin = client_as(editor)
    url = reverse("admin:articles_article_change", args=[article_with_note.pk])

    data = add_inline_rows(
        form_data(admin.get(url)), "editorial_notes", [{"text": "Call the harbourmaster."}]
    )
    assert admin.post(url, data).status_code == 302

    assert article_with_note.editorial_notes.filter(
        text="Call the harbourmaster.", written_by=editor
    ).exists()
    assert Article.objects.values("version", "updated_at").get(pk=article_with_note.pk) == before
    address = Article.objects.get(pk=article_with_note.pk).get_absolute_url()
    page = client.get(address)
    assert page.status_code == 200 and "Ferry timetable changes" in page.content.decode()
    assert "Updated" not in page.content.decode()

    data = form_data(admin.get(url))
    data["headline"] = "Ferry timetable changes again"
    assert admin.post(url, data).status_code == 302
    after = Article.objects.values("version", "updated_at").get(pk=article_with_note.pk)
    assert after["version"] == before["version"] + 1 and after["updated_at"] > before["updated_at"]
    page = client.get(address)
    assert page.status_code == 200 and "Updated" in page.content.decode()


def test_a_reporter_cannot_rewrite_the_note_an_editor_left_on_their_draft(client_as, editor, reporter):
    """Sent back to draft with an editor's note, the story is the reporter's to edit again: the editor's
    note stays the editor's words. The reporter still adds notes of their own and changes them."""
    from .admin_forms import add_inline_rows, assert_shown_as_read_only_text, form_data

    author = AuthorFactory(user=reporter)
    draft = ArticleFactory(authors=[author], created_by=reporter)
    EditorialNote.objects.create(article=draft, text="Needs a second source.", written_by=editor)
    own = EditorialNote.objects.create(article=draft, text="Asked the port authority.", written_by=reporter)
    client = client_as(reporter)
    url = reverse("admin:articles_article_change", args=[draft.pk])

    form = client.get(url)
    notes = page(form).select("#editorial_notes-group .inline-related:not(.empty-form)")
    assert_shown_as_read_only_text(notes[0], {"text": "Needs a second source."})  # the editor's
    own_text = notes[1].select_one("textarea[name='editorial_notes-1-text']")  # their own, to change
    assert own_text.get_text().strip() == "Asked the port authority."
    data = form_data(form)
    data.update(
        {"editorial_notes-0-text": "Fine to publish as is.", "editorial_notes-1-text": "They answered."}
    )
    data = add_inline_rows(data, "editorial_notes", [{"text": "Second source found."}])
    response = client.post(url, data)

    assert response.status_code == 302
    notes = list(draft.editorial_notes.order_by("pk").values_list("text", "written_by"))
    assert notes == [
        ("Needs a second source.", editor.pk),
        ("They answered.", reporter.pk),
        ("Second source found.", reporter.pk),
    ]
    assert own.pk == draft.editorial_notes.get(text="They answered.").pk
    editor_page = client_as(editor).get(url).content.decode()
    assert "They answered." in editor_page and "Needs a second source." in editor_page


def test_an_editor_cannot_rewrite_a_reporters_note_signed_by_the_reporter(client_as, editor, reporter):
    from .admin_forms import form_data

    draft = ArticleFactory(authors=[AuthorFactory(user=reporter)], created_by=reporter)
    EditorialNote.objects.create(article=draft, text="Source is the harbourmaster.", written_by=reporter)
    client = client_as(editor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    data = form_data(client.get(url))
    data["editorial_notes-0-text"] = "No source needed."

    assert client.post(url, data).status_code == 302
    assert list(draft.editorial_notes.values_list("text", "written_by")) == [
        ("Source is the harbourmaster.", reporter.pk)
    ]

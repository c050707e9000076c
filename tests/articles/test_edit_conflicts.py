"""Optimistic locking: two people edit the same article; the second save is refused and nothing is lost."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

from .admin_forms import add_inline_rows, form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def second_editor(db):
    user = UserFactory(username="second_editor", first_name="Ada", last_name="Second", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def two_sessions(editor, second_editor):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    return first, second


def test_second_admin_save_is_refused_naming_who_and_when_and_keeps_their_text(two_sessions):
    first, second = two_sessions
    article = ArticleFactory(headline="Harbour plan approved", body="<p>Original text.</p>")
    # Both open the form before either saves.
    first_form = form_data(first.get(change_url(article)))
    second_form = form_data(second.get(change_url(article)))
    assert first_form["expected_version"] == second_form["expected_version"] == str(article.version)

    saved = first.post(change_url(article), {**first_form, "body": "<p>First editor's words.</p>"})
    assert saved.status_code == 302
    second_form.update(headline="Second editor's headline", body="<p>Second editor's words.</p>")
    refused = second.post(change_url(article), second_form)

    assert refused.status_code == 200
    html = refused.content.decode()
    errors = refused.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("editor changed this article at ")
    assert "after you opened it; nothing was saved" in errors[0]
    # Their own text is still in the form.
    assert "Second editor&#x27;s headline" in html and "Second editor&#x27;s words." in html
    article.refresh_from_db()
    assert article.headline == "Harbour plan approved"
    assert article.body == "<p>First editor's words.</p>"


def test_a_conflict_with_ones_own_other_tab_says_so(editor):
    """Not "editor changed this article": the editor reading it would look for a colleague."""
    tab_one, tab_two = Client(), Client()
    tab_one.force_login(editor)
    tab_two.force_login(editor)
    article = ArticleFactory(headline="Harbour plan approved")
    first_form, second_form = (
        form_data(tab_one.get(change_url(article))),
        form_data(tab_two.get(change_url(article))),
    )
    assert (
        tab_one.post(change_url(article), {**first_form, "headline": "Harbour plan passed"}).status_code
        == 302
    )

    refused = tab_two.post(change_url(article), {**second_form, "headline": "Harbour plan voted"})

    errors = refused.context["adminform"].form.non_field_errors()
    assert errors[0].startswith("You, in another tab or window, changed this article at ")
    assert "after you opened it; nothing was saved" in errors[0]
    assert errors[0].endswith("to see what was saved; saving this form again will replace it with yours.")
    assert "their changes" not in errors[0]  # no one else's: the editor's own, from the other tab
    article.refresh_from_db()
    assert article.headline == "Harbour plan passed"


def test_saving_again_after_the_conflict_is_a_deliberate_overwrite(two_sessions):
    first, second = two_sessions
    article = ArticleFactory()
    first_form = form_data(first.get(change_url(article)))
    second_form = form_data(second.get(change_url(article)))
    first.post(change_url(article), {**first_form, "headline": "First"})
    refused = second.post(change_url(article), {**second_form, "headline": "Second"})
    again = form_data(refused)  # the re-rendered form now carries the current version
    assert again["headline"] == "Second"
    assert int(again["expected_version"]) == Article.objects.get(pk=article.pk).version

    assert second.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Second"


def test_saving_over_a_change_that_deleted_a_byline_keeps_the_editors_own(two_sessions):
    """The other editor deleted the byline this form still shows: saving again must not fail for ever on
    the hidden id of a row that is gone (an error no one could see); the row is written as new."""
    from articles.models import Byline

    first, second = two_sessions
    kept, replacement = AuthorFactory(display_name="Kept Writer"), AuthorFactory(display_name="New Writer")
    article = ArticleFactory(authors=[kept])
    first_form = form_data(first.get(change_url(article)))
    second_form = form_data(second.get(change_url(article)))
    second_form["bylines-0-DELETE"] = "on"
    add_inline_rows(second_form, "bylines", [{"author": str(replacement.pk), "position": "1"}])
    assert second.post(change_url(article), second_form).status_code == 302
    assert [b.author for b in Byline.objects.filter(article=article)] == [replacement]

    refused = first.post(change_url(article), {**first_form, "headline": "First editor's headline"})
    assert refused.status_code == 200 and "after you opened it" in refused.content.decode()
    again = first.post(change_url(article), form_data(refused))

    assert again.status_code == 302, again.context["adminform"].form.errors or [
        inline.formset.errors for inline in again.context["inline_admin_formsets"]
    ]
    article.refresh_from_db()
    assert article.headline == "First editor's headline"
    assert {b.author for b in Byline.objects.filter(article=article)} == {kept, replacement}


def test_a_note_deleted_by_someone_else_stays_deleted_and_does_not_block_a_save(two_sessions, reporter):
    """Deleting a note changes no version, so no warning comes: the older page's save goes through, and the
    note it still shows is not written again (in the name of whoever saved)."""
    from articles.models import EditorialNote

    first, second = two_sessions
    article = ArticleFactory()
    EditorialNote.objects.create(article=article, text="Check the vote count.", written_by=reporter)
    first_form = form_data(first.get(change_url(article)))
    second_form = form_data(second.get(change_url(article)))
    second_form["editorial_notes-0-DELETE"] = "on"
    assert second.post(change_url(article), second_form).status_code == 302
    assert not EditorialNote.objects.exists()

    saved = first.post(change_url(article), {**first_form, "headline": "Vote count confirmed"})

    assert saved.status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Vote count confirmed"
    assert not EditorialNote.objects.exists()


def test_a_workflow_step_by_someone_else_also_counts_as_a_change(two_sessions, editor, second_editor):
    from articles import services

    first, second = two_sessions
    article = ArticleFactory()
    stale = form_data(second.get(change_url(article)))
    services.publish_article(article=article, by=editor)
    refused = second.post(change_url(article), {**stale, "headline": "Late change"})
    assert refused.status_code == 200
    assert "changed this article" in refused.context["adminform"].form.non_field_errors()[0]
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.headline != "Late change"


def test_an_unchanged_form_saves_and_raises_the_version(two_sessions):
    first, _ = two_sessions
    article = ArticleFactory()
    before = article.version
    assert first.post(change_url(article), form_data(first.get(change_url(article)))).status_code == 302
    article.refresh_from_db()
    assert article.version == before + 1


# --- The API: If-Match, 412 -------------------------------------------------------------------------


def api_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def detail(article):
    return f"/api/v1/articles/{article.pk}/"


def test_api_patch_with_a_stale_etag_is_412_in_the_error_format_and_changes_nothing(editor, second_editor):
    article = ArticleFactory(headline="Before")
    first, second = api_client(editor), api_client(second_editor)
    etag_first = first.get(detail(article))["ETag"]
    etag_second = second.get(detail(article))["ETag"]

    ok = first.patch(detail(article), {"headline": "First"}, format="json", HTTP_IF_MATCH=etag_first)
    assert ok.status_code == 200, ok.json()
    assert ok.json()["headline"] == "First"
    assert ok["ETag"] == f'"v{ok.json()["version"]}"'

    refused = second.patch(detail(article), {"headline": "Second"}, format="json", HTTP_IF_MATCH=etag_second)
    assert refused.status_code == 412
    body = refused.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == "edit_conflict" and body["errors"] == {}
    assert body["message"].startswith("editor changed this article at ")
    article.refresh_from_db()
    assert article.headline == "First"


def test_api_if_match_accepts_the_version_tag_and_star(editor, second_editor):
    article = ArticleFactory()
    client = api_client(editor)
    version = client.get(detail(article)).json()["version"]
    assert (
        client.patch(
            detail(article), {"dek": "One"}, format="json", HTTP_IF_MATCH=f'"v{version}"'
        ).status_code
        == 200
    )
    stale = client.patch(detail(article), {"dek": "Two"}, format="json", HTTP_IF_MATCH=f'"v{version}"')
    assert stale.status_code == 412
    assert (
        client.patch(detail(article), {"dek": "Three"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    )
    article.refresh_from_db()
    assert article.dek == "Three"


@pytest.mark.parametrize("step", ["publish", "schedule", "unpublish", "submit"])
def test_a_workflow_step_on_a_version_the_caller_did_not_read_is_412_and_changes_nothing(
    editor, second_editor, step
):
    """The admin's Publish button refuses a form opened before someone else's save; so does the API."""
    article = ArticleFactory(published=True) if step == "unpublish" else ArticleFactory(in_review=True)
    if step == "submit":
        article.status = Article.Status.DRAFT
        article.save()
    reader, writer = api_client(editor), api_client(second_editor)
    read = reader.get(detail(article))["ETag"]
    changed = writer.patch(detail(article), {"body": "<p>Changed after it was read.</p>"}, format="json")
    assert changed.status_code == 200
    data = {"publish_at": (timezone.now() + timedelta(days=1)).isoformat()} if step == "schedule" else {}
    status_before = Article.objects.get(pk=article.pk).status

    refused = reader.post(f"{detail(article)}{step}/", data, format="json", HTTP_IF_MATCH=read)
    assert refused.status_code == 412 and refused.json()["code"] == "edit_conflict"
    assert refused.json()["message"].startswith("Ada Second changed this article at ")
    assert Article.objects.get(pk=article.pk).status == status_before

    fresh = reader.get(detail(article))["ETag"]
    done = reader.post(f"{detail(article)}{step}/", data, format="json", HTTP_IF_MATCH=fresh)
    assert done.status_code == 200, done.json()
    assert Article.objects.get(pk=article.pk).status != status_before


def test_the_conflict_names_the_schedule_or_a_script_for_what_no_one_did(two_sessions, editor):
    import reversion

    from articles import services
    from articles.conflicts import last_change

    scripted = ArticleFactory()
    with reversion.create_revision():
        reversion.set_comment("Demo content loaded.")
        scripted.save()
    assert last_change(scripted.pk)[0] == "An automatic change"

    due = ArticleFactory(in_review=True)
    services.schedule_article(article=due, by=editor, at=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=due.pk).update(publish_at=timezone.now())
    services.publish_article(article=Article.objects.get(pk=due.pk), by=None)
    assert last_change(due.pk)[0] == "The schedule"
    assert last_change(ArticleFactory().pk)[0] == "Someone"  # no revision at all


def test_a_save_after_the_story_stopped_being_the_writers_keeps_the_text(reporter, editor):
    """The reporter's draft was published while their form was open: not a bare 403 that loses the text."""
    from articles import services

    author = AuthorFactory(user=reporter)
    draft = ArticleFactory(headline="Pier reopens", created_by=reporter, authors=[author])
    writer = Client()
    writer.force_login(reporter)
    data = form_data(writer.get(change_url(draft)))
    services.publish_article(article=draft, by=editor)
    data.update(headline="Pier reopens after repairs", body="<p>The <strong>new</strong> deck is wider.</p>")

    response = writer.post(change_url(draft), data)

    html = response.content.decode()
    assert response.status_code == 409
    assert "changed this article at " in html and "It is published now, and no longer yours to edit" in html
    assert "Pier reopens after repairs</textarea>" in html
    assert "<p>The <strong>new</strong> deck is wider.</p>" in html
    draft.refresh_from_db()
    assert draft.headline == "Pier reopens" and draft.status == "published"

"""An editor sends a story in review back to its writer, with the reason as an editorial note."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles import services
from articles.models import Article, EditorialNote, WorkflowEvent
from tests.factories import ArticleFactory

from .admin_forms import add_inline_rows, form_data

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def in_review(reporter):
    return ArticleFactory(created_by=reporter, in_review=True, headline="Council vote")


def test_the_writer_may_edit_it_again_and_reads_why(editor, reporter, in_review):
    assert not services.can_edit(article=in_review, user=reporter)

    services.return_to_draft(article=in_review, by=editor, note="  Needs a second source.  ")

    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT and services.can_edit(article=in_review, user=reporter)
    event = in_review.workflow_events.get()
    assert (event.action, event.actor, event.detail) == (WorkflowEvent.Action.RETURNED, editor, "with a note")
    note = EditorialNote.objects.get(article=in_review)
    assert (note.text, note.written_by) == ("Needs a second source.", editor)


def test_only_editors_and_only_a_story_in_review(editor, reporter, in_review):
    with pytest.raises(PermissionDenied, match="Only editors can send a story back to draft."):
        services.return_to_draft(article=in_review, by=reporter)
    for state in ("published", "scheduled"):
        story = ArticleFactory(**{state: True})
        with pytest.raises(ValidationError, match="Only a story in review can be sent back"):
            services.return_to_draft(article=story, by=editor)
        story.refresh_from_db()
        assert story.status == state
    with pytest.raises(ValidationError, match="at most 2000 characters"):
        services.return_to_draft(article=in_review, by=editor, note="x" * 2001)
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW and not in_review.workflow_events.exists()
    assert not EditorialNote.objects.exists()


def test_the_admin_button_sends_it_back_with_the_note_written_beside_it(client_as, editor, in_review):
    url = reverse("admin:articles_article_change", args=[in_review.pk])
    client = client_as(editor)
    page = client.get(url)
    assert 'name="_return_to_draft"' in page.content.decode()
    data = add_inline_rows(form_data(page), "editorial_notes", [{"text": "Check the vote count."}])

    response = client.post(url, {**data, "_return_to_draft": "1"})

    assert response.status_code == 302
    # The note is written: the message does not ask for one.
    assert "Sent back to draft: its writer can edit it again." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    assert list(in_review.editorial_notes.values_list("text", "written_by")) == [
        ("Check the vote count.", editor.pk)
    ]
    assert 'name="_return_to_draft"' not in client.get(url).content.decode()  # a draft now
    event = in_review.workflow_events.get()
    assert (event.action, event.actor, event.detail) == (WorkflowEvent.Action.RETURNED, editor, "with a note")


def test_sent_back_without_a_note_the_message_asks_for_one(client_as, editor, in_review):
    url = reverse("admin:articles_article_change", args=[in_review.pk])
    client = client_as(editor)

    response = client.post(url, {**form_data(client.get(url)), "_return_to_draft": "1"})

    assert response.status_code == 302
    assert "Sent back to draft: its writer can edit it again (add an editorial note to say why)." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    event = in_review.workflow_events.get()
    assert (event.action, event.actor, event.detail) == (WorkflowEvent.Action.RETURNED, editor, "")


def test_the_api_sends_it_back_for_editors_only(editor, reporter, in_review):
    def as_user(user):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return api

    url = f"/api/v1/articles/{in_review.pk}/return/"
    assert as_user(reporter).post(url, {"note": "mine"}, format="json").status_code == 403
    unknown = as_user(editor).post(url, {"reason": "typo"}, format="json")
    assert unknown.status_code == 400 and list(unknown.json()["errors"]) == ["reason"]
    assert Article.objects.get(pk=in_review.pk).status == Status.IN_REVIEW

    response = as_user(editor).post(url, {"note": "Needs a photo credit."}, format="json")

    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert response["ETag"] == f'"v{Article.objects.get(pk=in_review.pk).version}"'
    assert EditorialNote.objects.get().text == "Needs a photo credit."
    again = as_user(editor).post(url, format="json")
    assert again.status_code == 400 and "Only a story in review can be sent back" in again.json()["message"]

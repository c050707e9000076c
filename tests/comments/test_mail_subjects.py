"""Mail about a story names it in the subject, on one line, whatever the headline holds."""

import pytest
from django.core import mail

from comments import mail as outbox
from comments import services
from comments.models import AuthorNotificationSetting, OutgoingMail
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

from .helpers import make_comment

pytestmark = pytest.mark.django_db


def _reply(article, reader, parent):
    services.post_comment(
        article=article, user=reader, name="R", email="", text="A reply", ip="192.0.2.1", parent_id=parent.pk
    )


def test_a_headline_with_a_line_break_is_named_on_one_line_in_reply_and_author_mail(
    reader, django_capture_on_commit_callbacks
):
    byline = UserFactory(username="byline", email="byline@example.org")
    article = ArticleFactory(
        published=True, headline="Ferry fares rise\r\nby a tenth", authors=[AuthorFactory(user=byline)]
    )
    AuthorNotificationSetting.objects.create(user=byline, notify_new_comments=True)
    parent = make_comment(article, email="follower@example.net", followup=True)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(article, reader, parent)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("byline@example.org", "New comment on “Ferry fares rise by a tenth”"),
        ("follower@example.net", "New reply on “Ferry fares rise by a tenth”"),
    ]
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()


def test_a_headline_as_long_as_allowed_still_gets_its_reply_mail(reader, django_capture_on_commit_callbacks):
    article = ArticleFactory(published=True, headline="Harbour " * 24 + "plan")  # 196 characters
    parent = make_comment(article, email="follower@example.net", followup=True)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(article, reader, parent)
    (message,) = mail.outbox
    assert message.to == ["follower@example.net"]
    assert message.subject.startswith("New reply on “Harbour Harbour") and len(message.subject) <= 200


def test_a_subject_the_mail_library_refuses_is_given_up_at_once_not_retried(settings):
    """No retry changes a header that cannot be sent: retrying it fifty times only hides it from the desk."""
    settings.COMMENTS_MAIL_MAX_RETRIES = 50
    row = OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.REPLY, to="follower@example.net", subject="Two\nlines", body="Hello"
    )
    assert outbox.send_outgoing(row.pk) is False  # no MailNotSent: Celery does not retry it
    row.refresh_from_db()
    assert mail.outbox == []
    assert (row.sent_at, row.attempts) == (None, 50)
    assert row.last_error.startswith("BadHeaderError")
    assert list(OutgoingMail.objects.given_up()) == [row]

"""Erasing a commenter's data also stops the moderators' digests that still list them under their name."""

import pytest
from django.core import mail

from comments import mail as outbox
from comments import services
from comments.models import OutgoingMail

from .helpers import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_away(monkeypatch):
    """Digests are queued but not sent, as when the broker is down or the worker busy."""
    monkeypatch.setattr(outbox, "enqueue_send", lambda mail_id: None)
    return monkeypatch


def send_everything():
    for mail_id in OutgoingMail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True):
        outbox.send_outgoing(mail_id)


def test_a_reader_s_erasure_deletes_the_unsent_digest_that_lists_them(article, moderator, broker_away):
    make_comment(
        article, name="Jane Realname", email="jane@example.net", text="My neighbour at 4 Elm St", public=False
    )
    assert services.queue_held_digest() == 1

    services.erase_commenter_data(email="jane@example.net", remove_texts=True)
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.DIGEST).exists()

    # The next digest lists the comment as it is now; nothing the reader erased reaches the moderator.
    assert services.queue_held_digest() == 1
    broker_away.undo()
    send_everything()
    (digest,) = mail.outbox
    assert digest.to == [moderator.email]
    assert "Anonymous" in digest.body and "[removed at the commenter's request]" in digest.body
    assert "Jane Realname" not in digest.body and "Elm St" not in digest.body


def test_a_digest_that_does_not_list_the_erased_commenter_still_goes(article, moderator, broker_away):
    make_comment(article, name="Bob Held", email="bob@example.net", text="Held for a moderator", public=False)
    jane = make_comment(
        article, name="Jane Realname", email="", ip=None
    )  # published; retention blanked email
    assert services.queue_held_digest() == 1

    assert services.erase_writers_of(comment_ids=[jane.pk]) == 1

    broker_away.undo()
    send_everything()
    (digest,) = mail.outbox
    assert digest.to == [moderator.email] and "Bob Held" in digest.body
    assert "Held for a moderator" in digest.body

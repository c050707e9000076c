"""Staff export a commenter's data from the moderation queue, finding the writer as erasure does."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from comments import services
from comments.models import OutgoingMail
from tests.factories import UserFactory

from .helpers import QUEUE, Client, make_comment

pytestmark = pytest.mark.django_db


def export(user, *comments):
    """The action as staff choose it, and the messages the queue shows next."""
    client = Client()
    client.force_login(user)
    response = client.post(
        QUEUE + "?state=all", {"action": "export_personal_data", "_selected_action": [c.pk for c in comments]}
    )
    shown = client.get(QUEUE + "?state=all")
    return response, [str(m) for m in shown.context["messages"]]


def download(response) -> dict:
    """The file the export hands to the staff member who asked: nothing is mailed, to anyone."""
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert mail.outbox == [] and not OutgoingMail.objects.exists()
    return json.loads(response.content)


def test_a_signed_in_commenters_comments_are_exported_by_their_account(article, boss, reader):
    long_ago = timezone.now() - timedelta(days=120)
    selected = make_comment(
        article, name="Rita Reader", email="reader@example.org", user=reader, when=long_ago
    )
    make_comment(article, name="Rita Reader", email="", user=reader, text="Signed in, no email typed")
    make_comment(article, name="Someone", email="", user=UserFactory(username="else"), text="Not hers")
    services.anonymise_expired_commenters()  # the selected comment's email is blank now

    response, messages = export(boss, selected)

    data = download(response)
    assert list(data) == ["account:reader"]
    assert sorted(row["text"] for row in data["account:reader"]) == [
        "Signed in, no email typed",
        "Well reported.",
    ]
    assert messages == []


def test_a_commenters_comments_are_exported_by_email_and_account_together(article, boss, reader):
    selected = make_comment(article, name="Rita Reader", email="reader@example.org", user=reader)
    make_comment(article, name="Rita", email="READER@example.org", text="Before she signed in")
    make_comment(article, name="Rita Reader", email="", user=reader, text="Signed in, no email typed")

    data = download(export(boss, selected)[0])

    assert {row["text"] for row in data["account:reader"]} == {
        "Well reported.",
        "Before she signed in",
        "Signed in, no email typed",
    }


def test_a_comment_with_neither_email_nor_account_left_is_not_said_to_be_exported(article, boss):
    long_ago = timezone.now() - timedelta(days=120)
    old = make_comment(article, name="Jane Q. Realname", email="jane@example.net", when=long_ago)
    namesake = make_comment(article, name="Jane Q. Realname", email="other.jane@example.net", when=long_ago)
    services.anonymise_expired_commenters()

    response, messages = export(boss, old)

    assert response.status_code == 302 and "Content-Disposition" not in response
    assert mail.outbox == [] and not OutgoingMail.objects.exists()
    assert messages == [
        "Nothing to export: the selected comment holds no email or account any more, so its writer cannot "
        "be found (a name is no proof of the same person)."
    ]
    assert export(boss, old, namesake)[1] == [
        "Nothing to export: the selected comments hold no email or account any more, so their writers cannot "
        "be found (a name is no proof of the same person)."
    ]


def test_an_export_says_which_selected_comments_it_could_not_follow(article, boss):
    long_ago = timezone.now() - timedelta(days=120)
    old = make_comment(article, name="Jane", email="jane@example.net", when=long_ago)
    services.anonymise_expired_commenters()
    recent = make_comment(article, name="Grace")

    response, messages = export(boss, old, recent)

    data = download(response)
    assert list(data) == ["grace@example.net"]
    assert [row["name"] for row in data["grace@example.net"]] == ["Grace"]
    assert messages == [
        "Not in the export: 1 selected comment holds no email or account any more, so its writer cannot be "
        "found (a name is no proof of the same person)."
    ]

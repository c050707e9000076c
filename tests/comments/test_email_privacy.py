"""Confirmation links, retention, export and erasure by email (Celery eager here; see test_worker.py)."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from articles import services as articles
from articles.models import Article
from comments import services, tasks, tokens
from comments.models import DataRequest, OutgoingMail, PendingComment, ReaderComment
from tests.factories import ArticleFactory

from .conftest import confirm, confirmation_link
from .helpers import COMMITS, Client, make_comment

pytestmark = pytest.mark.django_db


def csrf_from(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


# Confirmation links ---------------------------------------------------------------------------------------


def test_confirmation_link_carries_no_email_and_no_pickle(commenter, article):
    commenter.post(article.get_absolute_url(), email="secret.person@example.net")
    link = confirmation_link(mail.outbox[0])
    token = link.split("/")[-2]
    payload = signing.b64_decode(token.split(":")[0].encode())
    assert b"secret" not in payload and b"example" not in payload
    assert json.loads(payload) == str(PendingComment.objects.get().key)


def test_the_confirmation_mail_says_what_pressing_the_button_does(commenter, article, client, settings):
    """It said "press “Post my comment” to publish it" to first-time commenters, whose comment then waits
    for a moderator."""
    settings.COMMENTS_HOLD_FIRST_TIME = True
    commenter.post(article.get_absolute_url(), comment="My first words here.")
    (first,) = mail.outbox
    assert "press “Post my comment” to send it:" in first.body and "publish it" not in first.body
    assert "\nA moderator reads it before it appears on the site.\n" in first.body
    assert "Your comment is awaiting moderation" in confirm(client, confirmation_link(first)).content.decode()

    earlier = timezone.now() - timedelta(days=1)
    make_comment(article, name="Known", email="known@example.net", text="Approved before.", when=earlier)
    commenter.post(
        article.get_absolute_url(), email="known@example.net", comment="Known words.", ip="203.0.113.99"
    )
    second = mail.outbox[-1]
    assert second.to == ["known@example.net"]
    assert "press “Post my comment” to publish it:" in second.body and "moderator" not in second.body
    assert "Your comment is published" in confirm(client, confirmation_link(second)).content.decode()


def test_confirmation_link_expires(commenter, article, client, monkeypatch, settings):
    settings.COMMENTS_CONFIRM_DAYS = 3
    commenter.post(article.get_absolute_url())
    link = confirmation_link(mail.outbox[0])
    later = signing.time.time() + 3 * 86400 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(link)
    assert response.status_code == 404 and b"expired" in response.content
    assert ReaderComment.objects.count() == 0


def test_forged_or_tampered_links_do_nothing(commenter, article, client):
    commenter.post(article.get_absolute_url())
    link = confirmation_link(mail.outbox[0])
    forged_key = tokens.make(str(PendingComment.objects.get().key), "another-salt")
    for bad in [link[:-3] + "xx/", f"/comments/confirm/{forged_key}/", "/comments/confirm/abc/"]:
        assert client.get(bad).status_code == 404
    assert ReaderComment.objects.count() == 0


def test_a_withdrawn_article_takes_no_confirmed_comment_and_its_comment_pages_name_it_not(
    commenter, article, client, editor
):
    """Between the post and the press of "Post my comment" the article is withdrawn and renamed: the
    reader's pages answer 404 without its headline and nothing is saved; when it returns, the link works."""
    from articles import services as articles_services

    posted = commenter.post(article.get_absolute_url()).redirect_chain[-1][0]
    link = confirmation_link(mail.outbox[0])
    articles_services.unpublish_article(article=article, by=editor)
    type(article).objects.filter(pk=article.pk).update(headline="Retracted after legal review")

    for page in (client.get(posted), client.get(link), confirm(client, link)):
        assert page.status_code == 404, page.request["PATH_INFO"]
        assert "Retracted" not in page.content.decode()
    assert ReaderComment.objects.count() == 0
    assert PendingComment.objects.get().confirmed_at is None

    article.refresh_from_db()
    articles_services.publish_article(article=article, by=editor)
    assert confirm(client, link).status_code == 200
    assert ReaderComment.objects.get().comment == "A fair point."
    assert "Retracted after legal review" in client.get(posted).content.decode()


def test_a_reply_whose_comment_left_the_site_before_the_link_was_pressed_says_it_starts_a_thread(
    commenter, article, client, moderator
):
    """It was posted as a conversation of its own, as it should be, and the page said only "published"."""
    answered = make_comment(article, name="Tomas", email="tomas@example.net", text="The gates were late.")
    commenter.post(article.get_absolute_url(), reply_to=answered.pk, comment="They were not.")
    services.remove_comments(comments=[answered], by=moderator)

    page = confirm(client, confirmation_link(mail.outbox[-1]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Your comment is published." in html
    assert "The comment you replied to is no longer on the site, so yours starts a conversation" in html
    reply = ReaderComment.objects.get(comment="They were not.")
    assert (reply.parent_id, reply.level, reply.is_public) == (reply.pk, 0, True)


def test_a_reply_to_a_comment_still_there_says_nothing_of_a_new_conversation(commenter, article, client):
    answered = make_comment(article, name="Tomas", email="tomas@example.net", text="The gates were late.")
    commenter.post(article.get_absolute_url(), reply_to=answered.pk, comment="They were not.")

    page = confirm(client, confirmation_link(mail.outbox[-1]))

    assert page.status_code == 200 and "Your comment is published." in page.content.decode()
    assert "no longer on the site" not in page.content.decode()
    assert ReaderComment.objects.get(comment="They were not.").parent_id == answered.pk


def test_a_used_link_opened_again_after_the_article_is_withdrawn_is_a_404_not_a_server_error(
    commenter, article, client, editor
):
    """The reader confirmed, the story was then withdrawn and renamed, and the reader opens the mail's link
    again (or presses the button on a tab left open): the page says nothing of the story. It was a 500."""
    commenter.post(article.get_absolute_url())
    link = confirmation_link(mail.outbox[0])
    assert confirm(client, link).status_code == 200
    articles.unpublish_article(article=article, by=editor)
    Article.objects.filter(pk=article.pk).update(headline="Retracted after legal review")

    client.raise_request_exception = False
    token = client.get("/comments/csrf/").json()["token"]
    for page in (client.get(link), client.post(link, {"csrfmiddlewaretoken": token})):
        assert page.status_code == 404, page.request["REQUEST_METHOD"]
        assert "Retracted" not in page.content.decode()
        assert "no longer on the site" in page.content.decode()
    assert ReaderComment.objects.count() == 1


def _reopened(client, link):
    """The mailed link opened again, and the button pressed again on a tab left open: the same page."""
    token = client.get("/comments/csrf/").json()["token"]
    pages = [client.get(link), client.post(link, {"csrfmiddlewaretoken": token})]
    for page in pages:
        assert page.status_code == 200, page.request["REQUEST_METHOD"]
    return [page.content.decode() for page in pages]


@pytest.mark.parametrize("spam", [False, True], ids=["removed", "spam"])
def test_a_link_opened_again_after_a_moderator_took_the_comment_off_promises_nothing(
    commenter, article, client, moderator, settings, spam
):
    """It said "held for moderation and will appear once a moderator approves it": it never will."""
    settings.COMMENTS_HOLD_FIRST_TIME = True
    commenter.post(article.get_absolute_url(), comment="The ferry was late again.")
    link = confirmation_link(mail.outbox[0])
    assert "Your comment is awaiting moderation" in confirm(client, link).content.decode()
    for html in _reopened(client, link):  # still waiting: still true
        assert "will appear once a moderator approves it" in html

    comment = ReaderComment.objects.get()
    services.remove_comments(comments=[comment], by=moderator, spam=spam)

    for html in _reopened(client, link):
        assert "Your comment is not on the site" in html
        assert "A moderator decided not to publish this comment, so it will not appear on the site." in html
        assert "awaiting moderation" not in html and "will appear once" not in html
        assert "spam" not in html.lower() and "ada@example.net" not in html
        assert f'href="{article.get_absolute_url()}#comments">Back to “{article.headline}”' in html
    assert ReaderComment.objects.get().is_removed and ReaderComment.objects.count() == 1


def test_a_link_opened_again_after_a_moderator_approved_the_comment_links_to_it(
    commenter, article, client, moderator, settings
):
    settings.COMMENTS_HOLD_FIRST_TIME = True
    commenter.post(article.get_absolute_url(), comment="The ferry was late again.")
    link = confirmation_link(mail.outbox[0])
    confirm(client, link)
    comment = ReaderComment.objects.get()
    services.approve_comments(comments=[comment], by=moderator)

    for html in _reopened(client, link):
        assert "Your comment is published" in html and "awaiting moderation" not in html
        assert f'<a href="{article.get_absolute_url()}#c{comment.pk}">See your comment under “' in html
    assert client.get(article.get_absolute_url()).content.decode().count("The ferry was late again.") == 1


def test_a_reply_s_link_opened_again_after_the_comment_it_answers_was_removed_says_it_is_off_the_site(
    commenter, article, client, moderator
):
    """The reply left the page with the comment it answers; no moderator can approve it on its own."""
    answered = make_comment(article, name="Tomas", email="tomas@example.net", text="The gates were late.")
    commenter.post(article.get_absolute_url(), reply_to=answered.pk, comment="They were not.")
    link = confirmation_link(mail.outbox[-1])
    assert "Your comment is published" in confirm(client, link).content.decode()
    services.remove_comments(comments=[answered], by=moderator)

    for html in _reopened(client, link):
        assert "Your reply is not on the site" in html
        assert (
            "The comment your reply answers is no longer on the site, so your reply does not appear" in html
        )
        assert "Your comment is published" not in html and "will appear once" not in html
    reply = ReaderComment.objects.get(comment="They were not.")
    assert (reply.is_public, reply.is_removed, reply.parent_id) == (False, False, answered.pk)


def test_a_link_opened_after_comments_closed_offers_no_button_and_gives_the_text_back(
    commenter, article, client, settings
):
    """Comments on the story closed between the post and the mailed link (switched off, or past
    COMMENTS_CLOSE_AFTER_DAYS): the page offered "Post my comment", and pressing it said only that comments
    are closed, the reader's text gone from the page."""
    commenter.post(article.get_absolute_url(), comment="My long, careful answer.")
    link = confirmation_link(mail.outbox[0])
    token = client.get("/comments/csrf/").json()["token"]
    Article.objects.filter(pk=article.pk).update(comments_enabled=False)

    for page in (client.get(link), client.post(link, {"csrfmiddlewaretoken": token})):
        html = page.content.decode()
        assert page.status_code == 403, page.request["REQUEST_METHOD"]
        assert "Comments are closed on this article." in html and "Post my comment" not in html
        assert 'id="kept-text" readonly' in html and "My long, careful answer.</textarea>" in html
        assert "ada@example.net" not in html
    assert ReaderComment.objects.count() == 0 and len(mail.outbox) == 1

    Article.objects.filter(pk=article.pk).update(comments_enabled=True)
    settings.COMMENTS_CLOSE_AFTER_DAYS = 1
    Article.objects.filter(pk=article.pk).update(first_published_at=timezone.now() - timedelta(days=2))
    page = client.get(link)
    assert page.status_code == 403 and "Comments close 1 day after" in page.content.decode()
    assert "My long, careful answer.</textarea>" in page.content.decode()
    assert ReaderComment.objects.count() == 0


def test_confirming_twice_at_once_creates_one_comment(commenter, article):
    commenter.post(article.get_absolute_url())
    token = confirmation_link(mail.outbox[0]).split("/")[-2]
    first = services.confirm_pending(token=token)
    second = services.confirm_pending(token=token)
    assert first.comment.pk == second.comment.pk
    assert ReaderComment.objects.count() == 1
    pending = PendingComment.objects.get()
    assert pending.user_email == "" and pending.ip_address is None  # the comment holds the data now


@COMMITS
def test_mail_waits_for_the_commit(article, django_capture_on_commit_callbacks):
    from django.db import transaction

    with transaction.atomic():
        services.post_comment(
            article=article, user=None, name="A", email="a@example.net", text="x", ip="192.0.2.5"
        )
        assert mail.outbox == [] and OutgoingMail.objects.count() == 1
    assert OutgoingMail.objects.get().sent_at is not None
    assert [m.to for m in mail.outbox] == [["a@example.net"]]


def test_nothing_is_queued_when_the_transaction_rolls_back(article):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_comment(
            article=article, user=None, name="A", email="a@example.net", text="x", ip="192.0.2.5"
        )
        raise RuntimeError
    assert mail.outbox == [] and OutgoingMail.objects.count() == 0 and PendingComment.objects.count() == 0


@COMMITS
def test_mail_server_down_keeps_the_message_for_a_retry(article, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def down(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    monkeypatch.setattr(tasks.send_comment_mail, "max_retries", 0)
    # The request does not fail: the message waits in the outbox.
    services.post_comment(
        article=article, user=None, name="A", email="a@example.net", text="x", ip="192.0.2.5"
    )
    mail_row = OutgoingMail.objects.get()
    assert mail_row.attempts == 1 and "down" in mail_row.last_error
    monkeypatch.undo()
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert tasks.sweep_unsent_mail() == 0  # a retry is still coming (the longest wait has not passed)
    OutgoingMail.objects.update(tried_at=timezone.now() - timedelta(minutes=30))
    assert tasks.sweep_unsent_mail() == 1
    assert [m.to for m in mail.outbox] == [["a@example.net"]]
    assert OutgoingMail.objects.get().sent_at and OutgoingMail.objects.get().to == ""
    assert tasks.sweep_unsent_mail() == 0


@COMMITS
def test_a_mailbox_refused_for_good_is_not_retried_and_no_log_names_it(
    article, monkeypatch, caplog, settings
):
    """A 550 for the recipient is given up at once (not retried for hours); a 450 is retried. Neither the
    outbox row nor the worker's log carries the address the server quoted back."""
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    answer = {"code": 550}

    def refuse(self, messages):
        to = messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({to: (answer["code"], f"5.1.1 <{to}>: No such user".encode())})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    services.post_comment(
        article=article, user=None, name="V", email="victim@example.net", text="x", ip="192.0.2.5"
    )
    row = OutgoingMail.objects.get()
    assert row.sent_at is None and row.attempts == settings.COMMENTS_MAIL_MAX_RETRIES
    assert "No such user" in row.last_error and "victim" not in row.last_error
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(hours=2), tried_at=None)
    assert tasks.sweep_unsent_mail() == 0  # given up: the sweeper leaves it

    answer["code"] = 450
    row.delete()
    monkeypatch.setattr(tasks.send_comment_mail, "max_retries", 0)
    services.post_comment(
        article=article, user=None, name="W", email="victim.two@example.net", text="y", ip="192.0.2.6"
    )
    assert OutgoingMail.objects.get().attempts == 1  # a retry may get it through
    assert "victim" not in caplog.text and "No such user" in caplog.text


def test_a_mail_server_that_never_answers_fails_the_try_within_the_timeout(article, settings):
    """It takes the connection and says nothing: the try gives up after EMAIL_TIMEOUT, is recorded, and
    the outbox row is free again for the retry (or for a moderator's removal to delete it)."""
    import socket
    import time

    from comments.mail import MailNotSent, send_outgoing

    assert 0 < settings.EMAIL_TIMEOUT <= 30  # the configured default is finite
    silent = socket.create_server(("127.0.0.1", 0))  # the kernel accepts; no one ever answers
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    row = OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.CONFIRMATION, to="q@example.net", subject="s", body="b"
    )
    started = time.monotonic()
    try:
        with pytest.raises(MailNotSent, match="timed out"):
            send_outgoing(row.pk)
    finally:
        silent.close()
    assert time.monotonic() - started < 5
    row.refresh_from_db()
    assert row.attempts == 1 and row.sent_at is None and "timed out" in row.last_error
    OutgoingMail.objects.select_for_update(nowait=True).filter(pk=row.pk).delete()  # not locked


# Retention ------------------------------------------------------------------------------------------------


def test_retention_anonymises_old_commenters_in_bulk_and_keeps_the_threads(
    article, settings, django_assert_max_num_queries
):
    settings.COMMENT_PERSONAL_DATA_DAYS = 90
    old_root = make_comment(article, email="old@example.net", when=timezone.now() - timedelta(days=91))
    old_reply = make_comment(
        article, email="old2@example.net", parent=old_root, when=timezone.now() - timedelta(days=91)
    )
    recent = make_comment(article, email="new@example.net", when=timezone.now() - timedelta(days=89))
    with django_assert_max_num_queries(2):  # the pks, then one UPDATE of the comment table
        assert services.anonymise_expired_commenters() == 2
    assert services.anonymise_expired_commenters() == 0  # idempotent
    old_root.refresh_from_db()
    old_reply.refresh_from_db()
    recent.refresh_from_db()
    assert (old_root.user_email, old_root.ip_address, old_root.comment) == ("", None, "Well reported.")
    assert old_reply.parent_id == old_root.pk and old_reply.thread_id == old_root.thread_id
    assert recent.user_email == "new@example.net" and recent.ip_address == "198.51.100.7"


def test_retention_deletes_unconfirmed_comments_after_the_link_lifetime(article, settings):
    settings.COMMENTS_CONFIRM_DAYS = 3
    PendingComment.objects.create(article=article, user_name="x", user_email="x@example.net", comment="x",
                                  submit_date=timezone.now() - timedelta(days=3, minutes=1))  # fmt: skip
    fresh = PendingComment.objects.create(
        article=article, user_name="y", user_email="y@example.net", comment="y"
    )
    result = tasks.apply_retention()
    assert result["deleted"] == 1
    assert list(PendingComment.objects.all()) == [fresh]


# Export and erasure by the reader ---------------------------------------------------------------------------


def _request(kind, email="grace@example.net", **extra):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/comments/my-data/")
    response = client.post(
        "/comments/my-data/", {"csrfmiddlewaretoken": csrf_from(page), "email": email, "kind": kind, **extra}
    )
    assert response.status_code == 200 and b"the link is on its way" in response.content
    message = mail.outbox[-1]
    assert message.to == [email]
    link = re.search(r"https?://[^/]+(/comments/my-data/\S+/)", message.body).group(1)
    assert "grace" not in link
    return client, link


def test_export_by_email_sends_json_to_that_address_only(article):
    make_comment(article, text="mine", public=False)
    make_comment(article, text="someone else's", email="other@example.net")
    client, link = _request("export")
    page = client.get(link)
    assert b"Email me my comment data" in page.content
    client.post(link, {"csrfmiddlewaretoken": csrf_from(page)})
    export = mail.outbox[-1]
    assert export.to == ["grace@example.net"]
    name, content, mimetype = export.attachments[0]
    rows = json.loads(content)
    assert [r["text"] for r in rows] == ["mine"]
    assert set(rows[0]) >= {"name", "email", "website", "ip_address", "date", "article", "text"}
    assert rows[0]["article"] == article.headline and rows[0]["state"] == "held"
    assert DataRequest.objects.get().email == ""  # done: the request forgets the address
    again = client.post(link, {"csrfmiddlewaretoken": csrf_from(page)})
    assert again.status_code == 200 and "Already done" in again.content.decode()
    assert "We emailed the copy of your comment data to your address on " in again.content.decode()
    assert len([m for m in mail.outbox if m.attachments]) == 1


def test_the_exported_file_is_utf8_json_whatever_the_commenter_wrote(article):
    """As the reader's mail program gets it: "Zoë", "Café" and an emoji came as Latin-1 bytes and a
    `\\U0001f30a` escape, a file no JSON reader opens."""
    from email import message_from_bytes

    make_comment(article, name="Zoë Test-Reader", text="Café owners worry 🌊", public=False)
    client, link = _request("export")
    page = client.get(link)
    client.post(link, {"csrfmiddlewaretoken": csrf_from(page)})

    received = message_from_bytes(mail.outbox[-1].message().as_bytes())
    attached = next(part for part in received.walk() if part.get_filename() == "comments.json")
    rows = json.loads(attached.get_payload(decode=True).decode("utf-8"))
    assert (rows[0]["name"], rows[0]["text"]) == ("Zoë Test-Reader", "Café owners worry 🌊")


def test_export_names_only_stories_readers_can_see(article, editor):
    make_comment(article, text="on a story since withdrawn")
    PendingComment.objects.create(
        article=article, user_name="Grace", user_email="grace@example.net", comment="never confirmed"
    )
    on_site = ArticleFactory(published=True, headline="Ferry timetable changes")
    make_comment(on_site, text="on a story still up")
    articles.unpublish_article(article=article, by=editor)
    Article.objects.filter(pk=article.pk).update(headline="Draft: the council's secret deal")

    rows = {row["text"]: row for row in services.export_commenter_data(email="Grace@example.net")}
    assert set(rows) == {"on a story since withdrawn", "never confirmed", "on a story still up"}
    for text in ("on a story since withdrawn", "never confirmed"):
        assert (rows[text]["article"], rows[text]["article_url"]) == (None, None)
    assert rows["on a story still up"]["article"] == "Ferry timetable changes"
    assert rows["on a story still up"]["article_url"].endswith(on_site.get_absolute_url())
    assert "secret deal" not in json.dumps(list(rows.values()))


def test_the_export_says_which_comments_still_send_their_writer_reply_mail(article):
    """Whether a comment still mails its writer the replies is data kept about them; it was left out."""
    following = make_comment(article, text="tell me")
    ReaderComment.objects.filter(pk=following.pk).update(followup=True)
    make_comment(article, text="quiet")
    PendingComment.objects.create(
        article=article, user_name="Grace", user_email="grace@example.net", comment="waiting", followup=True
    )

    rows = {row["text"]: row for row in services.export_commenter_data(email="grace@example.net")}

    assert {text: row["email_me_replies"] for text, row in rows.items()} == {
        "tell me": True,
        "quiet": False,
        "waiting": True,
    }


def test_erasure_by_email_anonymises_every_comment_including_held(article):
    make_comment(article, text="public one")
    make_comment(article, text="held one", public=False)
    kept = make_comment(article, text="not mine", email="other@example.net")
    client, link = _request("erase", remove_texts="on")
    page = client.get(link)
    client.post(link, {"csrfmiddlewaretoken": csrf_from(page)})
    mine = ReaderComment.objects.exclude(pk=kept.pk)
    assert set(mine.values_list("user_name", "user_email", "user_url", "ip_address")) == {
        ("Anonymous", "", "", None)
    }
    assert set(mine.values_list("comment", flat=True)) == {"[removed at the commenter's request]"}
    kept.refresh_from_db()
    assert kept.user_email == "other@example.net" and kept.comment == "not mine"
    again = client.get(link).content.decode()
    assert "Already done" in again and "Your comment data was erased on " in again


def test_a_confirmed_erasure_deletes_the_address_s_unconfirmed_requests(article):
    """An export asked for and never confirmed (by the reader, or by anyone typing their address) kept the
    address in plain text until it expired, after the erasure was done."""
    make_comment(article, text="mine")
    make_comment(article, text="theirs", email="other@example.net")
    _, export_link = _request("export", email="Grace@Example.net")
    _request("export", email="other@example.net")
    client, erase_link = _request("erase")
    erasure = DataRequest.objects.get(kind="erase")

    client.post(erase_link, {"csrfmiddlewaretoken": csrf_from(client.get(erase_link))})

    rows = DataRequest.objects.order_by("pk").values("pk", "kind", "email", "confirmed_at", "done_at")
    assert [(r["pk"], r["kind"], r["email"]) for r in rows] == [
        (erasure.pk - 1, "export", "other@example.net"),  # another address's request stays as it was
        (erasure.pk, "erase", ""),
    ]
    assert rows[0]["confirmed_at"] is None and rows[1]["confirmed_at"] and rows[1]["done_at"]
    assert not DataRequest.objects.filter(email__icontains="grace").exists()
    gone = client.get(export_link)
    assert gone.status_code == 404 and "This link is not valid or has expired." in gone.content.decode()
    assert ReaderComment.objects.get(comment="mine").user_email == ""


def test_an_export_whose_mail_has_not_gone_yet_is_not_said_to_be_sent(article, monkeypatch):
    from comments import mail as comment_mail

    make_comment(article, text="mine")
    client, link = _request("export")
    monkeypatch.setattr(comment_mail, "send_outgoing", lambda mail_id: False)  # the mail server is away
    client.post(link, {"csrfmiddlewaretoken": csrf_from(client.get(link))})
    assert OutgoingMail.objects.get(dedupe_key__startswith="export:").sent_at is None

    again = client.get(link).content.decode()

    assert "The copy of your comment data is ready and on its way to your address." in again
    assert "We emailed" not in again


def test_an_erasure_confirmed_while_the_broker_is_away_is_done_when_it_is_back(article, monkeypatch, caplog):
    """The reader's confirmation is a promise: no 500, the request is kept past its link's lifetime, and the
    sweeper carries it out once the broker answers again."""
    import newsroom.celery

    make_comment(article, text="mine")
    client, link = _request("erase")

    def broker_down(task, *args):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(newsroom.celery, "send_quickly", broker_down)
    page = client.get(link)
    response = client.post(link, {"csrfmiddlewaretoken": csrf_from(page)})
    assert response.status_code == 200
    request = DataRequest.objects.get()
    assert request.confirmed_at and request.done_at is None
    assert ReaderComment.objects.get().user_email == "grace@example.net"  # not done yet
    assert "grace" not in caplog.text and "sweeper will send it" in caplog.text

    long_ago = timezone.now() - timedelta(days=30)
    DataRequest.objects.update(created_at=long_ago, confirmed_at=long_ago)
    services.delete_expired_pending()
    assert DataRequest.objects.filter(pk=request.pk).exists()  # retention keeps a confirmed request
    with caplog.at_level(logging.ERROR, logger="comments.tasks"):
        assert tasks.sweep_data_requests() == 1  # the broker is still away: queued nowhere again
    assert f"Readers' data requests [{request.pk}] were confirmed over a day ago" in caplog.text
    assert "grace" not in caplog.text

    monkeypatch.undo()
    assert tasks.sweep_data_requests() == 1
    assert ReaderComment.objects.get().user_email == "" and DataRequest.objects.get().done_at
    assert tasks.sweep_data_requests() == 0
    services.delete_expired_pending()
    assert not DataRequest.objects.exists()  # done, and old: now it goes


def test_data_links_expire_and_cannot_be_forged(article, monkeypatch):
    make_comment(article)
    client, link = _request("erase")
    assert client.get("/comments/my-data/forged/").status_code == 404
    later = signing.time.time() + 4 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(link).status_code == 404


@COMMITS
def test_digest_goes_to_editors_and_moderators_when_comments_wait(article, editor, moderator, reporter):
    for user in (editor, moderator, reporter):
        assert user.email
    assert tasks.send_held_digest() == 0
    make_comment(article, text="waiting <b>here</b>", public=False)
    assert tasks.send_held_digest() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([editor.email, moderator.email])
    assert "1 comment waiting" in mail.outbox[0].body and "waiting <b>here</b>" in mail.outbox[0].body
    assert "grace@example.net" not in mail.outbox[0].body
    assert tasks.send_held_digest() == 0  # once per hour


def test_the_digest_says_just_now_for_a_comment_of_the_last_minute(
    article, moderator, django_capture_on_commit_callbacks
):
    """It said "(0 minutes ago, held)", as Django's timesince counts the last minute."""
    now = timezone.now()
    make_comment(article, name="Fresh", text="fresh words", public=False, when=now - timedelta(seconds=20))
    make_comment(
        article,
        name="Older",
        text="older words",
        public=False,
        held_reason="links",
        when=now - timedelta(hours=2),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_held_digest() == 1

    (digest,) = mail.outbox
    assert digest.to == [moderator.email]
    assert "- Older (2\xa0hours ago, Too many links): older words\n" in digest.body
    assert "- Fresh (just now, held): fresh words\n" in digest.body and "0\xa0minutes" not in digest.body


def test_data_requests_do_not_mail_strangers_or_repeat(article):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/comments/my-data/")
    response = client.post(
        "/comments/my-data/",
        {"csrfmiddlewaretoken": csrf_from(page), "email": "nobody@example.net", "kind": "export"},
    )
    assert response.status_code == 200 and b"the link is on its way" in response.content
    assert mail.outbox == [] and DataRequest.objects.count() == 0
    make_comment(article)
    _request("export")
    _request_again = client.post(
        "/comments/my-data/",
        {"csrfmiddlewaretoken": csrf_from(page), "email": "grace@example.net", "kind": "export"},
    )
    assert b"the link is on its way" in _request_again.content
    assert len(mail.outbox) == 1 and DataRequest.objects.count() == 1


def test_one_address_cannot_use_the_form_to_fill_inboxes(article, settings):
    """Past COMMENTS_DATA_REQUEST_RATE, an address gets the 429 page, whichever addresses it names."""
    from django.core.cache import cache

    from newsroom.throttles import DataRequestThrottle

    settings.COMMENTS_DATA_REQUEST_RATE = "2/hour"
    cache.delete(DataRequestThrottle.cache_format % {"scope": "data_request", "ident": "127.0.0.1"})
    for n in range(3):
        make_comment(article, email=f"victim{n}@example.net", text=f"mine {n}")
    client = Client()

    mistyped = [
        client.post("/comments/my-data/", {"email": bad, "kind": "export"}) for bad in ("", "victim0")
    ]
    answers = [
        client.post("/comments/my-data/", {"email": f"victim{n}@example.net", "kind": "export"})
        for n in range(3)
    ]

    assert [a.status_code for a in mistyped] == [400, 400]  # not counted: the next two are taken
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2].content.decode()
    assert int(answers[2]["Retry-After"]) > 0
    assert "Too many requests from your address: please try again in about 60 minutes." in refused
    assert 'value="victim2@example.net"' in refused  # the form as filled in
    assert sorted(m.to[0] for m in mail.outbox) == ["victim0@example.net", "victim1@example.net"]


def test_an_address_at_a_look_alike_domain_reaches_none_of_the_real_one_s_data(article):
    """`gmaıl.com` (a dotless ı) is a domain of its own (xn--gmal-nza.com) that anyone may register, but
    PostgreSQL's UPPER(), behind `iexact`, reads its ı as an I: a request for grace@gmaıl.com mailed that
    domain a link, and the export sent it grace@gmail.com's comments with her address and IP address; an
    erasure from there erased hers."""
    make_comment(article, email="grace@gmail.com", text="mine")
    PendingComment.objects.create(
        article=article, user_name="Grace", user_email="grace@gmail.com", comment="waiting"
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get("/comments/my-data/")
    for kind in ("export", "erase"):
        response = client.post(
            "/comments/my-data/",
            {"csrfmiddlewaretoken": csrf_from(page), "email": "grace@gmaıl.com", "kind": kind},
        )
        assert response.status_code == 200 and b"the link is on its way" in response.content
    assert mail.outbox == [] and DataRequest.objects.count() == 0

    # The look-alike's own comment: its export and its erasure take that one only.
    make_comment(article, email="grace@gmaıl.com", text="the look-alike's")
    assert [row["text"] for row in services.export_commenter_data(email="grace@gmaıl.com")] == [
        "the look-alike's"
    ]
    services.erase_commenter_data(email="grace@gmaıl.com")
    assert ReaderComment.objects.get(comment="mine").user_email == "grace@gmail.com"
    assert PendingComment.objects.filter(user_email="grace@gmail.com").exists()
    # Capitals aside, the same address is still hers.
    exported = services.export_commenter_data(email="Grace@GMAIL.com")
    assert [(row["text"], row["email"]) for row in exported] == [
        ("mine", "grace@gmail.com"),
        ("waiting", "grace@gmail.com"),
    ]


def test_malformed_data_request_email_gets_a_field_error():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/comments/my-data/")
    response = client.post(
        "/comments/my-data/",
        {"csrfmiddlewaretoken": csrf_from(page), "email": "not an email", "kind": "export"},
    )
    # In the comment form's words.
    assert (
        response.status_code == 400
        and b"Enter a valid email address, like name@example.org." in response.content
    )


def test_erasure_tells_listeners_which_comments_changed(article):
    """Erasure saves row by row, so caches of the pages that showed the name hear of it."""
    from django.db.models.signals import post_save

    heard = []

    def listener(sender, instance, **kwargs):
        heard.append((instance.pk, instance.user_name))

    first = make_comment(article)
    second = make_comment(article, text="again")
    post_save.connect(listener, sender=ReaderComment)
    try:
        assert services.erase_commenter_data(email="GRACE@example.net") == 2
    finally:
        post_save.disconnect(listener, sender=ReaderComment)
    assert sorted(heard) == [(first.pk, "Anonymous"), (second.pk, "Anonymous")]


def test_a_finished_request_still_holds_back_a_second_link_for_fifteen_minutes(article):
    """The request forgets the address once carried out; the limit must not forget it with it."""
    make_comment(article)
    client, link = _request("export")
    client.post(link, {"csrfmiddlewaretoken": csrf_from(client.get(link))})
    finished = DataRequest.objects.get()
    assert finished.done_at and finished.email == "" and "grace" not in finished.email_key
    mail.outbox.clear()
    page = client.get("/comments/my-data/")
    again = client.post(
        "/comments/my-data/",
        {"csrfmiddlewaretoken": csrf_from(page), "email": "GRACE@example.net", "kind": "export"},
    )
    assert again.status_code == 200 and b"the link is on its way" in again.content
    assert mail.outbox == [] and DataRequest.objects.count() == 1
    DataRequest.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    client.post(
        "/comments/my-data/",
        {"csrfmiddlewaretoken": csrf_from(page), "email": "grace@example.net", "kind": "export"},
    )
    assert [m.to for m in mail.outbox] == [["grace@example.net"]]


def test_an_export_asked_by_a_stranger_does_not_hold_back_the_owner_s_erasure(article):
    """The 15-minute window is per kind: an export asked for an address every 15 minutes by anyone must not
    swallow its owner's erasure request (nor an erasure an export); the same kind is still held back."""
    make_comment(article)
    _request("export")
    _request("erase")
    assert [m.to for m in mail.outbox] == [["grace@example.net"], ["grace@example.net"]]
    export_mail, erase_mail = mail.outbox
    assert "send a copy of the comments" in export_mail.body and "erase" not in export_mail.body
    assert "erase the personal data" in erase_mail.body
    kinds = dict(DataRequest.objects.values_list("kind", "key"))
    assert set(kinds) == {"export", "erase"}
    for message, kind in ((export_mail, "export"), (erase_mail, "erase")):
        token = re.search(r"/comments/my-data/(\S+)/", message.body).group(1)
        assert services.data_request_from_token(token).kind == kind

    client = Client(enforce_csrf_checks=True)
    for kind in ("export", "erase"):  # a repeat of either kind within the window: the same answer, no mail
        page = client.get("/comments/my-data/")
        again = client.post(
            "/comments/my-data/",
            {"csrfmiddlewaretoken": csrf_from(page), "email": "grace@example.net", "kind": kind},
        )
        assert again.status_code == 200 and b"the link is on its way" in again.content
    assert len(mail.outbox) == 2 and DataRequest.objects.count() == 2


def test_a_confirmed_comment_s_pending_row_keeps_no_name_or_website(commenter, article, client):
    commenter.post(article.get_absolute_url(), name="Ines Ortega", url="https://ines.example/")
    confirm(client, confirmation_link(mail.outbox[0]))
    comment = ReaderComment.objects.get()
    assert (comment.user_name, comment.user_url) == ("Ines Ortega", "https://ines.example/")
    assert list(PendingComment.objects.values_list("user_name", "user_email", "user_url", "comment")) == [
        ("", "", "", "")
    ]
    assert PendingComment.objects.get().confirmed_comment_id == comment.pk  # still used only once
    assert services.erase_commenter_data(email="ada@example.net") == 1
    assert not PendingComment.objects.exists()


def test_retention_forgets_who_reported_a_comment_once_a_moderator_decided(article, settings, moderator):
    from comments.models import CommentReport

    settings.COMMENT_PERSONAL_DATA_DAYS = 90
    comment = make_comment(article)
    old = timezone.now() - timedelta(days=91)
    decided = CommentReport.objects.create(comment=comment, reporter_key="a" * 64, reviewed_at=old)
    recent = CommentReport.objects.create(
        comment=comment, reporter_key="b" * 64, reviewed_at=timezone.now() - timedelta(days=2)
    )
    open_report = CommentReport.objects.create(comment=comment, reporter_key="c" * 64)
    CommentReport.objects.filter(pk=open_report.pk).update(created_at=old)
    tasks.apply_retention()
    assert set(CommentReport.objects.values_list("pk", flat=True)) == {recent.pk, open_report.pk}
    assert not CommentReport.objects.filter(pk=decided.pk).exists()


@COMMITS
def test_the_digest_masks_addresses_typed_into_a_held_comment(article, moderator):
    make_comment(article, text="Write to me at someone.else@example.org", public=False)
    assert tasks.send_held_digest() == 1
    (message,) = mail.outbox
    assert message.to == [moderator.email]
    assert "Write to me at [email hidden]" in message.body and "someone.else" not in message.body


def test_the_data_request_form_groups_its_choice_and_fills_the_address_for_the_reader(client):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/comments/my-data/").content, "html.parser")
    group = page.select_one("form fieldset")
    assert group.legend.get_text() == "What should we do?"
    assert len(group.select("input[type=radio][name=kind]")) == 2
    assert page.select_one("input[name=email]")["autocomplete"] == "email"
    assert "When erasing, also remove the texts" in page.select_one("label[for=id_remove_texts]").get_text()


def test_the_data_page_says_what_is_kept_and_for_as_long_as_retention_keeps_it(client, settings):
    """The page where a reader asks for their data said nothing of what is kept: that the IP address is
    stored, or that retention erases it and the address after COMMENT_PERSONAL_DATA_DAYS."""
    from bs4 import BeautifulSoup

    settings.COMMENT_PERSONAL_DATA_DAYS, settings.COMMENTS_CONFIRM_DAYS = 45, 1

    response = client.get("/comments/my-data/")

    kept = BeautifulSoup(response.content, "html.parser").select_one("section.data-kept")
    assert response.status_code == 200 and kept.h2.get_text() == "What we keep, and for how long"
    said = [" ".join(li.get_text().split()) for li in kept.select("li")]
    assert "the IP address it was sent from" in said[0] and "never published" in said[0]
    assert said[1] == "A comment you have not confirmed is deleted after 1 day."
    assert said[2].startswith("45 days after you post, we erase the comment's email address and IP address.")
    assert "deleted 30 days after it is sent" in said[3] and "after 45 days" in said[4]
    assert said[5].endswith("until it is carried out, or for 1 day if its link is never opened.")


def test_deleting_a_story_deletes_its_comments_and_what_hangs_on_them(client, editor):
    """Tied to the story only by a generic key, they stayed behind with names, addresses and IPs, and a
    recovered story brought them back. A comment on another story stays."""
    from comments.models import CommentReport

    story, other = ArticleFactory(published=True), ArticleFactory(published=True)
    parent = make_comment(story, email="ada@example.net")
    reply = make_comment(story, parent=parent, email="ben@example.net")
    CommentReport.objects.create(comment=reply, reporter_key="k", reason="spam")
    kept = make_comment(other, email="cy@example.net")
    client.force_login(editor)

    response = client.post(f"/admin/articles/article/{story.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not Article.objects.filter(pk=story.pk).exists()
    assert list(ReaderComment.objects.values_list("pk", "user_email")) == [(kept.pk, "cy@example.net")]
    assert not CommentReport.objects.exists()


@pytest.mark.parametrize(
    ("remove", "promise"),
    [
        ("on", "remove their texts from the site"),
        (
            "",
            "their texts stay on the site, under the name “Anonymous”, with any email address typed in "
            "them hidden",
        ),
    ],
)
def test_the_erasure_link_and_its_page_say_whether_the_texts_go_too(article, remove, promise):
    """Ticked or not, "also remove the texts" read the same in the mail and on the button's page, and the
    reader could not check their choice before pressing."""
    make_comment(article, text="mine")
    extra = {"remove_texts": remove} if remove else {}

    client, link = _request("erase", **extra)

    body = mail.outbox[-1].body
    if remove:
        assert "The texts of those comments will be removed too" in body
        assert "[removed at the commenter's request]" in body
    else:
        assert (
            'The texts of those comments stay on the site, under the name "Anonymous", with any email '
            'address typed in them replaced by "[email hidden]".'
        ) in body
        assert "removed too" not in body
    page = client.get(link)
    assert page.status_code == 200
    assert "Press the button to erase the personal data of your comments" in page.content.decode()
    assert promise in page.content.decode()

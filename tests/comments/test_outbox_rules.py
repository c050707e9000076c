"""What the outbox sends, and when it stops: mail quoting a comment that left the site or whose writer was
erased, retries, undelivered mail, confirmation mail to one address, and the unsubscribe link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from comments import mail as outbox
from comments import services, tasks
from comments.models import AuthorNotificationSetting, OutgoingMail, PendingComment, ReaderComment
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

from .conftest import Commenter
from .helpers import COMMITS, Client, make_comment

pytestmark = pytest.mark.django_db


def earlier(**delta):
    return timezone.now() - timedelta(**(delta or {"hours": 1}))


@pytest.fixture
def broker_away(monkeypatch):
    """The broker is down when the change commits: rows wait in the outbox for the sweeper."""
    monkeypatch.setattr(outbox, "enqueue_send", lambda mail_id: None)


@pytest.fixture
def thread_with_mail_waiting(broker_away, reader):
    """A follower and an opted-in author, and a reply whose two mails (reply, new comment) are unsent."""
    author = UserFactory(username="byline", email="byline@example.org")
    article = ArticleFactory(published=True, authors=[AuthorFactory(user=author)])
    AuthorNotificationSetting.objects.create(user=author, notify_new_comments=True)
    root = make_comment(article, name="Root", email="root@example.net", followup=True, when=earlier())
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment="Said by the reader before regretting it")
    reply = ReaderComment.objects.get(comment="Said by the reader before regretting it")
    waiting = OutgoingMail.objects.filter(sent_at__isnull=True)
    assert sorted(waiting.values_list("kind", "to", "about")) == [
        ("new_comment", "byline@example.org", reply.pk),
        ("reply", "root@example.net", reply.pk),
    ]
    assert mail.outbox == []
    return root, reply


def sweep_all():
    OutgoingMail.objects.update(created_at=earlier(minutes=10))
    return tasks.sweep_unsent_mail()


def test_mail_quoting_a_comment_removed_as_spam_is_never_sent(
    thread_with_mail_waiting, moderator, monkeypatch
):
    _root, reply = thread_with_mail_waiting
    services.remove_comments(comments=[reply], by=moderator, spam=True)
    assert not OutgoingMail.objects.exists()
    monkeypatch.undo()
    assert sweep_all() == 0
    assert mail.outbox == []


def test_mail_quoting_a_reply_that_left_with_its_thread_is_dropped_when_due(
    thread_with_mail_waiting, moderator, monkeypatch
):
    """Removing a thread's first comment takes its replies off the page; their mail stops at sending."""
    root, reply = thread_with_mail_waiting
    services.remove_comments(comments=[root], by=moderator)
    reply.refresh_from_db()
    assert not reply.is_public
    monkeypatch.undo()
    assert sweep_all() == 2
    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()  # approving the reply again would queue its mail afresh


def test_mail_quoting_a_withdrawn_story_s_comment_is_not_sent(thread_with_mail_waiting, monkeypatch):
    _root, reply = thread_with_mail_waiting
    from articles.models import Article

    Article.objects.filter(pk=reply.object_pk).update(status="draft")
    monkeypatch.undo()
    sweep_all()
    assert mail.outbox == []


def test_erasing_a_commenter_deletes_unsent_mail_quoting_them(thread_with_mail_waiting, reader, monkeypatch):
    services.erase_commenter_data(email=reader.email)
    assert not OutgoingMail.objects.exists()
    monkeypatch.undo()
    assert sweep_all() == 0
    assert mail.outbox == []


def test_mail_still_on_the_site_goes_out_once_the_broker_is_back(thread_with_mail_waiting, monkeypatch):
    monkeypatch.undo()
    assert sweep_all() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["byline@example.org", "root@example.net"]
    assert all("Said by the reader before regretting it" in m.body for m in mail.outbox)
    assert sweep_all() == 0


def _row(n, **fields):
    return OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.DIGEST, to=f"m{n}@example.org", subject="s", body="b", **fields
    )


def test_the_sweeper_takes_the_oldest_and_leaves_rows_with_a_retry_coming(settings, monkeypatch):
    settings.COMMENTS_MAIL_RETRY_BACKOFF_MAX = 600
    settings.COMMENTS_MAIL_MAX_RETRIES = 5
    sent = []
    monkeypatch.setattr(outbox, "enqueue_send", sent.append)
    old = _row(1, created_at=earlier(hours=5))
    older = _row(2, created_at=earlier(hours=9))
    retry_coming = _row(3, created_at=earlier(hours=9), attempts=2, tried_at=earlier(minutes=3))
    retry_lost = _row(4, created_at=earlier(hours=9), attempts=2, tried_at=earlier(minutes=30))
    given_up = _row(5, created_at=earlier(hours=9), attempts=5, tried_at=earlier(hours=2))
    _row(6, created_at=earlier(minutes=1))  # its own task is on its way
    assert tasks.sweep_unsent_mail() == 3
    assert sent[0] in {older.pk, retry_lost.pk} and sent[2] == old.pk
    assert retry_coming.pk not in sent and given_up.pk not in sent


@COMMITS
def test_a_failed_try_is_recorded_without_the_address(article, monkeypatch):
    from smtplib import SMTPRecipientsRefused

    from django.core.mail.backends.locmem import EmailBackend

    def refused(self, messages):
        raise SMTPRecipientsRefused({"a@example.net": (450, b"Mailbox busy: a@example.net")})

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    monkeypatch.setattr(tasks.send_comment_mail, "max_retries", 0)
    services.post_comment(
        article=article, user=None, name="A", email="a@example.net", text="x", ip="192.0.2.5"
    )
    row = OutgoingMail.objects.get()
    assert row.attempts == 1 and row.tried_at is not None
    assert "[email hidden]" in row.last_error and "example.net" not in row.last_error


def test_retention_deletes_mail_that_could_not_be_delivered_while_its_link_worked(settings):
    settings.COMMENTS_CONFIRM_DAYS = 3
    stale = _row(1, created_at=earlier(days=4), attempts=50)
    recent = _row(2, created_at=earlier(days=1), attempts=3)
    sent = _row(3, created_at=earlier(days=4), sent_at=earlier(days=4))
    result = tasks.apply_retention()
    assert result["deleted"] == 1
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {recent.pk, sent.pk}
    assert not OutgoingMail.objects.filter(pk=stale.pk).exists()


def test_one_address_gets_confirmation_mail_for_a_few_waiting_comments_only(commenter, settings):
    """From ever-new IPs, slower than the flood rule, someone types a stranger's address again and again."""
    settings.COMMENTS_UNCONFIRMED_PER_ADDRESS = 3
    articles = ArticleFactory.create_batch(5, published=True)
    answers = []
    for n, article in enumerate(articles):
        PendingComment.objects.update(submit_date=earlier(minutes=1))  # past the flood window
        response = commenter.post(
            article.get_absolute_url(), email="target@example.net", comment=f"Note {n}", ip=f"192.0.2.{n}"
        )
        answers.append((response.status_code, b"Check your email to confirm" in response.content))
    assert answers == [(200, True)] * 5  # the same answer for every post
    assert [m.to for m in mail.outbox] == [["target@example.net"]] * 3
    assert sorted(PendingComment.objects.values_list("comment", flat=True)) == ["Note 0", "Note 1", "Note 2"]


def test_confirmation_mail_does_not_carry_the_name_typed_with_the_address(commenter, article):
    commenter.post(
        article.get_absolute_url(), name="Cheap pills at pills.example", email="target@example.net"
    )
    (message,) = mail.outbox
    assert message.to == ["target@example.net"]
    assert "pills" not in message.body and "Hello," in message.body
    assert article.headline in message.body and "/comments/confirm/" in message.body


def test_unsubscribe_link_asks_first_and_the_one_click_post_mutes(article, reader):
    root = make_comment(article, email="root@example.net", followup=True, when=earlier())
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment="a reply")
    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/comments/unsubscribe/\S+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")

    scanner = Client(enforce_csrf_checks=True)
    page = scanner.get(link)  # a mail scanner opening the link
    assert page.status_code == 200 and b"Stop these emails" in page.content
    assert b'method="post"' in page.content
    assert ReaderComment.objects.get(pk=root.pk).followup

    mail_client = Client(enforce_csrf_checks=True)  # RFC 8058: no cookie, no CSRF token
    response = mail_client.post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"no more emails" in response.content
    assert not ReaderComment.objects.filter(user_email="root@example.net", followup=True).exists()
    assert mail_client.post("/comments/unsubscribe/forged/").status_code == 404
    again = scanner.get(link)  # the link opened again: it says where things stand, and offers nothing
    assert again.status_code == 200 and b"Already unsubscribed" in again.content
    assert b"Stop these emails" not in again.content


def test_the_unsubscribe_pages_name_the_story_and_link_it_while_it_is_on_the_site(article, reader, editor):
    """They said only "this conversation": a reader who follows several could not tell which."""
    from bs4 import BeautifulSoup

    from articles import services as articles

    root = make_comment(article, email="root@example.net", followup=True, when=earlier())
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment="a reply")
    link = re.search(r"https?://[^/]+(/comments/unsubscribe/\S+/)", mail.outbox[0].body).group(1)
    client = Client(enforce_csrf_checks=True)
    story = f"{article.get_absolute_url()}#comments"

    page = BeautifulSoup(client.get(link).content, "html.parser")
    asks = page.select_one(".comments-page p")
    said = " ".join(asks.get_text().split())
    assert said.endswith(f"stop them for this conversation on “{article.headline}”.")
    assert asks.a["href"] == story and asks.a.get_text() == article.headline

    done = client.post(link).content.decode()
    assert f"You will get no more emails about replies in this conversation on “{article.headline}”." in done
    assert f'<a href="{story}">Back to “{article.headline}”</a>' in done
    again = client.get(link).content.decode()
    assert f"You get no emails about replies in this conversation on “{article.headline}”." in again

    articles.unpublish_article(article=article, by=editor)
    type(article).objects.filter(pk=article.pk).update(headline="Retracted after legal review")
    ReaderComment.objects.filter(pk=root.pk).update(followup=True)
    for page in (client.get(link), client.post(link), client.get(link)):
        html = page.content.decode()
        assert page.status_code == 200 and "this conversation." in html
        assert "Retracted" not in html and article.get_absolute_url() not in html
    assert not ReaderComment.objects.get(pk=root.pk).followup


def test_mail_the_broker_cannot_take_is_one_warning_line(commenter, article, monkeypatch, caplog):
    """The broker being away is expected and handled (the sweeper sends the mail): one line naming the task
    and the error, as for shares, never a traceback per mail and never the address."""
    import logging

    import newsroom.celery

    def broker_down(task, *args):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(newsroom.celery, "send_quickly", broker_down)
    with caplog.at_level(logging.INFO, logger="newsroom.celery"):
        response = commenter.post(article.get_absolute_url(), email="ada@example.net")

    assert response.status_code == 200 and b"Check your email to confirm" in response.content
    waiting = OutgoingMail.objects.get(sent_at__isnull=True)
    assert waiting.to == "ada@example.net" and mail.outbox == []
    records = [r for r in caplog.records if r.name == "newsroom.celery"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.WARNING and record.exc_info is None and not record.exc_text
    assert record.getMessage() == (
        f"Could not queue comments.tasks.send_comment_mail {waiting.pk} (ConnectionRefusedError: Error 111 "
        "connecting to 127.0.0.1:6379. Connection refused.); the sweeper will send it."
    )
    assert "ada@example.net" not in caplog.text and "Traceback" not in caplog.text


def test_muting_a_thread_from_a_look_alike_address_leaves_the_real_one_s_mail_alone(article):
    """Muting went by `iexact`, which on PostgreSQL reads a dotless ı as an I: a link for a comment from
    grace@gmaıl.com stopped grace@gmail.com's reply mail in the same thread."""
    from comments import tokens

    root = make_comment(article, email="grace@gmail.com", followup=True, when=earlier())
    alike = make_comment(article, email="grace@gmaıl.com", followup=True, parent=root)
    again = make_comment(article, email="Grace@GMAIL.com", followup=True, parent=root)

    services.mute_thread(token=tokens.make(alike.pk, tokens.MUTE_SALT))

    following = dict(ReaderComment.objects.values_list("pk", "followup"))
    assert (following[root.pk], following[alike.pk], following[again.pk]) == (True, False, True)
    services.mute_thread(token=tokens.make(root.pk, tokens.MUTE_SALT))  # capitals aside, the same address
    assert not ReaderComment.objects.filter(pk__in=[root.pk, again.pk], followup=True).exists()

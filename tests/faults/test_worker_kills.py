"""A Celery worker killed with SIGKILL while it works, 20 times in a row: every task it held runs again on
the next worker, and nothing happens twice (social posts, mail, retention).

Real `celery -A newsroom worker` processes on the Redis broker, against pytest-django's test database; a
fake Mastodon, Bluesky and webhook (pytest-httpserver) and an SMTP server (aiosmtpd) in this process. They
hold every request a moment, so each kill lands while the worker is in the middle of a request.
SMTP has no idempotency: a worker killed after the server accepted a message (and before it marked the
outbox row sent) sends it again, as the same message (same Message-ID); only those copies are allowed.

A whole worker killed with SIGKILL cannot hand its messages back: they stay "unacked" in Redis until the
visibility timeout (an hour) has passed, and the next worker to start restores them. The test lets that
hour pass by ageing the broker's unacked index (`Broker.let_visibility_timeout_pass`): after each of the
first 19 kills, so the next worker runs what the dead one held; and after the 20th only once the sweepers
have done the work, so the late copies must do nothing.
"""

import json
import os
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db.models import F
from django.utils import timezone

from articles.services import publish_article
from comments import tokens
from comments.models import AuthorNotificationSetting, OutgoingMail, PendingComment, ReaderComment
from comments.services import confirm_pending, post_comment
from comments.tasks import apply_retention, send_comment_mail, sweep_unsent_mail
from newsroom.celery import app
from sharing.models import ShareRecord
from sharing.tasks import post_share, sweep_pending_shares
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

from .conftest import wait_for
from .workers import Broker, FakeNetworks, Holds, Mailbox, SmtpServer, Worker, test_database_url

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KILLS = 20
# Where each worker dies, in turn: with a post made and its answer on the way (Mastodon, Bluesky, the
# webhook), at the start of a Bluesky try, before the mail server has accepted a message, and after.
KILL_IN = ("mastodon", "smtp", "bluesky-create", "webhook", "bluesky-session", "smtp-accepted")
HTTP_HOLD, SMTP_HOLD = 0.1, 0.2
RETENTION_RE = re.compile(r"Comment retention: (\d+) anonymised, (\d+) expired rows deleted")


@pytest.fixture(scope="module")
def holds():
    return Holds()


@pytest.fixture(scope="module")
def networks(holds):
    fake = FakeNetworks(holds, HTTP_HOLD)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def smtp(holds):
    server = SmtpServer(Mailbox(holds, SMTP_HOLD))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker():
    url = django_settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis (make test sets it)")
    broker = Broker(url)
    broker.clear()  # nothing left over from an earlier test
    yield broker
    broker.clear()


@pytest.fixture
def worker(django_db_setup, django_db_blocker, broker, networks, smtp, tmp_path):
    with django_db_blocker.unblock():
        database_url = test_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "COMMENTS_MAIL_RETRY_BACKOFF_MAX": "2",
        "SHARING_ACCOUNTS": json.dumps(networks.accounts()),
        "SHARING_RETRY_BASE_SECONDS": "0.3",
        "SHARING_SWEEP_AFTER_SECONDS": "0",
        "SHARING_HTTP_TIMEOUT": "5",
        "SITE_URL": "http://testserver",
    }
    running = Worker(env, tmp_path / "worker.log")
    yield running
    running.stop()


@pytest.fixture
def queued(settings, worker):
    """This process publishes and comments as the site does, and its tasks go to the broker."""
    settings.SHARING_ACCOUNTS = worker.env["SHARING_ACCOUNTS"]
    settings.SITE_URL = "http://testserver"
    settings.COMMENTS_HOLD_FIRST_TIME = False
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def publish(boss):
    article = ArticleFactory(in_review=True, share_on_publish=True)
    publish_article(article=article, by=boss)  # share records in its transaction, tasks on commit
    return article


class Readers:
    """Comments on one article with a thread follower and an author who asked for new-comment mail."""

    def __init__(self):
        self.now = timezone.now()
        columnist = UserFactory(username="columnist", email="columnist@example.org")
        AuthorNotificationSetting.objects.create(user=columnist, notify_new_comments=True)
        self.article = ArticleFactory(
            published=True, share_on_publish=False, authors=[AuthorFactory(user=columnist)]
        )
        self.root = make_comment(
            self.article, email="follower@example.net", followup=True, when=self.now - timedelta(hours=1)
        )
        self.count = 0

    def reply(self) -> PendingComment:
        """An anonymous reply: a confirmation mail to its writer."""
        self.count += 1
        n = self.count
        return post_comment(
            article=self.article, user=None, name=f"Newcomer {n}", email=f"newcomer{n}@example.net",
            text=f"Reply number {n}", ip=f"203.0.113.{n}", parent_id=self.root.pk,
        ).pending  # fmt: skip

    def confirm(self, pending: PendingComment):
        """The link is followed: a reply notification to the follower and a mail to the author."""
        confirm_pending(token=tokens.make(str(pending.key), tokens.CONFIRM_SALT))

    def for_retention(self) -> dict:
        return {
            "old": make_comment(
                self.article, name="Old Timer", email="old@example.net", ip="198.51.100.9",
                text="From the archive.", when=self.now - timedelta(days=120),
            ),
            "expired": PendingComment.objects.create(
                article=self.article, user_name="Late", user_email="late@example.net",
                comment="Never confirmed", submit_date=self.now - timedelta(days=4),
            ),
            "old_mail": OutgoingMail.objects.create(
                kind=OutgoingMail.Kind.REPLY, to="", subject="Sent long ago", body="",
                sent_at=self.now - timedelta(days=40),
            ),
        }  # fmt: skip


def body_of(message) -> str:
    return message.get_payload(decode=True).decode().replace("\r\n", "\n").strip()


def retention_runs(log: str) -> list[tuple[int, int]]:
    return [(int(a), int(d)) for a, d in RETENTION_RE.findall(log)]


def all_done(log_text):
    return (
        not ShareRecord.objects.pending().exists()
        and not OutgoingMail.objects.filter(sent_at__isnull=True).exists()
        and retention_runs(log_text())
    )


def test_twenty_sigkills_in_a_row_lose_no_task_and_repeat_no_effect(
    queued, worker, broker, holds, networks, smtp
):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    readers = Readers()
    unsent = {}  # outbox row -> (recipient, text), read before any worker can send (and blank) it

    def note_unsent_mail():
        for row in OutgoingMail.objects.filter(sent_at__isnull=True):
            unsent.setdefault(row.pk, (row.to, row.body.strip()))

    # Work in flight before the first worker: retention due in a few seconds (workers hold it as an ETA
    # message and die holding it), shares of two articles, mail of three replies, two of them confirmed
    # (one recipient's server says "try later" once, so a retry is held too), shares of two more articles.
    retention = readers.for_retention()
    apply_retention.apply_async(countdown=5)
    articles = [publish(boss), publish(boss)]
    replies = [readers.reply() for _ in range(3)]
    for pending in replies[:2]:
        readers.confirm(pending)
    smtp.mailbox.refuse_once.add("newcomer2@example.net")
    articles += [publish(boss), publish(boss)]
    note_unsent_mail()
    assert len(unsent) == 7 and ShareRecord.objects.count() == 12
    (refused_once,) = [pk for pk, (to, _) in unsent.items() if to == "newcomer2@example.net"]

    killed_during, held_at_death = [], []
    for round_number in range(KILLS):
        # The newsroom goes on meanwhile: another reply, every other time an article, now and then a reply
        # confirmed.
        if round_number % 2 == 0:
            articles.append(publish(boss))
        replies.append(readers.reply())
        if round_number % 4 == 0:
            readers.confirm(replies[2 + round_number // 4])
        note_unsent_mail()

        if round_number:
            held_at_death.append(broker.let_visibility_timeout_pass())  # the next worker restores them
        before = holds.count()
        worker.start()
        kind = KILL_IN[round_number % len(KILL_IN)]
        assert holds.wait_for_kind(kind, after=before, timeout=20), f"no {kind} request:\n{worker.log()}"
        killed_during.append(holds.in_progress())
        worker.kill()

    assert all(killed_during), f"a kill landed between requests: {killed_during}"
    kills_in = Counter(hold for during in killed_during for hold in during)  # (kind, key): kills
    assert Counter(kind for kind, _ in kills_in.elements()) == Counter(
        KILL_IN[n % len(KILL_IN)] for n in range(KILLS)
    )

    # Within the hour that the 20th worker's messages stay invisible, the sweepers that beat runs (every
    # minute for shares, five for mail) send what it held; five minutes pass for the outbox rows.
    assert broker.unacked()
    OutgoingMail.objects.filter(sent_at__isnull=True).update(
        created_at=F("created_at") - timedelta(minutes=6)
    )
    worker.start(concurrency=4)
    sweep_pending_shares.delay()
    sweep_unsent_mail.delay()
    wait_for(lambda: all_done(worker.log), timeout=40, what="the work to finish:\n" + worker.log())
    assert retention_runs(worker.log()) == [(1, 2)]  # ran once: one commenter, one pending, one old mail

    # Then the hour is over: the next worker to start runs the 20th worker's messages again, as it did for
    # each earlier one; and every task is delivered once more, as a second copy of each would be. Nothing
    # of it has any effect, not even a request.
    requests_before, mail_before = list(networks.requests), smtp.mailbox.delivered()
    worker.stop()
    held_at_death.append(broker.let_visibility_timeout_pass())
    assert all(held_at_death), f"a killed worker held no message: {held_at_death}"
    worker.start(concurrency=4)
    wait_for(broker.idle, timeout=20, what="the 20th worker's messages")
    for share_id in ShareRecord.objects.values_list("pk", flat=True):
        post_share.delay(share_id)
    for mail_id in OutgoingMail.objects.values_list("pk", flat=True):
        send_comment_mail.delay(mail_id)
    apply_retention.delay()
    wait_for(broker.idle, timeout=20, what="the repeated tasks")
    wait_for(lambda: len(retention_runs(worker.log())) == 2, what="the second retention run")
    assert retention_runs(worker.log()) == [(1, 2), (0, 0)]
    assert networks.requests == requests_before and smtp.mailbox.delivered() == mail_before

    # Shares: one post per record and account, whatever the number of tries.
    shares = list(ShareRecord.objects.all())
    assert {share.state for share in shares} == {ShareRecord.State.SENT}
    assert {share.article_id for share in shares} == {a.pk for a in articles}
    by_account = {name: [s for s in shares if s.account == name] for name in ("masto", "sky", "hook")}
    assert all(len(rows) == len(articles) for rows in by_account.values())
    assert set(networks.statuses) == {s.idempotency_key for s in by_account["masto"]}
    for share in by_account["masto"]:
        assert share.remote_id == networks.statuses[share.idempotency_key]["id"]
    assert set(networks.records) == {s.record_key for s in by_account["sky"]}
    for share in by_account["sky"]:
        assert share.remote_id == networks.records[share.record_key]["uri"]
        assert networks.records[share.record_key]["value"]["text"] == share.text
    # A webhook receiver deduplicates on X-Newsroom-Delivery (sharing/networks/webhook.py); a repeat after a
    # lost answer carries the same id and the same post.
    deliveries = {}
    for delivery, payload in networks.deliveries:
        assert deliveries.setdefault(delivery, payload) == payload
    assert set(deliveries) == {s.idempotency_key for s in by_account["hook"]}
    # Every request to a network is accounted for: one per post, plus one more each time a worker died
    # holding that post's answer. Bluesky's retry finds the record by its key instead of creating it again.
    requests = Counter(networks.requests)
    for share in by_account["masto"]:
        assert requests["mastodon", share.idempotency_key] == 1 + kills_in["mastodon", share.idempotency_key]
    for share in by_account["hook"]:
        assert requests["webhook", share.idempotency_key] == 1 + kills_in["webhook", share.idempotency_key]
    for share in by_account["sky"]:
        assert requests["bluesky-create", share.record_key] == 1
    assert networks.refused_creates == []

    # Mail: every message once, to its recipient, and nothing else; except that a worker killed after the
    # server took a message sends it again (SMTP cannot tell us it did): as the same message, with the same
    # Message-ID, which the recipient's mail system drops (comments/mail.message_id).
    copies = {}
    for recipients, message in smtp.mailbox.delivered():
        assert recipients == [str(message["To"])]
        copies.setdefault(message["Message-ID"], []).append((str(message["To"]), body_of(message)))
    for message_id, same in copies.items():
        assert len(set(same)) == 1 and len(same) == 1 + kills_in["smtp-accepted", message_id]
    assert Counter(same[0] for same in copies.values()) == Counter(unsent.values())
    sent = OutgoingMail.objects.filter(pk__in=unsent, sent_at__isnull=False, to="", body="")
    assert sent.count() == len(unsent)  # and the outbox forgot the addresses
    assert OutgoingMail.objects.get(pk=refused_once).attempts == 1  # the "try later" is on record

    # Retention: applied once, to exactly the rows it is for.
    old = ReaderComment.objects.get(pk=retention["old"].pk)
    anonymised = (old.user_email, old.ip_address, old.user_name, old.comment)
    assert anonymised == ("", None, "Old Timer", "From the archive.")
    readers.root.refresh_from_db()
    assert readers.root.user_email == "follower@example.net"
    assert not PendingComment.objects.filter(pk=retention["expired"].pk).exists()
    unconfirmed = PendingComment.objects.filter(pk__in=[p.pk for p in replies], confirmed_at__isnull=True)
    assert unconfirmed.exclude(user_email="").count() == len(replies) - 7
    assert not OutgoingMail.objects.filter(pk=retention["old_mail"].pk).exists()

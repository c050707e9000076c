"""The mail server refuses connections, then answers "451 try again later", then accepts: confirmation and
notification mail is retried with a growing wait in between, each try is on the outbox row, and each message
arrives once, to its recipient.

A real `celery -A newsroom worker` on the Redis broker, against pytest-django's test database, sending to an
SMTP server (aiosmtpd) in this process that is first not listening at all.
"""

import json
import os
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db.models import F
from django.utils import timezone

from comments.models import AuthorNotificationSetting, OutgoingMail
from comments.services import post_comment
from comments.tasks import send_comment_mail, sweep_unsent_mail
from newsroom.celery import app
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

from .conftest import wait_for
from .workers import Broker, Mailbox, SmtpServer, Worker, test_database_url

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Celery's exponential backoff for comment mail (comments/tasks.py): 2 s, then 4 s, ... capped here at 3 s.
FIRST_WAIT, MAX_WAIT = 2, 3


@pytest.fixture
def broker():
    url = django_settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis (make test sets it)")
    broker = Broker(url)
    broker.clear()
    yield broker
    broker.clear()


@pytest.fixture
def smtp():
    """Not started: nothing listens on its port until the test starts it."""
    server = SmtpServer(Mailbox())
    yield server
    server.stop()


@pytest.fixture
def worker(django_db_setup, django_db_blocker, broker, smtp, tmp_path):
    with django_db_blocker.unblock():
        database_url = test_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "EMAIL_TIMEOUT": "5",
        "COMMENTS_MAIL_RETRY_BACKOFF_MAX": str(MAX_WAIT),
        "SHARING_ACCOUNTS": json.dumps([{"name": "log", "network": "log"}]),
        "SITE_URL": "http://testserver",
    }
    running = Worker(env, tmp_path / "worker.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def queued(settings, worker):
    settings.SITE_URL = "http://testserver"
    settings.COMMENTS_HOLD_FIRST_TIME = False
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


class AttemptWatch:
    """Notes each failed try of each outbox row (`attempts` goes up) at the time the worker recorded with it
    (`tried_at`), reading the rows every 50 ms: a poll that comes late on a busy machine (or after the first
    try, which starts as soon as the comment is posted) does not shorten the gaps between tries."""

    def __init__(self, ids):
        self.times = {pk: [] for pk in ids}

    def poll(self):
        rows = OutgoingMail.objects.filter(pk__in=self.times).values_list("pk", "attempts", "tried_at")
        for pk, attempts, tried_at in rows:
            while len(self.times[pk]) < attempts:
                self.times[pk].append(tried_at.timestamp())

    def until(self, condition, *, timeout, what):
        def check():
            self.poll()
            return condition()

        wait_for(check, timeout=timeout, what=what)

    def all_at_least(self, count) -> bool:
        return all(len(times) >= count for times in self.times.values())


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def test_mail_server_refusing_then_deferring_delays_mail_and_sends_each_once(queued, smtp, broker):
    # Three messages of the three kinds a comment causes: the confirmation link to an anonymous writer,
    # the reply notification to a thread's follower, the new-comment mail to the article's author.
    columnist = UserFactory(username="columnist", email="columnist@example.org")
    AuthorNotificationSetting.objects.create(user=columnist, notify_new_comments=True)
    article = ArticleFactory(published=True, authors=[AuthorFactory(user=columnist)])
    root = make_comment(
        article, email="follower@example.net", followup=True, when=timezone.now() - timedelta(hours=1)
    )
    post_comment(
        article=article, user=None, name="Newcomer", email="newcomer@example.net", text="First time here",
        ip="203.0.113.5",
    )  # fmt: skip
    reader = UserFactory(username="regular", email="regular@example.net")
    post_comment(
        article=article, user=reader, name="Regular", email="", text="Replying to you", ip="203.0.113.6",
        parent_id=root.pk,
    )  # fmt: skip
    rows = {row.kind: row for row in OutgoingMail.objects.all()}
    expected = {
        OutgoingMail.Kind.CONFIRMATION: "newcomer@example.net",
        OutgoingMail.Kind.REPLY: "follower@example.net",
        OutgoingMail.Kind.NEW_COMMENT: "columnist@example.org",
    }
    assert {kind: row.to for kind, row in rows.items()} == expected
    subjects = {row.to: row.subject for row in rows.values()}
    watch = AttemptWatch([row.pk for row in rows.values()])

    # 1. Nothing listens: every message fails twice, the second time about FIRST_WAIT seconds later.
    watch.until(lambda: watch.all_at_least(2), timeout=20, what="two refused tries of each message")
    for row in OutgoingMail.objects.filter(pk__in=watch.times):
        assert row.sent_at is None and "refused" in row.last_error.lower(), row.last_error
    for times in watch.times.values():
        assert gaps(times)[0] >= FIRST_WAIT - 0.2

    # 2. The server is back but answers every recipient "451 try again later" for a while.
    smtp.mailbox.refusing = True
    smtp.start()
    watch.until(lambda: watch.all_at_least(3), timeout=20, what="a deferred try of each message")
    smtp.mailbox.refusing = False
    for row in OutgoingMail.objects.filter(pk__in=watch.times):
        assert row.sent_at is None and "451" in row.last_error, row.last_error
    assert smtp.mailbox.delivered() == []

    # 3. It accepts: each message arrives once, to its recipient.
    wait_for(lambda: len(smtp.mailbox.delivered()) >= 3, timeout=20, what="the mail")
    # The worker records the sending just after the server took the message: under load, a moment later.
    sent = OutgoingMail.objects.filter(pk__in=watch.times, sent_at__isnull=False)
    wait_for(lambda: sent.count() == len(watch.times), timeout=10, what="the sendings recorded")
    watch.poll()
    for row in OutgoingMail.objects.filter(pk__in=watch.times):
        assert row.sent_at is not None and row.to == "" and row.body == ""  # sent, then forgotten
    # Nothing more comes: not later, not from the sweeper five minutes on, not from a second copy of a task.
    OutgoingMail.objects.update(created_at=F("created_at") - timedelta(minutes=6))
    sweep_unsent_mail.delay()
    for pk in watch.times:
        send_comment_mail.delay(pk)
    wait_for(broker.idle, timeout=20, what="the repeated tasks")
    time.sleep(MAX_WAIT + 0.5)
    delivered = smtp.mailbox.delivered()
    assert sorted(recipients[0] for recipients, _ in delivered) == sorted(expected.values())
    for recipients, message in delivered:
        assert recipients == [str(message["To"])] and message["Subject"].strip() == subjects[recipients[0]]

    # Every failed try is on its row, and the waits between tries grew, then held at the cap.
    final = dict(OutgoingMail.objects.filter(pk__in=watch.times).values_list("pk", "attempts"))
    for pk, times in watch.times.items():
        assert final[pk] == len(times) >= 3
        waits = gaps(times)
        assert waits[0] >= FIRST_WAIT - 0.2
        assert all(wait >= MAX_WAIT - 0.2 for wait in waits[1:]), waits
    deferred = [address for address, _, answer in smtp.mailbox.rcpt_log if answer.startswith("451")]
    assert sorted(set(deferred)) == sorted(expected.values())

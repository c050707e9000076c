"""Comment mail and retention through a REAL Celery worker on the Redis broker, against the test database.

The worker is `celery -A newsroom worker` in a subprocess, pointed at pytest-django's test database and at a
small SMTP server (aiosmtpd) running in this process. Tests commit (transaction=True) so the worker sees rows.
"""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments.models import OutgoingMail, PendingComment, ReaderComment
from newsroom.celery import app

from .conftest import Commenter, confirm
from .helpers import make_comment

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def wait_for(predicate, timeout=30, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, smtp, tmp_path_factory):
    """A real worker process on the Redis broker, using the test database `test_<name>`."""
    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis (make test sets it)")
    with django_db_blocker.unblock():
        db = connection.settings_dict
    database_url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    assert db["NAME"].startswith("test_"), db["NAME"]
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "CONN_MAX_AGE": "0",
        "COMMENTS_MAIL_RETRY_BACKOFF_MAX": "2",
        "SITE_URL": "http://testserver",
    }
    app.control.purge()
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own worker
            [str(Path(sys.executable).parent / "celery"), "-A", "newsroom", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(
            lambda: "ready." in log.read_text() or process.poll() is not None, what="the worker to start"
        )
        assert process.poll() is None, log.read_text()
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def queued(worker, smtp):
    """Tasks go to the broker for real during the test."""
    smtp.mailbox.messages.clear()
    app.conf.task_always_eager = False
    yield smtp.mailbox
    app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER


def test_confirmation_and_reply_mail_are_sent_by_the_worker(queued, article, worker):
    root = make_comment(
        article, email="follower@example.net", followup=True, when=timezone.now() - timedelta(hours=1)
    )
    client = Client(enforce_csrf_checks=True)
    response = Commenter(client).post(
        f"/comments/reply/{root.pk}/", email="newcomer@example.net", comment="Hi all"
    )
    assert b"Check your email to confirm" in response.content
    wait_for(lambda: queued.messages, what="the confirmation mail")
    recipients, message = queued.messages[0]
    assert recipients == ["newcomer@example.net"]
    assert message["To"] == "newcomer@example.net"
    body = message.get_payload(decode=True).decode()
    assert "follower@example.net" not in body
    link = re.search(r"https?://[^/]+(/comments/confirm/\S+/)", body).group(1)

    assert b"Your comment is published" in confirm(client, link).content
    wait_for(lambda: len(queued.messages) >= 2, what="the reply notification")
    time.sleep(0.5)
    assert len(queued.messages) == 2
    recipients, message = queued.messages[1]
    assert recipients == ["follower@example.net"]
    body = message.get_payload(decode=True).decode()
    assert "Hi all" in body and "newcomer@example.net" not in body and "/comments/unsubscribe/" in body
    assert "/comments/unsubscribe/" in message["List-Unsubscribe"]
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 0


def test_mail_server_down_delays_mail_and_loses_none(queued, smtp, article):
    smtp.stop()
    try:
        Commenter(Client(enforce_csrf_checks=True)).post(
            article.get_absolute_url(), email="patient@example.net"
        )
        assert PendingComment.objects.count() == 1
        wait_for(lambda: OutgoingMail.objects.filter(attempts__gte=1).exists(), what="a failed attempt")
        assert queued.messages == []
    finally:
        smtp.start()
    wait_for(lambda: queued.messages, timeout=40, what="the retried mail")
    assert [r for r, _ in queued.messages] == [["patient@example.net"]]
    mail_row = OutgoingMail.objects.get()
    assert mail_row.sent_at is not None and mail_row.attempts >= 1


def test_retention_task_runs_on_the_worker(queued, article, settings):
    from comments import tasks

    old = make_comment(article, email="old@example.net", when=timezone.now() - timedelta(days=120))
    recent = make_comment(article, email="recent@example.net", text="recent")
    expired = PendingComment.objects.create(
        article=article, user_name="x", user_email="x@example.net", comment="x",
        submit_date=timezone.now() - timedelta(days=4),
    )  # fmt: skip
    tasks.apply_retention.delay()
    wait_for(
        lambda: not ReaderComment.objects.filter(pk=old.pk).exclude(user_email="").exists(),
        what="the anonymisation",
    )
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.user_email, old.ip_address, old.comment) == ("", None, "Well reported.")
    assert recent.user_email == "recent@example.net"
    wait_for(
        lambda: not PendingComment.objects.filter(pk=expired.pk).exists(), what="the expired pending comment"
    )

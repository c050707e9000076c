"""Redis stopped: readers still get pages (the cache degrades to no cache, with a warning in the log), editors
still publish and readers still comment (the outbox rows are written; queueing their tasks fails fast), and
the shares and mail go out, once each, when Redis is back and the sweepers run.

gunicorn and a Celery worker run with their production settings on a private redis-server (cache in db 0,
broker in db 1) that the test stops and starts, and on pytest-django's test database; tests commit
(transaction=True) so those processes see the rows. Mail goes to an SMTP server (aiosmtpd) and shares to a
webhook (pytest-httpserver), both in this process.
"""

import json
import logging
import os
import re
import signal
import subprocess
import threading
import time
from datetime import timedelta
from email import message_from_bytes

import httpx
import pytest
from aiosmtpd.controller import Controller
from django.db.models import F
from pytest_httpserver import HTTPServer
from rest_framework.authtoken.models import Token
from werkzeug import Response

from comments.models import OutgoingMail, PendingComment
from newsroom.cache import FailOpenRedisCache
from sharing.models import ShareRecord
from tests.factories import ArticleFactory, SectionFactory

from .conftest import (
    BASE_DIR,
    BIN,
    CeleryWorker,
    Gunicorn,
    PrivateRedis,
    django_test_database_url,
    free_port,
    send_task,
    service_env,
    wait_for,
)

READER_EMAIL = "patient.reader@example.net"
# The request path must not wait on Redis: a stopped one refuses at once; a hung one costs a cache call's
# socket timeout (1 s, then not asked again for a while) and the enqueue's (about 1 s), but no more.
SLOWEST_ANSWER = {"stopped": 3.0, "hung": 4.5}


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


class Webhook:
    """The one social account: every delivery it receives, by the delivery id the sender gives it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries = []

    def __call__(self, request):
        with self.lock:
            self.deliveries.append(request.headers.get("X-Newsroom-Delivery"))
        return Response("ok")


@pytest.fixture(scope="module")
def outside():
    """The world outside: an SMTP server and a webhook on 127.0.0.1."""
    mailbox, webhook = Mailbox(), Webhook()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    http = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    http.expect_request("/hook", method="POST").respond_with_handler(webhook)
    http.start()
    yield mailbox, webhook, smtp.port, http.url_for("/hook")
    http.stop()
    smtp.stop()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, outside, logs):
    _, _, smtp_port, hook_url = outside
    redis_server = PrivateRedis(logs / "redis.log")
    redis_server.start()
    with django_db_blocker.unblock():
        database_url = django_test_database_url()
    env = service_env(
        DATABASE_URL=database_url,
        CONN_MAX_AGE=0,  # no connection outlives a request: the test database is emptied between tests
        CACHE_URL=redis_server.url(0),
        CELERY_BROKER_URL=redis_server.url(1),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SITE_URL="http://testserver",
        SHARING_ACCOUNTS=json.dumps([{"name": "hook", "network": "webhook", "url": hook_url, "secret": "s"}]),
        SHARING_SWEEP_AFTER_SECONDS=0,
        API_ANON_RATE="100000/minute",
        SEARCH_RATE="100000/minute",
    )
    web, worker = Gunicorn(env, logs / "gunicorn.log"), CeleryWorker(env, logs / "worker.log")
    try:
        web.start()
        worker.start()
        web.wait_ready()
        worker.wait_ready()
        yield web, worker, redis_server
    finally:
        web.stop()
        worker.stop()
        redis_server.stop()


def timed(how, call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    seconds = time.monotonic() - started
    assert seconds < SLOWEST_ANSWER[how], (args, seconds)
    return response


def comment(client, story, how):
    return timed(
        how,
        client.post,
        f"/api/v1/articles/{story.pk}/comments/",
        json={"name": "Pat", "email": READER_EMAIL, "comment": "Is the ferry still running?"},
    )


def sweep_mail(redis_server):
    """What beat does every five minutes, for mail queued five minutes before."""
    OutgoingMail.objects.update(created_at=F("created_at") - timedelta(minutes=6))
    send_task(redis_server.url(1), "comments.tasks.sweep_unsent_mail")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_stopped_the_site_carries_on_and_queued_work_runs_once_it_is_back(site, outside, editor):
    web, worker, redis_server = site
    mailbox, webhook, _, _ = outside
    section = SectionFactory(name="City", slug="city")
    story = ArticleFactory(published=True, section=section, headline="Harbour cranes fall silent")
    draft = ArticleFactory(in_review=True, section=section)
    token = Token.objects.create(user=editor).key
    pages = ["/", story.get_absolute_url(), "/city/", "/search/?q=harbour", "/api/v1/articles/"]
    reader = httpx.Client(base_url=web.base_url, timeout=10)
    staff = httpx.Client(base_url=web.base_url, timeout=10, headers={"Authorization": f"Token {token}"})

    def page_cache_hit():
        return reader.get(story.get_absolute_url()).headers.get("X-Page-Cache") == "hit"

    wait_for(page_cache_hit, timeout=5, interval=0.6, what="the page cache to serve the story")

    redis_server.stop()
    for path in pages * 2:
        response = timed("stopped", reader.get, path)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
    assert "Harbour cranes fall silent" in reader.get(story.get_absolute_url()).text

    published = timed("stopped", staff.post, f"/api/v1/articles/{draft.pk}/publish/")
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    posted = comment(reader, story, "stopped")
    assert posted.status_code == 202, posted.text
    assert PendingComment.objects.get().user_email == READER_EMAIL
    share = ShareRecord.objects.get(article=draft)
    assert share.state == ShareRecord.State.PENDING
    assert OutgoingMail.objects.get().sent_at is None
    assert "Cache unavailable (ConnectionError" in web.log.read_text()
    assert "the sweeper will send it" in web.log.read_text()

    redis_server.start()  # empty, as a Redis restarted without persistence is
    reconnected = lambda: worker.log.read_text().count("Connected to redis://") >= 2  # noqa: E731
    wait_for(reconnected, what="the worker to reconnect by itself")
    send_task(redis_server.url(1), "sharing.tasks.sweep_pending_shares")  # what beat does every minute
    sweep_mail(redis_server)

    wait_for(lambda: ShareRecord.objects.get(pk=share.pk).state == ShareRecord.State.SENT, what="the share")
    wait_for(lambda: mailbox.messages, what="the confirmation mail")
    time.sleep(1)  # nothing more arrives
    assert webhook.deliveries == [ShareRecord.objects.get(pk=share.pk).idempotency_key]
    assert [recipients for recipients, _ in mailbox.messages] == [[READER_EMAIL]]
    assert "/comments/confirm/" in mailbox.messages[0][1].get_payload(decode=True).decode()
    assert OutgoingMail.objects.get().sent_at is not None
    wait_for(page_cache_hit, timeout=10, interval=0.6, what="the page cache to work again")
    assert "Cache available again" in web.log.read_text()
    assert worker.process.poll() is None and web.booted_workers() == 2


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hung_redis_holds_no_reader_or_commenter_for_long_and_loses_no_mail(site, outside):
    web, worker, redis_server = site
    mailbox, *_ = outside
    mailbox.messages.clear()
    redis_server.start()
    story = ArticleFactory(published=True, section=SectionFactory(name="City", slug="city"))
    reader = httpx.Client(base_url=web.base_url, timeout=30)
    assert reader.get(story.get_absolute_url()).status_code == 200

    redis_server.freeze()
    try:
        for path in ["/", story.get_absolute_url(), "/city/", "/api/v1/articles/"]:
            assert timed("hung", reader.get, path).status_code == 200
        posted = comment(reader, story, "hung")
        assert posted.status_code == 202, posted.text
    finally:
        redis_server.thaw()
    assert PendingComment.objects.get().user_email == READER_EMAIL

    sweep_mail(redis_server)
    wait_for(lambda: mailbox.messages, what="the confirmation mail")
    time.sleep(1)  # a task that did reach the hung Redis runs too, and finds the mail sent
    assert [recipients for recipients, _ in mailbox.messages] == [[READER_EMAIL]]
    assert worker.process.poll() is None and web.booted_workers() == 2


def test_the_cache_answers_a_miss_and_warns_when_redis_is_unreachable(caplog):
    cache = FailOpenRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})  # nothing listens there
    caplog.set_level(logging.WARNING, logger="newsroom.cache")
    started = time.monotonic()

    assert cache.get("page", "missing") == "missing"
    assert cache.get_many(["a", "b"]) == {}
    cache.set("page", "html")
    cache.set_many({"a": 1})
    cache.delete("page")
    with pytest.raises(ValueError):
        cache.incr("count")

    assert time.monotonic() - started < 2
    assert [r.getMessage()[:32] for r in caplog.records] == ["Cache unavailable (ConnectionErr"]


def test_back_from_an_outage_the_cache_drops_every_page_and_fragment_stored_before(tmp_path, monkeypatch):
    """A partition: Redis keeps its data while the site cannot reach it, so the version bumps of changes made
    meanwhile are lost. Back in reach, the cache marks its recovery, on which every entry depends."""
    from newsroom import cache as fail_open
    from newsroom import page_cache

    server = PrivateRedis(tmp_path / "redis.log")
    server.start()
    try:
        cache = FailOpenRedisCache(server.url(0), {})
        monkeypatch.setattr(page_cache, "cache", cache)
        page_cache.write_versioned("frag:story", {"article:1"}, "<p>Old headline</p>", time.time_ns(), 600)
        assert page_cache.read_versioned("frag:story")[1] == "<p>Old headline</p>"

        monkeypatch.setattr(fail_open, "RETRY_SECONDS", 0.0)  # ask again at once after a failure
        server.freeze()  # out of reach, data kept
        assert cache.get("frag:story") is None
        server.thaw()

        assert page_cache.read_versioned("frag:story") is None  # the first call back in reach marks recovery
        assert cache.get(fail_open.RECOVERY_KEY) is not None
        assert fail_open.RECOVERY_KEY == page_cache.VERSION_PREFIX + page_cache.RECOVERY_DEP
    finally:
        server.stop()


@pytest.mark.celery_worker
def test_make_serves_worker_comes_back_when_redis_goes_while_it_holds_a_delayed_task(
    django_db_setup, django_db_blocker, logs
):
    """A worker holding a task for later (a share's or a mail's retry) when Redis goes away dies in kombu's
    Redis transport ("'NoneType' object has no attribute 'hostname'", while it puts the task back); under
    honcho that stopped the whole of `make serve`, site included. The Procfile's worker line starts it again,
    and the worker then takes tasks as before."""
    redis_server = PrivateRedis(logs / "redis-held.log")
    redis_server.start()
    log = logs / "honcho-worker.log"
    with django_db_blocker.unblock():  # no rows of its own: the worker's task only reads the test database
        database_url = django_test_database_url()
    env = service_env(
        DATABASE_URL=database_url,
        CONN_MAX_AGE=0,
        CACHE_URL=redis_server.url(0),
        CELERY_BROKER_URL=redis_server.url(1),
        CELERY_CONCURRENCY=1,
        WORKER_RESTART_SECONDS=1,
    )
    with open(log, "a") as out:
        honcho = subprocess.Popen(  # noqa: S603 - our own Procfile
            [str(BIN / "honcho"), "start", "--env", "/dev/null", "--no-prefix", "worker"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        started = lambda n: log.read_text().count("ready.") >= n  # noqa: E731
        wait_for(lambda: started(1), timeout=40, what="the worker")
        send_task(redis_server.url(1), "sharing.tasks.sweep_pending_shares", countdown=300)
        held = re.compile(r"sweep_pending_shares\[[-0-9a-f]+\] received")
        wait_for(lambda: held.search(log.read_text()), what="the worker to take the task for later")

        redis_server.stop()
        time.sleep(2)
        redis_server.start()

        wait_for(lambda: started(2), timeout=60, what="the worker again, connected")
        assert honcho.poll() is None, log.read_text()[-3000:]
        send_task(redis_server.url(1), "sharing.tasks.sweep_pending_shares")
        wait_for(lambda: "succeeded" in log.read_text(), timeout=30, what="a task run after the outage")
        assert honcho.poll() is None
    finally:
        honcho.terminate()
        try:
            honcho.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
        redis_server.stop()

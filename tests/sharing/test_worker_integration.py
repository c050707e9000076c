"""A real Celery worker on the real Redis broker, posting to a fake Mastodon and a webhook on 127.0.0.1.

The worker is a subprocess (`celery -A newsroom worker`) pointed at pytest's test database; tests use
`transaction=True` so what they write is committed and the worker can see it.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from pytest_httpserver import HTTPServer
from werkzeug import Response

from articles import services as articles
from newsroom.celery import app as celery_app
from sharing.models import ShareRecord
from sharing.tasks import sweep_pending_shares
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
State = ShareRecord.State
BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
TOKEN = "worker-test-SECRET"


class FakeNetwork:
    """Mastodon's statuses endpoint (honouring Idempotency-Key) plus a webhook; scripted failures first."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.lock = threading.Lock()
        self.requests = []  # (path, headers, json, time)
        self.statuses = {}  # idempotency key -> status: the posts that exist
        self.hooks = []
        self.script = []  # (status, headers) answered before any success
        self.hold = threading.Event()  # set: hold the answer of the next post until released
        self.arrived = threading.Event()
        self.release = threading.Event()

    def mastodon(self, request):
        with self.lock:
            self.requests.append(("mastodon", dict(request.headers), request.get_json(), time.monotonic()))
            if self.script:
                status, headers = self.script.pop(0)
                return Response(json.dumps({"error": f"scripted {status}"}), status=status, headers=headers)
            key = request.headers.get("Idempotency-Key")
            if key not in self.statuses:  # a repeated key gets the status made the first time
                number = len(self.statuses) + 1
                self.statuses[key] = {"id": str(number), "url": f"https://m.example/@news/{number}"}
            status = self.statuses[key]
        if self.hold.is_set():
            self.hold.clear()
            self.arrived.set()
            self.release.wait(timeout=30)  # the post exists, but its answer never reaches the dead worker
        return Response(json.dumps(status), content_type="application/json")

    def webhook(self, request):
        with self.lock:
            self.hooks.append(request.headers.get("X-Newsroom-Delivery"))
        return Response("ok")


@pytest.fixture(scope="module")
def fake_network():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    network = FakeNetwork()
    server.expect_request("/m/api/v1/statuses", method="POST").respond_with_handler(network.mastodon)
    server.expect_request("/hook", method="POST").respond_with_handler(network.webhook)
    server.start()
    network.base_url = server.url_for("/").rstrip("/")
    yield network
    network.release.set()
    server.stop()


def _test_database_url():
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def accounts_json(base_url):
    return json.dumps(
        [
            {"name": "masto", "network": "mastodon", "base_url": f"{base_url}/m", "token": TOKEN},
            {"name": "hook", "network": "webhook", "url": f"{base_url}/hook", "secret": "hook-secret"},
        ]
    )


class Worker:
    def __init__(self, env, log_path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self):
        log = open(self.log_path, "a")  # noqa: SIM115 - the worker owns it until it stops
        start = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [str(CELERY), "-A", "newsroom", "worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
             f"--hostname=share-test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text()[start:]:
                return
            assert self.process.poll() is None, self.log_path.read_text()[-3000:]
            time.sleep(0.1)
        raise AssertionError("worker did not start:\n" + self.log_path.read_text()[-3000:])

    def children(self):
        pid = self.process.pid
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        return found

    def kill_all(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill_all()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, fake_network, tmp_path_factory):
    broker_url = settings.CELERY_BROKER_URL
    assert broker_url.startswith("redis://"), "the worker tests need the Redis broker (make test sets it)"
    redis.Redis.from_url(broker_url).delete("celery", "unacked", "unacked_index")  # stale tasks out
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CONN_MAX_AGE": "0",
        "SHARING_ACCOUNTS": accounts_json(fake_network.base_url),
        "SHARING_RETRY_BASE_SECONDS": "0.3",
        "SHARING_MAX_ATTEMPTS": "4",
        "SHARING_SWEEP_AFTER_SECONDS": "0",
        "SHARING_TRY_TIME_LIMIT": "4",
    }
    running = Worker(env, tmp_path_factory.mktemp("worker") / "worker.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def live(worker, fake_network, settings):
    """This process sends tasks to the broker (not in-process) and knows the same accounts."""
    fake_network.reset()
    settings.SHARING_ACCOUNTS = worker.env["SHARING_ACCOUNTS"]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield fake_network
    celery_app.conf.task_always_eager = eager
    fake_network.release.set()
    with contextlib.suppress(AssertionError):  # let the worker finish before the tables are emptied
        wait_for(lambda: not ShareRecord.objects.pending().exists(), timeout=10)


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def states(article):
    return dict(ShareRecord.objects.filter(article=article).values_list("account", "state"))


def test_publish_posts_exactly_once_per_account(live, boss):
    article = ArticleFactory(in_review=True)
    articles.publish_article(article=article, by=boss)

    wait_for(lambda: states(article) == {"masto": State.SENT, "hook": State.SENT})
    masto = ShareRecord.objects.get(article=article, account="masto")
    assert (masto.remote_id, masto.remote_url, masto.attempts) == ("1", "https://m.example/@news/1", 1)
    time.sleep(1)  # nothing more arrives
    assert len(live.statuses) == 1 and len(live.requests) == 1
    assert live.hooks == [ShareRecord.objects.get(article=article, account="hook").idempotency_key]
    _, headers, body, _ = live.requests[0]
    assert headers["Authorization"] == f"Bearer {TOKEN}" and article.headline in body["status"]


def test_500_then_429_then_success_posts_once_with_retries_recorded(live, boss):
    live.script = [(500, {}), (429, {"Retry-After": "1"})]
    article = ArticleFactory(in_review=True)
    articles.publish_article(article=article, by=boss)

    wait_for(lambda: states(article).get("masto") == State.SENT)
    masto = ShareRecord.objects.get(article=article, account="masto")
    assert masto.attempts == 3 and "429" in masto.last_error
    assert len(live.statuses) == 1 and len(live.requests) == 3
    times = [t for *_, t in live.requests]
    assert times[2] - times[1] >= 0.95  # Retry-After: 1 honoured
    assert len({headers["Idempotency-Key"] for _, headers, _, _ in live.requests}) == 1


def test_401_fails_at_once_and_editors_see_it(live, boss, client):
    live.script = [(401, {})]
    article = ArticleFactory(in_review=True)
    articles.publish_article(article=article, by=boss)

    wait_for(lambda: states(article).get("masto") == State.FAILED)
    time.sleep(0.5)
    masto = ShareRecord.objects.get(article=article, account="masto")
    assert masto.attempts == 1 and "401" in masto.last_error and len(live.requests) == 1
    client.force_login(boss)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Failed" in page and "answered 401" in page and TOKEN not in page


def test_pool_process_killed_mid_post_is_redelivered_and_posts_once(live, worker, boss):
    live.hold.set()
    article = ArticleFactory(published=True, share_on_publish=False)
    with transaction.atomic():
        share = ShareRecord.objects.create(article=article, account="masto", network="mastodon")
    from sharing.tasks import post_share

    post_share.delay(share.pk)
    assert live.arrived.wait(timeout=20)
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)  # reject_on_worker_lost puts the task back on the queue
    live.release.set()

    wait_for(lambda: ShareRecord.objects.get(pk=share.pk).state == State.SENT)
    assert len(live.requests) == 2 and len(live.statuses) == 1  # two tries, one post
    assert ShareRecord.objects.get(pk=share.pk).remote_id == "1"


def test_a_network_that_never_answers_costs_one_try_then_is_retried(live, worker, boss):
    """A per-read timeout cannot stop a server that keeps the connection open: the try's own time limit
    does, the try is counted and retried, and the worker is free again (the retry posts once)."""
    from sharing.tasks import post_share

    assert post_share.soft_time_limit == settings.SHARING_TRY_TIME_LIMIT  # what a site's sends carry
    limit = float(worker.env["SHARING_TRY_TIME_LIMIT"])
    live.hold.set()  # the post is made, and its answer held for 30 s
    article = ArticleFactory(published=True, share_on_publish=False)
    with transaction.atomic():
        share = ShareRecord.objects.create(article=article, account="masto", network="mastodon")

    started = time.monotonic()
    # The sender writes the limits into the message, as a site and its workers sharing one configuration do.
    post_share.apply_async((share.pk,), soft_time_limit=limit, time_limit=limit + 30)

    wait_for(lambda: ShareRecord.objects.get(pk=share.pk).state == State.SENT, timeout=25)
    assert time.monotonic() - started < 20  # not the 30 s the answer was held
    share.refresh_from_db()
    assert share.attempts == 2 and share.last_error == "No answer within 4 seconds."
    assert len(live.requests) == 2 and len(live.statuses) == 1  # the same key: one post


def test_whole_worker_killed_mid_post_then_restarted_posts_once(live, worker, boss):
    live.hold.set()
    article = ArticleFactory(published=True, share_on_publish=False)
    with transaction.atomic():
        share = ShareRecord.objects.create(article=article, account="masto", network="mastodon")
    from sharing.tasks import post_share

    post_share.delay(share.pk)
    assert live.arrived.wait(timeout=20)
    worker.kill_all()  # the message stays unacknowledged in Redis until its visibility timeout
    live.release.set()
    assert ShareRecord.objects.get(pk=share.pk).state == State.PENDING

    worker.start()
    sweep_pending_shares.delay()  # what beat does every minute
    wait_for(lambda: ShareRecord.objects.get(pk=share.pk).state == State.SENT)
    assert len(live.requests) == 2 and len(live.statuses) == 1


def test_broker_down_while_publishing_then_sweeper_posts_once(live, worker, boss):
    article = ArticleFactory(in_review=True)
    script = (
        "import time, django; django.setup()\n"
        "from articles.models import Article; from articles.services import publish_article\n"
        "from django.contrib.auth import get_user_model\n"
        f"article = Article.objects.get(pk={article.pk}); boss = get_user_model().objects.get(pk={boss.pk})\n"
        "start = time.monotonic(); publish_article(article=article, by=boss)\n"
        "print('SECONDS', time.monotonic() - start)\n"
    )
    env = {**worker.env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/6"}  # a closed port: no broker
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seconds = float(result.stdout.split("SECONDS")[1])
    assert seconds < 1.0, seconds  # the editor did not wait on the broker
    assert "the sweeper will send them" in result.stderr and TOKEN not in result.stderr
    article.refresh_from_db()
    assert article.status == article.Status.PUBLISHED
    assert states(article) == {"masto": State.PENDING, "hook": State.PENDING}
    time.sleep(0.5)
    assert live.requests == []

    sweep_pending_shares.delay()  # the broker is back (this process uses the real one)
    wait_for(lambda: states(article) == {"masto": State.SENT, "hook": State.SENT})
    assert len(live.statuses) == 1 and len(live.hooks) == 1


def test_rolled_back_publish_posts_nothing(live, boss):
    article = ArticleFactory(in_review=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        articles.publish_article(article=article, by=boss)
        raise RuntimeError("the request failed after publishing")
    article.refresh_from_db()
    assert article.status == article.Status.IN_REVIEW and not ShareRecord.objects.exists()
    sweep_pending_shares.delay()
    time.sleep(1.5)
    assert live.requests == [] and live.hooks == []

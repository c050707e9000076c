"""PostgreSQL restarted while the site is under load: requests meanwhile get a clean 503 with Retry-After (the
API its JSON error), and the same gunicorn and Celery worker carry on by themselves once it is back
(CONN_HEALTH_CHECKS replaces the connections the restart cut).

Everything runs on a private cluster (conftest.PrivatePostgres) that the test restarts; the machine's shared
PostgreSQL is never touched. The site runs with its production settings: gunicorn with its config, connections
kept CONN_MAX_AGE seconds, no page cache (every request needs the database: the hard case).
"""

import json
import threading
import time

import httpx
import psycopg
import pytest
from django.db import OperationalError

from newsroom.views import server_error

from .conftest import (
    CeleryWorker,
    Gunicorn,
    PrivatePostgres,
    PrivateRedis,
    manage,
    send_task,
    service_env,
    wait_for,
)

LOAD_DATA = """
import django, json
from datetime import timedelta
django.setup()
from django.utils import timezone
from tests.factories import ArticleFactory, SectionFactory
section = SectionFactory(name="City", slug="city")
stories = [ArticleFactory(published=True, section=section) for _ in range(3)]
due = ArticleFactory(scheduled=True, section=section, publish_at=timezone.now() - timedelta(minutes=1))
later = ArticleFactory(scheduled=True, section=section)
print(json.dumps({"paths": [s.get_absolute_url() for s in stories], "due": due.pk, "later": later.pk}))
"""
THREADS = 6
DOWN_SECONDS = 2.0
TRACEBACK_SIGNS = ("Traceback", "OperationalError", "psycopg", 'File "/')


@pytest.fixture(scope="module")
def cluster():
    postgres = PrivatePostgres()
    try:
        postgres.init()
        postgres.start()
        with psycopg.connect(postgres.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE newsroom")
        yield postgres
    finally:
        postgres.cleanup()


@pytest.fixture(scope="module")
def site(cluster, logs):
    broker = PrivateRedis(logs / "redis.log")  # the worker's own broker: it must not take other suites' tasks
    broker.start()
    env = service_env(
        DATABASE_URL=cluster.url("newsroom"),
        CONN_MAX_AGE=60,
        CACHE_URL="locmemcache://faults",
        PAGE_CACHE_SECONDS=0,
        FRAGMENT_CACHE_SECONDS=0,
        CELERY_BROKER_URL=broker.url(1),
        API_ANON_RATE="100000/minute",
        SEARCH_RATE="100000/minute",
    )
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    data = json.loads(manage(env, "shell", "--no-imports", "-c", LOAD_DATA).strip().splitlines()[-1])
    web, worker = Gunicorn(env, logs / "gunicorn.log"), CeleryWorker(env, logs / "worker.log")
    try:
        web.start()
        worker.start()
        web.wait_ready()
        worker.wait_ready()
        yield web, worker, broker, data
    finally:
        web.stop()
        worker.stop()
        broker.stop()


class Load:
    """Reader threads requesting pages and API reads in a loop; every answer is kept."""

    def __init__(self, base_url, paths):
        self.base_url, self.paths = base_url, paths
        self.answers = []  # (monotonic time, path, status, headers, body)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(THREADS)]

    def run(self, offset):
        with httpx.Client(base_url=self.base_url, timeout=20) as client:
            n = offset
            while not self.stopping.is_set():
                path = self.paths[n % len(self.paths)]
                n += 1
                response = client.get(path)
                with self.lock:
                    self.answers.append(
                        (time.monotonic(), path, response.status_code, response.headers, response.text)
                    )

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def since(self, moment):
        with self.lock:
            return [a for a in self.answers if a[0] >= moment]


def article_status(cluster, pk) -> str:
    with psycopg.connect(cluster.url("newsroom"), autocommit=True) as connection:
        return connection.execute("SELECT status FROM articles_article WHERE id = %s", [pk]).fetchone()[0]


@pytest.mark.celery_worker
def test_requests_during_a_postgresql_restart_get_503_and_the_site_recovers_by_itself(cluster, site):
    web, worker, broker, data = site
    paths = [*data["paths"], "/", "/city/", "/search/?q=harbour", "/api/v1/articles/"]
    send_task(broker.url(1), "articles.tasks.publish_due_articles")  # the worker holds a connection too
    wait_for(lambda: article_status(cluster, data["due"]) == "published", what="the first scheduled story")

    health = httpx.Client(base_url=web.base_url, timeout=10)
    assert (health.get("/health/").status_code, health.get("/health/").content) == (200, b"")
    with Load(web.base_url, paths) as load:
        wait_for(lambda: len(load.answers) >= 30, what="the load to start")
        assert {a[2] for a in load.answers} == {200}, "the site was not healthy before the restart"
        cluster.stop()
        down_at = time.monotonic()
        # What a load balancer asks (newsroom/health.py): out of rotation while the database is away.
        assert (health.get("/health/").status_code, health.get("/health/").content) == (503, b"")
        time.sleep(DOWN_SECONDS)
        cluster.start()
        up_at = time.monotonic()
        time.sleep(1.5)

    during = [a for a in load.answers if down_at <= a[0] <= up_at]
    assert any(a[2] == 503 for a in during), "no request met the restart"
    for _, path, status, headers, body in load.answers:
        assert status in (200, 503), (path, status, body[:500])
        assert not any(sign in body for sign in TRACEBACK_SIGNS), (path, body[:2000])
        if status == 503:
            assert headers["Retry-After"].isdigit() and "no-store" in headers["Cache-Control"]
            if path.startswith("/api/"):
                assert json.loads(body) == {
                    "code": "unavailable",
                    "message": "The service is briefly unavailable; retry in 10 seconds.",
                    "errors": {},
                }
            else:
                assert "Back in a moment" in body and headers["Content-Type"].startswith("text/html")

    # The same processes answer again within seconds, every page, none of them replaced.
    with httpx.Client(base_url=web.base_url, timeout=10) as client:
        wait_for(lambda: all(client.get(p).status_code == 200 for p in paths), timeout=5, what="recovery")
    assert health.get("/health/").status_code == 200
    health.close()
    recovered = [a for a in load.since(up_at) if a[2] == 200]
    assert recovered and recovered[0][0] - up_at < 3, "the load did not get through soon after the restart"
    assert web.process.poll() is None and worker.process.poll() is None
    assert web.booted_workers() == 2, "gunicorn replaced a worker"

    with psycopg.connect(cluster.url("newsroom"), autocommit=True) as connection:
        connection.execute("UPDATE articles_article SET publish_at = now() WHERE id = %s", [data["later"]])
    send_task(broker.url(1), "articles.tasks.publish_due_articles")
    wait_for(lambda: article_status(cluster, data["later"]) == "published", what="the worker, after it")


def test_other_errors_keep_the_500_page(rf):
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Something went wrong on our side" in response.content.decode()


def test_an_error_raised_while_the_database_was_failing_is_a_503_too(rf):
    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as error:
            raise RuntimeError("the view gave up") from error
    except RuntimeError:
        response = server_error(rf.get("/api/v1/articles/"))
    assert (response.status_code, response["Retry-After"]) == (503, "10")
    assert json.loads(response.content)["code"] == "unavailable"

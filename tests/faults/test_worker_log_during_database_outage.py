"""While the database is out of reach, the Celery worker logs each failed task in one line, as the site logs
each request it answers 503: Celery replaces the root's handler when the worker starts, and with it the
settings' filters, so each failure came with the connection error's traceback (newsroom/celery.py).

A real worker, on a private Redis, with DATABASE_URL on a port where no PostgreSQL listens.
"""

import pytest

from .conftest import CeleryWorker, PrivateRedis, free_port, send_task, service_env, wait_for


@pytest.fixture
def worker(logs):
    broker = PrivateRedis(logs / "redis-outage.log")
    broker.start()
    env = service_env(
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/newsroom",
        CACHE_URL="locmemcache://faults",
        CELERY_BROKER_URL=broker.url(1),
    )
    worker = CeleryWorker(env, logs / "worker-outage.log")
    try:
        worker.start()
        worker.wait_ready()
        yield worker, broker
    finally:
        worker.stop()
        broker.stop()


@pytest.mark.celery_worker
def test_a_task_failing_on_a_database_out_of_reach_is_one_line_and_a_bug_keeps_its_traceback(worker):
    worker, broker = worker
    send_task(broker.url(1), "articles.tasks.publish_due_articles")
    send_task(broker.url(1), "articles.tasks.publish_due_articles")
    send_task(broker.url(1), "articles.tasks.publish_due_articles", "a bug: an argument it does not take")
    bug = "TypeError: publish_due_articles() takes 0 positional arguments but 1 was given"
    wait_for(lambda: bug in worker.log.read_text(), what="the three tasks to fail")

    out_of_reach, bug_logged = (
        worker.log.read_text().split("ready.\n", 1)[1].split("raised unexpected: TypeError(")
    )
    lines = out_of_reach.splitlines()
    assert all(line.startswith("[") for line in lines), out_of_reach  # every line a record: no traceback
    failures = [line for line in lines if "ERROR/ForkPoolWorker" in line]
    assert len(failures) == 3, out_of_reach  # the two out of reach, and the start of the bug's
    for line in failures[:2]:
        assert "raised unexpected: OperationalError('connection failed: connection to server at" in line
    assert "Traceback (most recent call last)" in bug_logged and bug in bug_logged

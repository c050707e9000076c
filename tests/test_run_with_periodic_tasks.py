"""`make run`'s server runs the periodic tasks itself only when no broker is configured: with one, `make beat`
runs them (README: Celery worker and beat), and both together would run every job twice."""

import threading
from io import StringIO

import pytest
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from newsroom.management.commands import run_with_periodic_tasks


@pytest.fixture
def periodic_started(monkeypatch):
    """The command's inner_run without a server, and with a periodic thread that only says it started."""
    monkeypatch.setattr(RunserverCommand, "inner_run", lambda self, *args, **options: None)
    started = threading.Event()
    monkeypatch.setattr(run_with_periodic_tasks, "run_periodic_tasks", lambda stop: started.set())
    return started


def serve() -> str:
    out = StringIO()
    run_with_periodic_tasks.Command(stdout=out).inner_run(use_reloader=False)
    return out.getvalue()


def test_without_a_broker_the_periodic_tasks_run_beside_the_server(settings, periodic_started):
    settings.CELERY_BROKER_URL = "memory://"  # what settings.py makes of an unset CELERY_BROKER_URL

    printed = serve()

    assert periodic_started.wait(timeout=5), "the periodic thread did not start"
    assert printed.startswith("Periodic tasks running in-process: publish-due-articles, ")
    assert "celery beat" not in printed
    assert run_with_periodic_tasks.periodic_tasks_run_in_process()


def test_with_a_broker_the_periodic_tasks_are_left_to_celery_beat(settings, periodic_started):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/11"

    printed = serve()

    assert printed.splitlines() == [
        "CELERY_BROKER_URL is set: periodic tasks are left to `celery beat` (make beat)."
    ]
    assert not periodic_started.wait(timeout=1), "the periodic tasks started in-process as well"
    assert not run_with_periodic_tasks.periodic_tasks_run_in_process()


def test_a_start_runs_the_minutely_work_at_once_and_the_daily_jobs_at_their_time(monkeypatch):
    """A story that fell due while the demo was stopped goes out as it starts; restarting the demo does not
    mail moderators a digest, nor run the nightly retention, every time."""
    from datetime import UTC, datetime

    from celery.app.task import Task

    from newsroom.celery import app

    # Half past the hour, held there: no hourly or nightly job falls due while the test waits.
    half_past = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)
    monkeypatch.setattr(run_with_periodic_tasks.timezone, "now", lambda: half_past)
    monkeypatch.setattr(app, "now", lambda: half_past)
    ran = []
    monkeypatch.setattr(Task, "apply", lambda self, *args, **kwargs: ran.append(self.name))
    stop = threading.Event()
    thread = threading.Thread(target=run_with_periodic_tasks.run_periodic_tasks, args=(stop, 0.05))
    thread.start()
    try:
        stop.wait(0.5)  # ten rounds of the loop
    finally:
        stop.set()
        thread.join(timeout=5)

    assert "articles.tasks.publish_due_articles" in ran and len(ran) == len(set(ran))  # once each
    assert not {"comments.tasks.send_held_digest", "comments.tasks.apply_retention"} & set(ran)

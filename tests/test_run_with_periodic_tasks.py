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

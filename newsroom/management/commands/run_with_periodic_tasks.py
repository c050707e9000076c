"""`make run`: the development server plus the periodic tasks, so the demo behaves like production.

With no broker configured, tasks run in-process (eager). This command reads the same
CELERY_BEAT_SCHEDULE that `celery beat` uses and runs each entry when it is due, in a thread beside
the development server, so scheduled articles go live while the demo is served.
"""

import logging
import os
import threading
from datetime import timedelta

from celery.beat import ScheduleEntry
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.utils import timezone

from newsroom.celery import app

logger = logging.getLogger(__name__)


def run_periodic_tasks(stop: threading.Event, poll_seconds: float = 5.0):
    # What a worker does when it starts: import every app's tasks.py (autodiscovery is lazy), or the
    # schedule's task names are not registered yet.
    app.loader.import_default_modules()
    long_ago = timezone.now() - timedelta(days=1)
    entries = [
        ScheduleEntry(name=name, app=app, last_run_at=long_ago, **spec)
        for name, spec in app.conf.beat_schedule.items()
    ]
    while not stop.is_set():
        for index, entry in enumerate(entries):
            due, _next_in = entry.is_due()
            if not due:
                continue
            try:
                app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs)
            except Exception:
                logger.exception("Periodic task %s failed", entry.name)
            entries[index] = next(entry)
        stop.wait(poll_seconds)


class Command(RunserverCommand):
    help = "Run the development server with the periodic (beat) tasks running in-process."

    def inner_run(self, *args, **options):
        # With the autoreloader, only the child process that serves runs the periodic tasks.
        if not options.get("use_reloader") or os.environ.get("RUN_MAIN") == "true":
            stop = threading.Event()
            threading.Thread(target=run_periodic_tasks, args=(stop,), daemon=True, name="periodic").start()
            self.stdout.write(f"Periodic tasks running in-process: {', '.join(app.conf.beat_schedule)}")
        return super().inner_run(*args, **options)

"""`make run`: the development server plus the periodic tasks, so the demo behaves like production.

With no broker configured, tasks run in-process (eager). This command reads the same
CELERY_BEAT_SCHEDULE that `celery beat` uses and runs each entry when it is due, in a thread beside
the development server, so scheduled articles go live while the demo is served. With a broker
(CELERY_BROKER_URL), `make beat` runs the schedule; running it here too would run every job twice.
"""

import logging
import os
import threading
from datetime import timedelta

from celery.beat import ScheduleEntry
from celery.schedules import crontab
from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.utils import timezone

from newsroom.celery import app

logger = logging.getLogger(__name__)


def run_periodic_tasks(stop: threading.Event, poll_seconds: float = 5.0):
    # What a worker does when it starts: import every app's tasks.py (autodiscovery is lazy), or the
    # schedule's task names are not registered yet.
    app.loader.import_default_modules()
    # The every-few-minutes work (publishing what is due, the sweeps) runs at once, so a story that fell due
    # while the demo was stopped goes out as it starts; the jobs at set times of day (the hourly digest, the
    # nightly retention) wait for their time, as `celery beat` does: run at every start, they mailed
    # moderators a digest each time the demo was restarted.
    now = timezone.now()
    entries = [
        ScheduleEntry(
            name=name,
            app=app,
            last_run_at=now if isinstance(spec["schedule"], crontab) else now - timedelta(days=1),
            **spec,
        )
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


def periodic_tasks_run_in_process() -> bool:
    """Only without a broker: settings.py turns an unset CELERY_BROKER_URL into the in-memory transport,
    which no `celery beat` can share."""
    return settings.CELERY_BROKER_URL.startswith("memory://")


class Command(RunserverCommand):
    help = "Run the development server, with the periodic (beat) tasks in-process when there is no broker."

    def inner_run(self, *args, **options):
        # With the autoreloader, only the child process that serves runs the periodic tasks.
        if not options.get("use_reloader") or os.environ.get("RUN_MAIN") == "true":
            self.start_periodic_tasks()
        return super().inner_run(*args, **options)

    def start_periodic_tasks(self):
        if not periodic_tasks_run_in_process():
            left_to_beat = "CELERY_BROKER_URL is set: periodic tasks are left to `celery beat` (make beat)."
            self.stdout.write(left_to_beat)
            return
        stop = threading.Event()
        threading.Thread(target=run_periodic_tasks, args=(stop,), daemon=True, name="periodic").start()
        self.stdout.write(f"Periodic tasks running in-process: {', '.join(app.conf.beat_schedule)}")

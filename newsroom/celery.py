"""The Celery app. Settings come from Django's settings with the CELERY_ prefix."""

import logging
import os

from celery import Celery, signals

from newsroom.log_filters import DatabaseOutOfReachInOneLine

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
logger = logging.getLogger(__name__)


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def take_the_log_level_from_the_settings(logger, **kwargs) -> None:
    """LOG_LEVEL counts in the worker and beat as on the site: Celery sets its loggers to the command line's
    `--loglevel=INFO` (the Makefile's and the Procfile's), which left LOG_LEVEL=WARNING logging every task."""
    from django.conf import settings

    logger.setLevel(settings.LOGGING["root"]["level"])


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def log_a_database_outage_in_one_line(logger, **kwargs) -> None:
    """The worker and beat replace the root's handler (worker_hijack_root_logger), and with it the settings'
    filters: while the database was out of reach, each task that failed logged the connection error's
    traceback, about a hundred lines, where the site logs one line a request. Celery's own handlers (the
    root's, and the task logger's, which does not propagate) get the site's filter; other errors keep their
    traceback."""
    for handler in logger.handlers:
        if not any(isinstance(found, DatabaseOutOfReachInOneLine) for found in handler.filters):
            handler.addFilter(DatabaseOutOfReachInOneLine())


# A request's own broker connection gives up within about a second, whether the broker refuses (closed port)
# or accepts and never answers (hung): `delay()` would wait minutes on a hung one (DESIGN.md, celery #6046).
# Workers keep the usual, patient settings for their own connection.
FAST_FAIL = {"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 0, "interval_start": 0}


def quick_connection():
    """A connection to send tasks on that gives up within about a second (FAST_FAIL)."""
    return app.connection_for_write(connect_timeout=1, transport_options=FAST_FAIL)


def send_quickly(task, *args) -> None:
    """Queue `task(*args)` or raise within about a second; the caller's sweeper covers a failure."""
    with quick_connection() as connection:
        task.apply_async(args, connection=connection, retry=False)


def send_or_leave_to_sweeper(task, *args) -> bool:
    """`send_quickly`, for a request that must not fail because the broker is away: a failure is logged
    (the arguments are ids, never an address) and the row the task works on waits for its sweeper.

    The broker being away is expected and handled, so it is one warning line naming the task and the error,
    as for shares, not a traceback per mail."""
    try:
        send_quickly(task, *args)
    except Exception as error:  # noqa: BLE001 - the broker's failures must not reach the reader
        logger.warning(
            "Could not queue %s %s (%s: %s); the sweeper will send it.",
            task.name,
            ", ".join(map(str, args)),
            type(error).__name__,
            error,
        )
        return False
    return True

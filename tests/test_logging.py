"""What the site logs reaches the console once, in development (`make run`) as in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "import logging; logging.getLogger('django.request').warning('Forbidden (Permission denied): /x/')"


def shell(tmp_path, script, *, debug="0"):
    """`manage.py shell -c script` on an SQLite file of the test's own, with no cache or broker."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"}}
    env |= {"DEBUG": debug, "SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("debug", ["1", "0"])
def test_a_refused_request_is_logged_once(tmp_path, debug):
    result = shell(tmp_path, SCRIPT, debug=debug)
    assert (result.stdout + result.stderr).count("Forbidden (Permission denied): /x/") == 1


REFUSED_AND_FAILED = """
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

request = RequestFactory().get("/admin/articles/section/add/")
for status, error in [(403, PermissionDenied()), (500, ZeroDivisionError("in a view"))]:
    try:
        raise error
    except Exception as caught:
        log_response("Answered %s: %s", status, request.path, response=HttpResponse(status=status),
                     request=request, exception=caught)
"""


def test_a_refused_request_is_one_line_and_a_server_error_keeps_its_traceback(tmp_path):
    """A reporter opening an editors' page is a 403, logged as one line: it came with a traceback."""
    result = shell(tmp_path, REFUSED_AND_FAILED)
    logged = result.stdout + result.stderr
    refused, failed = logged.split("Answered 500: /admin/articles/section/add/")
    assert refused.rstrip().endswith("\nAnswered 403: /admin/articles/section/add/")
    assert "Traceback" not in refused and "PermissionDenied" not in refused
    assert "Traceback" in failed and "ZeroDivisionError: in a view" in failed


CELERY_LOGGING = """
import logging
import django
django.setup()
from newsroom.celery import app
app.log.setup_logging_subsystem(loglevel="INFO")  # what `celery worker --loglevel=INFO` and beat do
for name in ("", "celery.task", "sharing.tasks"):
    print(name or "root", logging.getLevelName(logging.getLogger(name).getEffectiveLevel()))
"""


@pytest.mark.parametrize(("level", "expected"), [("WARNING", "WARNING"), (None, "INFO")])
def test_the_worker_and_beat_log_at_log_level(tmp_path, level, expected):
    """The Makefile's and the Procfile's `--loglevel=INFO` set Celery's loggers to INFO whatever LOG_LEVEL
    said: with LOG_LEVEL=WARNING the worker still logged every task it received and finished."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LOG_LEVEL"}}
    env |= {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env |= {"LOG_LEVEL": level} if level else {}
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", CELERY_LOGGING],
        cwd=ROOT, env=env | {"DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["root", expected, "celery.task", expected, "sharing.tasks", expected]


OUT_OF_REACH = """
import logging

import psycopg
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

request = RequestFactory().get("/harbour/")
try:
    psycopg.connect("postgresql://newsroom@127.0.0.1:1/newsroom", connect_timeout=1)
except psycopg.OperationalError as lost:
    try:
        raise OperationalError(str(lost)) from lost
    except OperationalError as caught:
        log_response("%s: %s", "Service Unavailable", request.path, response=HttpResponse(status=503),
                     request=request, exception=caught)
        try:
            raise caught
        except OperationalError:
            logging.getLogger("watchman").exception("Error calling '%s': %s", "_check_database", caught)
logging.getLogger("newsroom").warning("---")
try:
    raise OperationalError("canceling statement due to statement timeout") from psycopg.errors.QueryCanceled()
except OperationalError as caught:
    log_response("%s: %s", "Service Unavailable", request.path, response=HttpResponse(status=503),
                 request=request, exception=caught)
"""


def test_a_database_out_of_reach_is_one_line_per_request_and_a_refused_query_keeps_its_traceback(tmp_path):
    """During a restart every request answered 503 and every /health/ probe failed, each logged with the
    connection error's traceback, about a hundred lines a request. A query the database refused (a statement
    timeout) is the site's to look into: its traceback stays."""
    result = shell(tmp_path, OUT_OF_REACH)
    out_of_reach, refused = result.stderr.split("---\n")
    lines = out_of_reach.strip().splitlines()
    assert len(lines) == 2, out_of_reach
    assert lines[0].startswith("Service Unavailable: /harbour/ (database out of reach: connection failed: ")
    assert lines[1].startswith("Error calling '_check_database': connection failed: connection to server")
    assert "Traceback" in refused and "QueryCanceled" in refused


@pytest.mark.parametrize(("level", "expected"), [(None, "info"), ("WARNING", "warning"), ("ERROR", "error")])
def test_gunicorn_logs_at_log_level_as_the_site_does(monkeypatch, level, expected):
    """LOG_LEVEL=WARNING quietened the site, the worker and beat, while `make serve`'s gunicorn still logged
    every worker it booted and stopped at INFO."""
    import runpy

    if level is None:
        monkeypatch.delenv("LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("LOG_LEVEL", level)

    assert runpy.run_path(str(ROOT / "newsroom" / "gunicorn_conf.py"))["loglevel"] == expected


UNFORMATTABLE = """
import logging

import psycopg

try:
    raise psycopg.OperationalError("connection failed: Connection refused")
except psycopg.OperationalError:
    logging.getLogger("newsroom").error("Lost %s and %s", "only one argument", exc_info=True)
logging.getLogger("watchman").error("Error calling '%s' for '%s': %s", "_check_database")
print("the caller went on")
"""


def test_a_log_call_whose_arguments_do_not_fit_its_message_does_not_raise_in_the_caller(tmp_path):
    """A record whose arguments do not fit its message is logging's to report ("--- Logging error ---"), as
    for any other logger: the one-line filters formatted it first and raised TypeError in the code that
    logged, a request or a health check failing over a log line."""
    result = shell(tmp_path, UNFORMATTABLE)
    assert "the caller went on" in result.stdout
    assert result.stderr.count("--- Logging error ---") == 2, result.stderr

"""A process that cannot start says why in one line (newsroom/startup.py), not under a wall of traceback:
manage.py, gunicorn (`make serve`'s web) and the Celery worker, each with a setting refused or a database
that cannot be reached."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KEY = "a-long-secret-for-this-test-only-0123456789abcdef"
REFUSED_KEY = "Newsroom cannot start: DEBUG is off but SECRET_KEY is not set to a real secret."
PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "SHARING_ACCOUNTS", "DEBUG")


def start(*command, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in PRODUCTION} | {"DEBUG": "0"} | env
    return subprocess.run(  # noqa: S603 - the project's own commands
        command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60, check=False
    )


def one_line(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode != 0, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "AXES" not in result.stderr  # django-axes' banner, "AXES: BEGIN version ..." (AXES_VERBOSE)
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr  # the line, wrapped


@pytest.mark.parametrize(
    "command",
    [
        (sys.executable, "manage.py", "migrate"),
        (str(BIN / "celery"), "-A", "newsroom", "worker"),
        (
            str(BIN / "gunicorn"),
            "newsroom.wsgi",
            "-c",
            "newsroom/gunicorn_conf.py",
            "--bind",
            "127.0.0.1:8059",
        ),
    ],
    ids=["manage.py", "celery", "gunicorn"],
)
def test_a_missing_secret_key_is_one_line(command):
    one_line(start(*command), REFUSED_KEY)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("DATABASE_URL", "127.0.0.1:5432/newsroom", "DATABASE_URL is not a database address: write it as"),
        ("DATABASE_URL", "postgressql://u@h/n", "DATABASE_URL is not a database address: write it as"),
        ("CACHE_URL", "127.0.0.1:6379/1", "CACHE_URL is not a cache address (Invalid cache schema ):"),
        ("SHARING_ACCOUNTS", '[{"name": "m", "network": "mastodon"}]', 'account "m": field "base_url" is'),
        ("DELETED_ARTICLES_KEPT_DAYS", "0", "DELETED_ARTICLES_KEPT_DAYS is 0: give the days a deleted"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it(setting, value, message):
    one_line(start(sys.executable, "manage.py", "check", SECRET_KEY=KEY, **{setting: value}), message)


def test_a_database_that_cannot_be_reached_is_one_line():
    """Nothing listens on 8059 (this machine's ports for these tests); psycopg's own words say so."""
    result = start(
        sys.executable, "manage.py", "migrate", SECRET_KEY=KEY,
        DATABASE_URL="postgresql://newsroom:secret@127.0.0.1:8059/newsroom",
    )  # fmt: skip

    one_line(
        result,
        "Newsroom cannot reach its database (DATABASE_URL): connection failed: "
        'connection to server at "127.0.0.1", port 8059 failed',
    )
    assert "secret" not in result.stderr


def test_other_errors_keep_their_traceback():
    result = start(sys.executable, "manage.py", "shell", "-c", "1 / 0", SECRET_KEY=KEY)

    assert result.returncode != 0
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        (str(BIN / "celery"), "-A", "newsroom", "worker"),
        (str(BIN / "celery"), "-A", "newsroom", "beat", "--schedule=/dev/null"),
        (
            str(BIN / "gunicorn"),
            "newsroom.wsgi",
            "-c",
            "newsroom/gunicorn_conf.py",
            "--bind",
            "127.0.0.1:8099",
        ),
    ],
    ids=["worker", "beat", "gunicorn"],
)
def test_a_malformed_sharing_accounts_is_one_line_in_every_process(command):
    """The Celery worker and beat found it only in the sharing app's ready(), inside Celery's Django fixup,
    which logged it with a traceback of some thirty lines before the line."""
    result = start(*command, SECRET_KEY=KEY, SHARING_ACCOUNTS='[{"name": "m", "network": "mastodon"}]')

    one_line(result, 'Newsroom cannot start: SHARING_ACCOUNTS account "m": field "base_url" is required')

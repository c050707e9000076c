"""What an operator sees when a process cannot start: one line saying what is wrong, not a traceback.

manage.py, gunicorn (`newsroom.wsgi`) and Celery (`-A newsroom`) all import this package first, so the hook
below is in place before the settings are read. It speaks for two failures only, both of the operator's
configuration: a setting refused (ImproperlyConfigured: SECRET_KEY, DATABASE_URL, SHARING_ACCOUNTS...) and a
database that cannot be reached at all (DATABASE_URL: no server, no such database or role, wrong password).
Anything else keeps its traceback.
"""

import sys


def explain(kind, error, traceback, *, default=sys.__excepthook__) -> None:
    from django.core.exceptions import ImproperlyConfigured

    if isinstance(error, ImproperlyConfigured):
        print(f"Newsroom cannot start: {error}", file=sys.stderr)
        return
    if _database_unreachable(error):
        print(f"Newsroom cannot reach its database (DATABASE_URL): {error}".rstrip(), file=sys.stderr)
        return
    default(kind, error, traceback)


def _database_unreachable(error) -> bool:
    """An OperationalError raised while the connection was being opened (it never was)."""
    from django.db import OperationalError, connection

    try:
        return isinstance(error, OperationalError) and connection.connection is None
    except Exception:  # noqa: BLE001 - the hook must never hide the error it was given
        return False


def install() -> None:
    sys.excepthook = explain

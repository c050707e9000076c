"""Filters for the console log (settings.LOGGING)."""

import logging

import psycopg

# A connection that could not be opened or was lost (no SQLSTATE, or class 08), or a server shutting down or
# starting up; not a query the server refused (a cancelled statement, a deadlock), which is the site's fault.
SERVER_GOING_OR_COMING = {"57P01", "57P02", "57P03"}


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer (a refused permission, a bad request) is the client's doing, not a fault of the site:
    Django logs it with the exception's traceback, which buried the real errors under a reporter's every
    click on a page of the editors'. Its line stays; a 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True


class OneLine(logging.Filter):
    """One line, without the traceback, for a logger whose errors are reported in full elsewhere (a failed
    health check's report holds its traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = _message(record)
        if message is not None:
            _to_one_line(record, message)
        return True


def _message(record: logging.LogRecord) -> str | None:
    """The record's message, or None where its arguments do not fit it: a filter that raised would raise in
    the code that logged, so such a record goes on as it came, for logging to report as it does any other."""
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - whatever `msg % args` raises
        return None


def _to_one_line(record: logging.LogRecord, message: str) -> None:
    """The record as `message` on one line (psycopg's words run over two), without its traceback."""
    record.msg, record.args = " ".join(message.split()), None
    record.exc_info = record.exc_text = None


def database_out_of_reach(error: BaseException | None) -> bool:
    """The error, or one it was raised from or while handling, says the database could not be reached."""
    for _ in range(5):  # a short chain is enough; never loop on a cycle
        if error is None:
            return False
        if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
            state = error.sqlstate
            return state is None or state.startswith("08") or state in SERVER_GOING_OR_COMING
        error = error.__cause__ or error.__context__
    return False


class DatabaseOutOfReachInOneLine(logging.Filter):
    """While the database cannot be reached (a restart, a failover), every request answers 503 and every
    /health/ probe fails, and each was logged with the connection error's traceback, about a hundred lines a
    request, burying anything else. Such a record keeps its line, with the error's first line added."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if database_out_of_reach(error) and (message := _message(record)) is not None:
            reason = (str(error).strip() or type(error).__name__).splitlines()[0]
            if reason not in message:
                message = f"{message} (database out of reach: {reason})"
            _to_one_line(record, message)
        return True

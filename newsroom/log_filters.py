"""Filters for the console log (settings.LOGGING)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer (a refused permission, a bad request) is the client's doing, not a fault of the site:
    Django logs it with the exception's traceback, which buried the real errors under a reporter's every
    click on a page of the editors'. Its line stays; a 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True

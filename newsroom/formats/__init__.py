"""Date and time formats of our own (FORMAT_MODULE_PATH), over Django's for the language."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def moment(value: datetime) -> str:
    """A moment as staff read it: the newsroom's zone, the house format ("Fri 27 Nov 2026, 14:09 UTC")."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")

"""Date and time formats of our own (FORMAT_MODULE_PATH), over Django's for the language."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince


def moment(value: datetime) -> str:
    """A moment as staff read it: the newsroom's zone, the house format ("Fri 27 Nov 2026, 14:09 UTC")."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def ago(value: datetime) -> str:
    """How long ago, in Django's timesince words ("5 minutes ago"), but "just now" in the last minute, for
    which timesince says "0 minutes" (the desk, the comment queue and the held-comments digest)."""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value)} ago"

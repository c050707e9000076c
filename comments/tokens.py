"""Signed, expiring links. They carry a random key or an id, never an email address."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsroom.comments.confirm"
MUTE_SALT = "newsroom.comments.mute"
OUTCOME_SALT = "newsroom.comments.outcome"
DATA_SALT = "newsroom.comments.data-request"


def confirm_max_age() -> timedelta:
    return timedelta(days=settings.COMMENTS_CONFIRM_DAYS)


def make(value, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=False)


def read(token: str, salt: str, max_age=None):
    """The signed value, or raise signing.BadSignature (also for an expired link)."""
    return signing.loads(token, salt=salt, max_age=max_age)

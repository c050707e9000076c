"""Path converters shared by the URLconfs."""

from django.urls import register_converter
from django.urls.converters import IntConverter


class RowId(IntConverter):
    """A row's id: at most 18 digits, so a longer number is a 404 from the URLconf, never an overflow in the
    database driver (SQLite refuses a parameter past 2**63 - 1 with an error, not an empty result)."""

    regex = "[0-9]{1,18}"


register_converter(RowId, "id")

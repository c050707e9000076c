"""Article filters; a value that is not valid is a 400, never silently ignored."""

import datetime

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)

from ..models import Article
from .queries import search


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value is None:  # not given
            return None
        if value == "":
            raise forms.ValidationError("Use true or false.", code="invalid")
        lowered = str(value).lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class StrictChoiceField(django_filters.fields.ChoiceField):
    """One of the choices, or no parameter at all: `?status=` is a mistake to report, not "no filter"."""

    def to_python(self, value):
        if value == "":
            names = ", ".join(str(key) for key, _ in self.choices if key)
            raise forms.ValidationError(f"Choose one of: {names}.", code="invalid_choice")
        return super().to_python(value)


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceField


class StrictCharField(forms.CharField):
    """Text, or no parameter at all: `?section=` is a mistake to report, not "every section"."""

    def to_python(self, value):
        if value is not None and not value.strip():  # "" or spaces only
            raise forms.ValidationError("Give a value, or leave the parameter out.", code="required")
        return super().to_python(value)


class StrictCharFilter(django_filters.CharFilter):
    field_class = StrictCharField


class PositiveIdFormField(forms.IntegerField):
    """An id, or no parameter at all: `?article=` is a mistake to report, not "every article"."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)

    def to_python(self, value):
        if value is not None and not str(value).strip():
            raise forms.ValidationError("Give an id, or leave the parameter out.", code="required")
        return super().to_python(value)


# The schema given whole (drf-spectacular takes no help_text beside an override).
@extend_schema_field({"type": "integer", "minimum": 1, "description": "Only those of this article (its id)."})
class ArticleIdFilter(django_filters.Filter):
    """An article's id, for lists of things that belong to an article (comments, shares)."""

    field_class = PositiveIdFormField


class StrictIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """A date and time, or no parameter at all: `?updated_since=` is a mistake to report, not "no filter".
    Without an offset it is read in the site's TIME_ZONE (Django's forms; nothing activates another zone)."""

    def to_python(self, value):
        if value == "":
            raise forms.ValidationError(self.EXPECTED)
        if isinstance(value, str):  # RFC 3339 allows `t` and `z`, which Python reads only as capitals
            value = value.upper()
        try:
            moment = super().to_python(value)
        except forms.ValidationError as error:
            if error.code == "ambiguous_timezone":  # no offset, and the zone's clocks skip or repeat it
                params = {"zone": timezone.get_current_timezone_name(), "plus": "%2B"}
                raise forms.ValidationError(self.CLOCK_CHANGE, params=params) from error
            # `+02:00` typed into a query string arrives as ` 02:00`: a `+` there means a space.
            lost_plus = isinstance(value, str) and " " in value.strip()
            message = self.EXPECTED + (self.PLUS if lost_plus else "")
            raise forms.ValidationError(message, params={"plus": "%2B"}) from error  # `%` formats the message
        if moment is None:
            return None
        try:  # in UTC: PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows (up to ±23:59)
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(self.EXPECTED) from error

    EXPECTED = "Give a date and time in ISO 8601, e.g. 2026-11-01T00:00:00Z."
    PLUS = " A + in a query string is read as a space: send an offset's + as %(plus)s (09:00%(plus)s02:00)."
    CLOCK_CHANGE = (
        "Without an offset this time is read in the site's time zone, %(zone)s, whose clocks change then: "
        "there it happens twice or not at all. Give its offset (send the + as %(plus)s) or the time in UTC "
        "(ending in Z)."
    )


def time_parameter(what: str):
    """What a date-and-time parameter says of itself in the contract (README "REST API" says the same),
    naming the time zone when the contract is made, not when this module is imported."""
    return format_lazy(
        "{} ISO 8601, e.g. 2026-11-01T00:00:00Z. Without an offset (2026-11-01T09:00, or a date alone: its "
        "midnight) it is read in the site's time zone, {}. In a query string send an offset's `+` as `%2B` "
        "(`09:00%2B02:00`): a `+` is read as a space, and refused.",
        what,
        lazy(lambda: settings.TIME_ZONE, str)(),
    )


class StrictIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StrictIsoDateTimeField


class ArticleFilter(django_filters.FilterSet):
    section = StrictCharFilter(field_name="section__slug", max_length=80, help_text="Section slug.")
    tag = StrictCharFilter(field_name="tags__slug", max_length=60, help_text="Tag slug.")
    author = StrictCharFilter(field_name="bylines__author__slug", max_length=140, help_text="Author slug.")
    published_after = StrictIsoDateTimeFilter(
        field_name="published_at",
        lookup_expr="gte",
        help_text=time_parameter("Articles published at or after it."),
    )
    published_before = StrictIsoDateTimeFilter(
        field_name="published_at",
        lookup_expr="lt",
        help_text=time_parameter("Articles published before it."),
    )
    updated_since = StrictIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=time_parameter(
            "Articles changed at or after it: the article, or (a published one) what it shows of its "
            'section, tags, authors, lead image or "Read more" articles (not its comment count). Articles '
            "that left the site are in `articles/removed/`."
        ),
    )
    featured = StrictBooleanFilter(field_name="is_featured", help_text="`true` or `false`.")
    breaking = StrictBooleanFilter(field_name="is_breaking", help_text="`true` or `false`.")
    status = StrictChoiceFilter(
        choices=Article.Status.choices,
        help_text="Workflow state; only staff see states other than published.",
    )
    q = StrictCharFilter(
        method="search",
        max_length=200,
        help_text='Full-text search of headline, standfirst, body, bylines and tags ("a phrase", or, -word).',
    )

    class Meta:
        model = Article
        fields = []

    def search(self, queryset, name, value):
        return search(queryset, value)

"""What every ModelAdmin of ours shares (the apps' admin modules register them)."""

from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import BadRequest

# The date hierarchy's parameters and the most digits each can hold.
DATE_PARTS = {"__year": 4, "__month": 2, "__day": 2}


class StrictInputMixin:
    """Whatever is typed or crafted into an admin address gets an answer, never a database error.

    A NUL byte (PostgreSQL refuses one in any text) is dropped from search terms, in lists, autocompletes
    and the image picker alike, and refused (400) in a list's filters; so are a date beyond year 9999 and
    regular-expression lookups (`?headline__regex=(`), which no admin link offers."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.endswith(("__regex", "__iregex")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        for name, values in request.GET.lists():
            if name != SEARCH_VAR and any("\x00" in value for value in values):
                raise BadRequest(f"The filter {name} holds a NUL character.")
            digits = next((n for part, n in DATE_PARTS.items() if name.endswith(part)), None)
            if digits and any(len(value) > digits for value in values):
                raise BadRequest(f"The date filter {name} is out of range.")
        return super().changelist_view(request, extra_context)

"""What every ModelAdmin of ours shares (the apps' admin modules register them)."""


class StrictInputMixin:
    """Whatever is typed or crafted into an admin address gets an answer, never a database error: a NUL byte
    (PostgreSQL refuses one in any text) is dropped from search terms, in lists, autocompletes and the image
    picker alike, and regular-expression lookups (`?headline__regex=(`), which no admin link offers, are
    refused as the admin refuses any lookup it does not allow (400)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.endswith(("__regex", "__iregex")):
            return False
        return super().lookup_allowed(lookup, value, request)

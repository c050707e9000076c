"""API throttles, in a module of their own: DRF imports them from the settings while it is being imported.

Rates are read when a request comes (so tests and settings can change them); clients are told apart by
newsroom.security.client_ip (REMOTE_ADDR, or the address NUM_PROXIES proxies from the end of X-Forwarded-For),
so a client cannot reset its count by sending a header of its own. SearchThrottle serves the reader site's
search page (a plain Django view) with the same machinery.
"""

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from newsroom.security import client_ip


def _rate(value):
    """A rate like "120/minute"; "off" (or nothing) for no limit at all (the load benchmark uses it)."""
    return None if not value or value == "off" else value


class _SettingsRate:
    def get_rate(self):
        return _rate(api_settings.DEFAULT_THROTTLE_RATES.get(self.scope))

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def wait(self):
        """Until enough requests leave the window to let one more in. DRF's answer is None (so the 429 had
        no Retry-After) when more are on record than the rate allows now: after it was lowered, say, and the
        processes restarted with the counts kept in Redis."""
        if self.history and len(self.history) >= self.num_requests:
            return max(self.duration - (self.now - self.history[self.num_requests - 1]), 0)
        return super().wait()


class AnonymousThrottle(_SettingsRate, AnonRateThrottle):
    scope = "anon"


class StaffThrottle(_SettingsRate, UserRateThrottle):
    """Signed-in clients, by account; anonymous ones are AnonymousThrottle's alone (DRF's user throttle would
    count them by address too, under the signed-in rate)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class CommentPostThrottle(_SettingsRate, SimpleRateThrottle):
    """Comment posts per client address, on top of the comments app's flood rule. Staff and moderators
    are not counted, as that rule does not count them (comments.moderation.is_exempt): a newsroom's own
    people answering readers share one office address."""

    scope = "comments"

    def get_cache_key(self, request, view):
        from comments.moderation import is_exempt

        if is_exempt(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _SiteThrottle(SimpleRateThrottle):
    """A reader-site view's limit per client address, at the rate the setting `rate_setting` names."""

    rate_setting = ""

    def get_rate(self):
        return _rate(getattr(settings, self.rate_setting))

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SearchThrottle(_SiteThrottle):
    """Reader searches per client address: each one is a full-text query, so a flood costs the database."""

    scope, rate_setting = "search", "SEARCH_RATE"


class DataRequestThrottle(_SiteThrottle):
    """Export and erasure requests per client address: each may mail a commenter, so the form must not
    become a way to fill a stranger's inbox (on top of one link per address per 15 minutes)."""

    scope, rate_setting = "data_request", "COMMENTS_DATA_REQUEST_RATE"


class BadTokenThrottle(_SettingsRate, SimpleRateThrottle):
    """Wrong API tokens per client address (newsroom/authentication.py): only failures are recorded."""

    scope = "bad_token"

    def __init__(self, request):
        super().__init__()
        self.request = request
        self.key = self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _recent(self):
        self.now = self.timer()
        self.history = [at for at in self.cache.get(self.key, []) if at > self.now - self.duration]
        return self.history

    def exhausted(self) -> bool:
        return self.rate is not None and len(self._recent()) >= self.num_requests

    def record_failure(self) -> None:
        if self.rate is not None:
            self._recent().insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)

"""API throttles, in a module of their own: DRF imports them from the settings while it is being imported.

Rates are read when a request comes (so tests and settings can change them); clients are told apart by
REMOTE_ADDR, or by the address NUM_PROXIES proxies from the end of X-Forwarded-For, so a client cannot reset
its count by sending a header of its own.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _SettingsRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_SettingsRate, AnonRateThrottle):
    scope = "anon"


class StaffThrottle(_SettingsRate, UserRateThrottle):
    scope = "user"


class CommentPostThrottle(_SettingsRate, SimpleRateThrottle):
    """Comment posts per client address, signed in or not, on top of the comments app's flood rule."""

    scope = "comments"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

"""API token authentication that meters wrong tokens.

DRF authenticates before it throttles: a request with a wrong token is a 401 that no throttle ever counts,
so a client could send them without limit, each one a database lookup, and skip the anonymous limit that
way. Here wrong tokens are counted per client address (`API_BAD_TOKEN_RATE`); past the limit the address
gets 429 with Retry-After before any lookup, until the window has passed.
"""

from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from newsroom.throttles import BadTokenThrottle


class MeteredTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        throttle = BadTokenThrottle(self._request)
        if throttle.exhausted():
            raise Throttled(wait=throttle.wait())
        try:
            return super().authenticate_credentials(key)
        except AuthenticationFailed:
            throttle.record_failure()
            raise

    def authenticate(self, request):
        self._request = request  # authenticate_credentials is given only the key
        # `Bearer <key>` as well as DRF's `Token <key>`: most HTTP clients and tools send Bearer, and the
        # request was read as anonymous, a 200 with public data that hid the mistake.
        header = get_authorization_header(request).split()
        if header and header[0].lower() == b"bearer":
            self.keyword = "Bearer"  # this request's authenticator only: DRF makes one per request
        return super().authenticate(request)

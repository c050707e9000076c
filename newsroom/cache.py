"""The Redis cache (CACHE_URL), made optional: while Redis is out of reach the site runs as if it had none.

Everything that uses the default cache (the page cache, its versions and the navigation, the API, search and
comment rate limits) treats a missing value as "not cached" or "nothing counted yet", so a failed read is
answered as a miss and a failed write is skipped: readers get freshly rendered pages and nobody is
rate-limited by a count that cannot be read. A warning is logged when Redis goes away and a line when it is
back; in between, Redis is not asked again for RETRY_SECONDS at a time, so a Redis that hangs (rather than
refusing at once) costs one socket timeout per process now and then, not one per cache call. Back in reach, it
writes RECOVERY_KEY, which drops every cached page and fragment stored before (their freshness bumps may
have been lost meanwhile, if Redis kept its data through a network partition).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0
# A local Redis answers in well under a millisecond; without these, redis-py waits 5 s for a hung one.
DEFAULT_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class _Outage:
    """This process's view of one Redis: since when it has been failing, and when to try it again."""

    def __init__(self):
        self.since: float | None = None
        self.retry_at = 0.0

    def skipping(self) -> bool:
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
            logger.warning(
                "Cache unavailable (%s: %s); serving without it, trying again every %.0f s.",
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )
        self.retry_at = now + RETRY_SECONDS

    def succeeded(self) -> None:
        if self.since is not None:
            logger.info("Cache available again after %.1f s.", time.monotonic() - self.since)
            self.since = None


# Shared by every thread's client of the same servers: one warning and one timeout per outage and process.
_outages: dict[tuple, _Outage] = {}


class FailOpenRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, on_recovery=None, **options):
        super().__init__(servers, **options)
        self._outage = _outages.setdefault(tuple(servers), _Outage())
        self._on_recovery = on_recovery
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """One redis-py client per server, reused: Django makes a new one for every call, and making one
        (its table of reply callbacks) cost more than the call itself on a page with a few cache reads."""
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = super().get_client(key, write=write)
        return self._clients[index]

    def _call(self, fallback, method, *args):
        if self._outage.skipping():
            return fallback
        try:
            result = method(*args)
        except UNREACHABLE as error:
            self._outage.failed(error)
            return fallback
        if self._outage.since is not None:
            self._outage.succeeded()
            if self._on_recovery:
                self._on_recovery()
        return result

    def get(self, key, default):
        return self._call(default, super().get, key, default)

    def get_many(self, keys):
        return self._call({}, super().get_many, keys)

    def has_key(self, key):
        return self._call(False, super().has_key, key)

    def add(self, key, value, timeout):
        return self._call(False, super().add, key, value, timeout)

    def set(self, key, value, timeout):
        return self._call(None, super().set, key, value, timeout)

    def set_many(self, data, timeout):
        return self._call(None, super().set_many, data, timeout)

    def touch(self, key, timeout):
        return self._call(False, super().touch, key, timeout)

    def delete(self, key):
        return self._call(False, super().delete, key)

    def delete_many(self, keys):
        return self._call(None, super().delete_many, keys)

    def incr(self, key, delta):
        result = self._call(None, super().incr, key, delta)
        if result is None:  # what Django's caches say of a key they do not hold; callers handle it
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def clear(self):
        return self._call(False, super().clear)


# Written when a process reaches Redis again after failing to: the writes it skipped meanwhile (the page
# cache's version bumps, say) are lost, so what was stored before may be stale. It is the version of
# newsroom/page_cache.py's RECOVERY_DEP, on which every cached page and fragment depends.
RECOVERY_KEY = "pagever:cache-recovered"


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, failing open, with short socket timeouts (CACHE_URL options may change them)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient
        self._options = {**DEFAULT_TIMEOUTS, **self._options, "on_recovery": self._recovered}

    def make_and_validate_key(self, key, version=None):
        """The key, without Django's check that it would suit memcached (a scan of every character, for
        every key of every read): Redis takes any key, and ours are made by our own code."""
        return self.make_key(key, version=version)

    def _recovered(self):
        self.set(RECOVERY_KEY, str(time.time_ns()), timeout=None)

    def ping(self) -> None:
        """Ask Redis itself, past the failing open, for the health check (newsroom/health.py): raises while
        Redis is out of reach, where every other call quietly answers as a miss."""
        self._cache.get_client(write=True).ping()

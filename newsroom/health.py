"""Health checks, through django-watchman (settings: WATCHMAN_CHECKS).

- /health/ answers a load balancer or an uptime monitor: 200, or 503 while the database is out of reach, with
  no body. Only the database counts there: without Redis the site serves uncached (newsroom/cache.py), and
  without the broker the sweepers queue the mail and the shares once it is back, so neither outage is a reason
  to take a server out of rotation.
  It is answered ahead of the other middleware (HealthFirst), whatever the Host header: a load balancer
  probes a server by its own address, which is not among ALLOWED_HOSTS, and got a 400 for every probe.
- /health/status/ (administrators, newsroom.users.for_administrators) and `manage.py watchman` check the
  database, the cache and the broker, and say which one failed and how (its traceback, which names internal
  hosts and files).
"""

from django.core.cache import cache as default_cache
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from watchman import checks
from watchman.decorators import check


@check
def _cache_answers():
    ping = getattr(default_cache, "ping", None)  # Redis; the local-memory cache of `make run` is in-process
    if ping is not None:
        ping()
    return {"ok": True}


def cache():
    """The default cache, asked past its failing open: a Redis out of reach fails here, not as misses."""
    return {"cache": _cache_answers()}


@check
def _broker_answers():
    from newsroom.celery import quick_connection

    with quick_connection() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    return {"ok": True}


def broker():
    """Celery's broker, within about a second: the one a request queues mail and shares on."""
    return {"broker": _broker_answers()}


def statuses(report: dict):
    """(name, status) for each service in a check's report: `{"cache": {...}}`, or a list of them by alias
    (`{"databases": [{"default": {...}}]}`)."""
    for kind, value in report.items():
        if isinstance(value, list):
            for entry in value:
                for alias, status in entry.items():
                    yield f"{kind} {alias}", status
        else:
            yield kind, value


@never_cache
def serving(request):
    """200 while this server can serve pages (its database answers), 503 otherwise; no body."""
    ok = all(status["ok"] for _, status in statuses(checks.databases()))
    return HttpResponse(status=200 if ok else 503, content_type="text/plain")


class HealthFirst:
    """Answers GET and HEAD /health/ before any other middleware: before the Host header is checked
    (CommonMiddleware), the redirect to https and the sessions. The answer holds nothing that depends on
    the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/health/" and request.method in ("GET", "HEAD"):
            return serving(request)
        return self.get_response(request)

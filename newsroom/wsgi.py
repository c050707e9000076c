import os
import sys

# docutils comes installed with django-comments-xtd, which never uses it; Django's admindocs, which DRF's
# schema module imports, loads it whenever it can, and nothing of ours renders reStructuredText. Kept out of
# the web process it is 2.3 MB less in every worker (bench/README.md).
sys.modules.setdefault("docutils", None)

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after the line above

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django_application = get_wsgi_application()

from newsroom.page_cache import RecentPages  # noqa: E402 - needs the settings configured above


class HeadWithoutBody:
    """WSGI: a HEAD gets the headers of its GET and no body. Django sends the body all the same, and gunicorn
    drops it with a warning in the log for every HEAD (an uptime monitor's, a link checker's)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        response = self.application(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return response
        if hasattr(response, "close"):
            response.close()  # what iterating to the end would have done: Django's request_finished
        return []


# Pages the page cache answered a moment ago are answered again before Django (newsroom/page_cache.py).
application = HeadWithoutBody(RecentPages(django_application))


def load_what_the_first_requests_would():
    """The URLconf and every view behind it, the Redis client and the page templates, loaded at start-up
    rather than on each worker's first requests. Under gunicorn's preload this happens once, in the
    arbiter, and the workers share those pages instead of each making a copy of its own."""
    import redis  # noqa: F401 - the cache's client, imported on the first cache read otherwise
    from django.template.loader import get_template
    from django.urls import get_resolver

    _ = get_resolver().url_patterns
    for name in ("home", "article", "section", "tag", "search"):
        get_template(f"articles/{name}.html")


load_what_the_first_requests_would()

import sys

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.middleware import csrf
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.views.csrf import csrf_failure as django_csrf_failure


def _missing_or_stale_token(reason: str) -> bool:
    """The check failed on the token or its cookie (a form from a cached page, an old tab), not because the
    post came from another site: a foreign Origin or Referer fails before the token is looked at."""
    return reason == csrf.REASON_NO_CSRF_COOKIE or reason.startswith("CSRF token")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a reader's comment that lacked only a current token keeps its text (comments.views);
    the rest get Django's view, which renders our templates/403_csrf.html (what happened, and how to keep the
    text) with the request. A post from another site is never offered back ready to send: that would turn a
    forged comment into one click on our own page."""
    try:
        is_comment_post = resolve(request.path_info).url_name == "comments-post"
    except Resolver404:
        is_comment_post = False
    if is_comment_post and _missing_or_stale_token(reason):
        from comments.views import resend_after_csrf_failure

        return resend_after_csrf_failure(request)
    return django_csrf_failure(request, reason=reason)


def seconds_to_wait(throttle) -> int:
    """How long a refused client waits, for Retry-After (a whole second at least)."""
    return max(1, int(throttle.wait() or 1))


def wait_in_words(seconds: int) -> str:
    """A wait as a reader reads it, in whole minutes rounded up: "a minute", "about 7 minutes"."""
    minutes = -(-seconds // 60)
    return "a minute" if minutes == 1 else f"about {minutes} minutes"


def throttled(request, throttle, view=None):
    """The site's 429 page, with Retry-After, when `throttle` refuses this request; None when it allows it."""
    if throttle.allow_request(request, view):
        return None
    wait = seconds_to_wait(throttle)
    response = render(request, "429.html", {"retry_after": wait}, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "private, no-store"
    return response


# While the database is unreachable (a restart, a failover) every request that needs it fails with one of
# these; CONN_HEALTH_CHECKS reconnects on the first request after it is back, so the failure is temporary.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def _database_unavailable(error) -> bool:
    """The error, or one it was raised from or while handling, says the database could not be reached."""
    for _ in range(5):  # a short chain is enough; never loop on a cycle
        if error is None:
            return False
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """handler500: a 503 with Retry-After while the database is out of reach, so clients and proxies retry
    instead of seeing a failure; anything else is the 500 page. Both in the JSON error format under /api/."""
    # The error pages take nothing from the request or the database: the site's name from the settings.
    context = {"SITE_NAME": settings.SITE_NAME}
    if not _database_unavailable(sys.exc_info()[1]):
        if request.path_info.startswith("/api/"):
            body = {"code": "server_error", "message": "Something went wrong on our side.", "errors": {}}
            return JsonResponse(body, status=500)
        return HttpResponseServerError(loader.get_template("500.html").render(context))
    if request.path_info.startswith("/api/"):
        body = {
            "code": "unavailable",
            "message": f"The service is briefly unavailable; retry in {RETRY_AFTER_SECONDS} seconds.",
            "errors": {},
        }
        response = JsonResponse(body, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


# What Django refuses unread when a form is bigger than its limits (DATA_UPLOAD_MAX_MEMORY_SIZE and the
# number of fields or files): a 413 that says so, rather than the bare 400 Django answers for every refusal.
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request, exception):
    """handler400: the site's page (the JSON error format under /api/), never cached. A body over the limits
    is a 413 saying that nothing of it was read or saved: an editor's too-long story is still in the form
    they sent it from."""
    too_large = isinstance(exception, TOO_LARGE)
    status = 413 if too_large else 400
    if request.path_info.startswith("/api/"):
        from newsroom.api import PayloadTooLarge

        message = PayloadTooLarge.default_detail if too_large else "The request could not be understood."
        body = {"code": "too_large" if too_large else "bad_request", "message": message, "errors": {}}
        response = JsonResponse(body, status=status)
    else:
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        template = "413.html" if too_large else "400.html"
        response = render(request, template, {"limit_mb": limit_mb}, status=status)
    add_never_cache_headers(response)
    return response


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" shortcut (/admin/r/<type>/<id>/), which Django gives any staff member for
    any object: a moderator could read a draft's address from its redirect. Here it answers only for an
    object the user may view in the admin, and only where that admin offers the link (an article once it
    is published)."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model_admin = admin.site._registry.get(content_type.model_class()) if content_type else None
    obj = model_admin.get_object(request, object_id) if model_admin else None
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404("Nothing to view on the site.")
    if callable(model_admin.view_on_site):  # the admin decides (ArticleAdmin: published articles only)
        url = model_admin.get_view_on_site_url(obj)
        if not url:
            raise Http404("Nothing to view on the site.")
        return HttpResponseRedirect(url)
    if not model_admin.view_on_site:
        raise Http404("Nothing to view on the site.")
    return shortcut(request, content_type_id, object_id)

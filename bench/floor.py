"""The floor: the fastest a Django page can be here. One view returning a fixed 40 KB HTML page, no
middleware, no database, served by the same gunicorn settings as the site (`gunicorn bench.floor`)."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

PARAGRAPH = "<p>" + "The harbour board met again on Tuesday to discuss the ferry timetable. " * 8 + "</p>\n"
PAGE = ("<!DOCTYPE html><html lang='en'><head><title>Floor</title></head><body>\n" + PARAGRAPH * 72)[:40_950]
PAGE = (PAGE + "</body></html>\n").encode()


def floor(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="floor-only-not-secret-0123456789-0123456789",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )

urlpatterns = [path("", floor)]
application = get_wsgi_application()

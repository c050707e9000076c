"""The site's URLs plus uploaded media, which the live test server does not serve on its own."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from newsroom.urls import urlpatterns as site_urlpatterns


def media(request, path):
    """Reads MEDIA_ROOT per request: each test keeps its uploads in its own temporary folder."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.+)$", media), *site_urlpatterns]

"""The API's content negotiation (REST_FRAMEWORK's DEFAULT_CONTENT_NEGOTIATION_CLASS), in a module of its
own: DRF loads it while it defines APIView, so it must not import DRF's views (newsroom/api.py does)."""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """A `?format=` no renderer answers to is a 406 that names the ones there are, not DRF's bare 404 (which
    reads as "no such article"). A format suffix in the path (`/articles/12.xml`) stays a 404: that address
    is not one of ours."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            if format_suffix:
                raise
            # Each once: the schema has two renderers a format (YAML and JSON, under two media types each).
            formats = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise exceptions.NotAcceptable(
                f"There is no format {request.query_params.get('format')!r} here; formats: {formats}."
            ) from None

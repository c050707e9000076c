"""A request body sent without a Content-Length (`Transfer-Encoding: chunked`) is refused with 411.

Django reads a body only as far as CONTENT_LENGTH says, and without one it reads nothing: a chunked PATCH
answered 200 having saved nothing, a chunked POST "field required". The body is refused rather than read:
what a chunked wsgi.input holds depends on the server (gunicorn hands over a dechunking reader, Django's
runserver the raw socket with the chunk framing in it), and reading it ourselves would go round the size
limits that Django and the API's parser check against Content-Length before reading a byte. Every HTTP
client can send a Content-Length, and RFC 9110 gives 411 for a server that needs one.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

# The methods whose bodies are read here; a body on any other is ignored, chunked or not.
METHODS_WITH_A_BODY = {"POST", "PUT", "PATCH"}

MESSAGE = (
    "Send the request body with a Content-Length header; a body sent without one "
    "(Transfer-Encoding: chunked) is not read, and nothing was saved."
)


def sent_without_length(request) -> bool:
    meta = request.META
    return (
        request.method in METHODS_WITH_A_BODY
        and bool(meta.get("HTTP_TRANSFER_ENCODING", "").strip())
        and not meta.get("CONTENT_LENGTH")
    )


class LengthRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not sent_without_length(request):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"code": "length_required", "message": MESSAGE, "errors": {}}, status=411)
        else:
            response = render(request, "411.html", status=411)
        add_never_cache_headers(response)
        return response

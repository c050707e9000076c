"""A HEAD gets its GET's headers and no body from the WSGI application itself (newsroom/wsgi.py): gunicorn
(`make serve`) logged "WSGI app sent body bytes on a no-body response" for every one, dropping what Django
sent. robots.txt and /comments/my-data/ (linked under every comment thread) refused HEAD with 405, which
RFC 9110 asks every server to take where it takes GET."""

import io

import pytest

from newsroom.wsgi import application


def call(method, path):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    body = application(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return started["status"], started["headers"], content


@pytest.mark.parametrize("path", ["/", "/feed/", "/api/v1/articles/", "/robots.txt", "/comments/my-data/"])
def test_a_head_is_answered_with_the_headers_of_its_get_and_no_body(db, wsgi_in_test_transaction, path):
    get_status, get_headers, get_content = call("GET", path)
    head_status, head_headers, head_content = call("HEAD", path)

    assert get_status == head_status == "200 OK" and get_content
    assert head_content == b""
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
    if "Content-Length" in head_headers:
        assert head_headers["Content-Length"] == str(len(get_content))

"""Security headers: HTTPS behind a proxy, framing, sniffing, referrers, CSP and Permissions-Policy."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's anonymous throttle counts in the cache that earlier tests used; start from none."""
    cache.clear()


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.fixture
def article():
    return ArticleFactory(published=True)


def test_an_article_page_forbids_inline_script_and_style(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    # Nothing inline that the policy would block: no script but our files (and JSON-LD, which no browser
    # runs), no <style>, no style="" and no on...="" handler on any element.
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    scripts = soup.find_all("script")
    assert scripts and all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    assert not soup.find_all("style")
    attributes = [(tag.name, name) for tag in soup.find_all(True) for name in tag.attrs]
    assert [(tag, name) for tag, name in attributes if name == "style" or name.startswith("on")] == []


@pytest.mark.parametrize("path", ["/", "/search/?q=ferry", "/feed/", "/api/v1/sections/"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions


def test_admin_and_api_docs_allow_inline_styles_but_never_inline_script(client, editor):
    client.force_login(editor)
    for path in ("/admin/", "/api/docs/", "/api/docs/redoc/", "/api/v1/sections/?format=api"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], path
        assert policy["frame-ancestors"] == ["'none'"], path


def test_swagger_ui_starts_from_a_script_file_not_an_inline_script(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and 'src="/api/docs/?script="' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content
    redoc = client.get("/api/docs/redoc/").content.decode()
    assert "<script>" not in redoc and "fonts.googleapis.com" not in redoc


@pytest.fixture
def https_behind_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


def test_behind_the_tls_proxy_http_is_redirected_and_https_is_served_with_hsts(client, https_behind_proxy):
    plain = client.get("/search/", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/search/"
    secure = client.get("/search/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_secure_cookies_behind_the_proxy(client, https_behind_proxy):
    response = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] is True

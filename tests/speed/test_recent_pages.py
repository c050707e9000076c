"""RecentPages: a page the cache answered a moment ago is answered again in front of Django, and nothing
else is: not another host, a conditional request, a logged-in reader, a HEAD, or a page changed since."""

import time

import pytest
from django.core.signals import request_started
from django.test import RequestFactory

from articles import services
from newsroom import page_cache
from newsroom.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings, fresh_cache, wsgi_in_test_transaction):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_LOCAL_SECONDS = 5
    page_cache._local.clear()
    yield
    page_cache._local.clear()


@pytest.fixture
def story(plain_newsroom):
    return plain_newsroom["articles"][0]


@pytest.fixture
def django_requests():
    """The requests that reached Django's handler."""
    seen = []

    def count(sender, environ, **kwargs):
        seen.append(environ["PATH_INFO"])

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


class Answer:
    def __init__(self, environ):
        self.status, self.headers = None, None
        self.body = b"".join(application(environ, self.start_response))

    def start_response(self, status, headers, exc_info=None):
        self.status, self.headers = status, dict(headers)


def wsgi(path, method="GET", **headers):
    """`path` through the site's WSGI application, as gunicorn calls it."""
    return Answer(getattr(RequestFactory(), method.lower())(path, **headers).environ)


def remembered(path):
    """The page stored (the first request) and answered from the cache (the second): now in memory."""
    assert wsgi(path).headers["X-Page-Cache"] == "miss"
    assert wsgi(path).headers["X-Page-Cache"] == "hit"


def test_a_page_answered_a_moment_ago_is_answered_again_before_django(story, django_requests):
    url = story.get_absolute_url()
    remembered(url)
    from_django = wsgi(url)
    django_requests.clear()

    again = wsgi(url)

    assert django_requests == []
    assert again.status == "200 OK"
    assert again.body == from_django.body and story.headline in again.body.decode()
    assert again.headers == from_django.headers  # the security headers, ETag, Vary and "hit" included
    assert again.headers["X-Page-Cache"] == "hit" and again.headers["Vary"] == "Cookie"
    assert "script-src 'self'" in again.headers["Content-Security-Policy"]


def test_a_change_is_shown_at_once(story, editor, django_requests):
    url = story.get_absolute_url()
    remembered(url)
    story.headline = "Ferry timetable rewritten for the winter"
    story.save()
    django_requests.clear()

    answer = wsgi(url)

    assert django_requests == [url]
    assert answer.headers["X-Page-Cache"] == "miss"
    assert "Ferry timetable rewritten for the winter" in answer.body.decode()

    assert wsgi(url).headers["X-Page-Cache"] == "hit"  # kept in memory again
    services.unpublish_article(article=story, by=editor)
    assert wsgi(url).status.startswith("410")  # gone from the site


def test_an_expired_copy_goes_back_to_django(story, settings, django_requests):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.2
    url = story.get_absolute_url()
    remembered(url)
    time.sleep(0.25)
    django_requests.clear()
    assert wsgi(url).headers["X-Page-Cache"] == "hit"  # from the shared cache, through Django
    assert django_requests == [url]


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("GET", {"HTTP_HOST": "attacker.example"}, "400"),  # Django refuses a host it does not serve
        ("GET", {"HTTP_IF_NONE_MATCH": "*"}, "304"),
        ("HEAD", {}, "200"),
        ("GET", {"QUERY_STRING": "utm_source=feed"}, "200"),
    ],
)
def test_anything_but_the_same_plain_get_goes_to_django(story, django_requests, method, headers, status):
    url = story.get_absolute_url()
    remembered(url)
    django_requests.clear()

    answer = wsgi(url, method, **headers)

    assert django_requests == [url]
    assert answer.status.startswith(status)


def test_a_reader_with_a_session_goes_to_django_and_gets_a_fresh_page(story, django_requests, settings):
    url = story.get_absolute_url()
    remembered(url)
    django_requests.clear()

    answer = wsgi(url, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc123; csrftoken=x")

    assert django_requests == [url]
    assert answer.status == "200 OK" and "X-Page-Cache" not in answer.headers
    # A page of its own, with its token, not the shared one.
    assert 'name="csrfmiddlewaretoken" value="' in answer.body.decode()

    other_cookies = wsgi(url, HTTP_COOKIE="csrftoken=x; theme=dark")
    assert other_cookies.headers["X-Page-Cache"] == "hit" and django_requests == [url]


def test_with_the_page_cache_off_nothing_is_answered_from_memory(story, settings, django_requests):
    url = story.get_absolute_url()
    remembered(url)
    settings.PAGE_CACHE_SECONDS = 0
    django_requests.clear()

    answer = wsgi(url)

    assert django_requests == [url] and "X-Page-Cache" not in answer.headers

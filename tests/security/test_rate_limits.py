"""Comment posting, search and anonymous API use are limited per client address, and a forged
X-Forwarded-For neither resets a count nor names another client: only NUM_PROXIES proxies are believed."""

import pytest
from django.core.cache import cache
from django.test import Client

from comments.models import PendingComment
from newsroom.security import client_ip
from tests.comments.conftest import form_fields
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _counts_start_at_zero(settings):
    settings.SEARCH_RATE = "3/minute"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/minute"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy of ours: the header is the client's own words
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # our proxy appended the last entry
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "not-an-address", "10.0.0.1"),
        (3, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the first is the client
    ],
)
def test_client_ip_believes_only_our_proxies(rf, settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == expected


def search(client, n, **headers):
    return client.get("/search/", {"q": f"harbour {n}"}, **headers)


def test_the_fourth_search_in_a_minute_is_refused_whatever_the_forwarded_header_says(client):
    for n in range(3):
        assert search(client, n, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code == 200
    refused = search(client, 9, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0 and b"Too many requests" in refused.content
    assert refused["Cache-Control"] == "private, no-store"
    assert search(client, 10, REMOTE_ADDR="192.0.2.50").status_code == 200  # another reader
    assert client.get("/search/").status_code == 200  # the empty search page costs nothing


def test_behind_one_proxy_searches_count_by_the_address_it_saw(client, settings):
    settings.NUM_PROXIES = 1
    for n in range(3):
        assert search(client, n, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.7").status_code == 200
    assert search(client, 3, HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.7").status_code == 429
    assert search(client, 4, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_anonymous_api_use_is_counted_by_address_not_by_forwarded_header(client):
    for n in range(3):
        assert client.get("/api/v1/sections/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code == 200
    assert client.get("/api/v1/sections/", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


@pytest.fixture
def article(settings):
    settings.COMMENTS_FLOOD_SECONDS = 15
    settings.COMMENTS_HOLD_FIRST_TIME = False
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return ArticleFactory(published=True)


def post_comment(client, article, email, **headers):
    fields = form_fields(client.get(article.get_absolute_url()).content.decode())
    fields |= {"name": "Ada Reader", "email": email, "url": "", "comment": f"A point from {email}."}
    return client.post("/comments/post/", fields, follow=True, **headers)


def test_a_forged_forwarded_header_does_not_beat_the_comment_flood_rule(article):
    client = Client(enforce_csrf_checks=True)
    first = post_comment(client, article, "one@example.net", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert first.status_code == 200 and PendingComment.objects.count() == 1
    second = post_comment(client, article, "two@example.net", HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert second.status_code == 429
    assert PendingComment.objects.count() == 1
    other = post_comment(client, article, "three@example.net", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200 and PendingComment.objects.count() == 2


def test_a_forged_forwarded_header_does_not_beat_the_flood_rule_through_the_api(article):
    client = Client()
    url = f"/api/v1/articles/{article.pk}/comments/"

    def post(n, **headers):
        body = {"name": "Sam", "email": f"s{n}@example.org", "comment": f"Comment {n}"}
        return client.post(url, body, content_type="application/json", **headers)

    assert post(1, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 202
    assert post(2, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 429
    assert PendingComment.objects.count() == 1
    assert PendingComment.objects.get().ip_address == "127.0.0.1"


def test_wrong_api_tokens_are_counted_per_address_and_a_right_one_still_works(
    settings, django_assert_num_queries
):
    """DRF answers a wrong token with a 401 before any throttle runs; uncounted, they were unlimited."""
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "bad_token": "3/minute",
        },
    }
    good = Token.objects.create(user=UserFactory(is_staff=True)).key
    guesser, other = Client(REMOTE_ADDR="192.0.2.66"), Client(REMOTE_ADDR="192.0.2.77")
    for n in range(3):
        wrong = guesser.get("/api/v1/sections/", HTTP_AUTHORIZATION=f"Token wrong{n}")
        assert wrong.status_code == 401 and wrong.json()["code"] == "authentication_failed"
    with django_assert_num_queries(0):  # refused before the token is looked up
        refused = guesser.get("/api/v1/sections/", HTTP_AUTHORIZATION="Token wrong4")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    # Another address is not held back, and neither is a right token from a good client.
    assert other.get("/api/v1/sections/", HTTP_AUTHORIZATION="Token wrong5").status_code == 401
    assert other.get("/api/v1/sections/", HTTP_AUTHORIZATION=f"Token {good}").status_code == 200

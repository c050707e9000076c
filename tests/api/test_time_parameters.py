"""Date-and-time query parameters: one without an offset is read in the site's TIME_ZONE, and an offset's `+`
must be sent as `%2B` (a raw `+` in a query string is a space); the contract says both."""

from datetime import UTC, datetime

import pytest
from django.conf import settings

from articles.models import RemovedArticle
from tests.factories import ArticleFactory

from .test_bad_input import assert_error

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
REMOVED = "/api/v1/articles/removed/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [entry["id"] for entry in response.json()["results"]]


@pytest.fixture
def athens(settings):
    """UTC+2 in November; its clocks go forward at 03:00 on 29 March 2026 and back at 04:00 on 25 October."""
    settings.TIME_ZONE = "Europe/Athens"


def test_a_time_without_an_offset_is_read_in_the_site_s_time_zone(api, athens):
    before = ArticleFactory(published=True, published_at=datetime(2026, 11, 1, 7, 59, tzinfo=UTC))
    at_ten_in_athens = ArticleFactory(published=True, published_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    athens_midnight = ArticleFactory(published=True, published_at=datetime(2026, 10, 31, 22, 0, tzinfo=UTC))

    assert ids(api.get(f"{LIST}?published_after=2026-11-01T10:00:00")) == [at_ten_in_athens.pk]
    assert ids(api.get(f"{LIST}?published_after=2026-11-01T10:00")) == [at_ten_in_athens.pk]
    assert ids(api.get(f"{LIST}?published_after=2026-11-01T10:00:00%2B02:00")) == [at_ten_in_athens.pk]
    assert ids(api.get(f"{LIST}?published_after=2026-11-01T10:00:00Z")) == []
    assert ids(api.get(f"{LIST}?published_before=2026-11-01T10:00:00")) == [before.pk, athens_midnight.pk]
    # A date alone is its midnight there: 22:00 UTC the day before.
    assert ids(api.get(f"{LIST}?published_after=2026-11-01")) == [
        at_ten_in_athens.pk,
        before.pk,
        athens_midnight.pk,
    ]


def test_removed_since_a_time_without_an_offset_is_read_in_the_site_s_time_zone(api, athens):
    RemovedArticle.objects.create(
        article_id=1, slug="early", removed_at=datetime(2026, 11, 1, 7, 59, tzinfo=UTC)
    )
    RemovedArticle.objects.create(
        article_id=2, slug="late", removed_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    )

    assert ids(api.get(f"{REMOVED}?since=2026-11-01T10:00:00")) == [2]


@pytest.mark.parametrize(
    ("moment", "offset"),
    [("2026-03-29T03:30:00", "%2B03:00"), ("2026-10-25T03:30:00", "%2B02:00")],  # skipped, then twice
)
def test_a_time_the_clocks_skip_or_repeat_asks_for_its_offset(api, athens, moment, offset):
    """Django's own message was replaced by "Give a date and time in ISO 8601", which it is."""
    ArticleFactory(published=True)

    body = assert_error(api.get(f"{LIST}?updated_since={moment}"), 400, "invalid_query")

    [message] = body["errors"]["updated_since"]
    assert "Europe/Athens" in message and "happens twice or not at all" in message
    assert "%2B" in message and "ISO 8601" not in message
    assert api.get(f"{LIST}?updated_since={moment}{offset}").status_code == 200
    assert api.get(f"{LIST}?updated_since={moment}Z").status_code == 200


@pytest.mark.parametrize(
    "value",
    ["2026-11-01T09:00:00+02:00", "2026-11-01T09:00+02", "2026-11-01T09:00:00.5+0200", "2026-11-01T09+02"],
)
@pytest.mark.parametrize(("url", "name"), [(LIST, "updated_since"), (REMOVED, "since")])
def test_an_offset_sent_with_a_raw_plus_is_refused_saying_to_send_2b(api, url, name, value):
    ArticleFactory(published=True)

    body = assert_error(api.get(f"{url}?{name}={value}"), 400, "invalid_query")

    [message] = body["errors"][name]
    assert "send an offset's + as %2B" in message
    assert api.get(f"{url}?{name}={value.replace('+', '%2B')}").status_code == 200


def test_the_contract_says_how_times_are_read(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    described = {
        (path, parameter["name"]): parameter["description"]
        for path in ("/api/v1/articles/", "/api/v1/articles/removed/")
        for parameter in schema["paths"][path]["get"]["parameters"]
    }

    for key in [
        ("/api/v1/articles/", "published_after"),
        ("/api/v1/articles/", "published_before"),
        ("/api/v1/articles/", "updated_since"),
        ("/api/v1/articles/removed/", "since"),
    ]:
        assert f"read in the site's time zone, {settings.TIME_ZONE}" in described[key], key
        assert "`%2B`" in described[key], key


def test_rfc_3339_s_lowercase_t_and_z_are_read_as_their_capitals(api):
    """RFC 3339 allows `t` and `z`; feeds and JavaScript's toISOString() never write them, but some clients
    do."""
    at_eight = ArticleFactory(published=True, published_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    ArticleFactory(published=True, published_at=datetime(2026, 11, 1, 7, 59, tzinfo=UTC))

    assert ids(api.get(f"{LIST}?published_after=2026-11-01t08:00:00z")) == [at_eight.pk]
    assert ids(api.get(f"{LIST}?published_after=2026-11-01T08:00:00z")) == [at_eight.pk]
    assert ids(api.get(f"{REMOVED}?since=2026-11-01t08:00z")) == []
    assert_error(api.get(f"{LIST}?published_after=2026-11-01t25:00:00z"), 400, "invalid_query")

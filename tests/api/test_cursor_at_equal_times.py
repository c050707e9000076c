"""A client walking `articles/` or `articles/removed/` page by page sees every entry once, when entries share
a time (stories scheduled for 10:00, a bulk unpublish) and the page boundary falls between them, and when
one of them leaves or joins the list between two pages: the cursor holds the time and the id."""

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from articles import services
from articles.models import Article, RemovedArticle
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
TEN = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [entry["id"] for entry in response.json()["results"]]


def walk(client, url, link="next") -> list[int]:
    seen = []
    while url:
        response = client.get(url)
        seen += ids(response)
        url = response.json()[link]
    return seen


def stories_at_ten(count):
    """`count` published stories at 10:00 sharp, between one at 10:01 and one at 09:59, newest first."""
    newer = ArticleFactory(published=True, published_at=TEN + timedelta(minutes=1))
    tied = [ArticleFactory(published=True, published_at=TEN) for _ in range(count)]
    older = ArticleFactory(published=True, published_at=TEN - timedelta(minutes=1))
    return [newer.pk, *sorted((a.pk for a in tied), reverse=True), older.pk]


@pytest.mark.parametrize("who", [None, "editor"])
@pytest.mark.parametrize("page_size", [1, 2, 3, 4])
def test_pages_at_one_time_list_every_story_once_forward_and_back(request, api_as, who, page_size):
    order = stories_at_ten(5)
    client = api_as(request.getfixturevalue(who) if who else None)

    forward, url = [], f"{LIST}?page_size={page_size}"
    while url:
        response = client.get(url)
        forward += ids(response)
        last, url = url, response.json()["next"]
    assert forward == order

    # Back from the last page by the `previous` links: each page the one before it, in the same order.
    backward, url = [], last
    while url:
        response = client.get(url)
        backward = ids(response) + backward
        url = response.json()["previous"]
    assert backward == order


def test_a_story_withdrawn_between_two_pages_skips_none_of_the_others(api, editor):
    order = stories_at_ten(4)  # 10:01, then four at 10:00, then 09:59
    first = api.get(f"{LIST}?page_size=3")
    assert ids(first) == order[:3]  # the boundary falls between two stories at 10:00

    # A story already read leaves the site, and one not yet read too.
    services.unpublish_article(article=Article.objects.get(pk=order[1]), by=editor)
    services.unpublish_article(article=Article.objects.get(pk=order[4]), by=editor)

    rest = walk(api, first.json()["next"])
    assert rest == [order[3], order[5]]


def test_a_story_published_at_the_same_time_between_two_pages_repeats_none(api):
    order = stories_at_ten(4)
    first = api.get(f"{LIST}?page_size=3")
    assert ids(first) == order[:3]

    ArticleFactory(published=True, published_at=TEN)  # newest id at 10:00: before the page read, not after

    assert walk(api, first.json()["next"]) == order[3:]


def test_a_time_only_cursor_given_out_before_still_pages(api):
    """Links given out before the cursor held an id: the time and DRF's count of the stories at it."""
    order = stories_at_ten(3)
    cursor = base64.b64encode(urlencode({"o": 1, "p": str(TEN + timedelta(minutes=1))}).encode()).decode()

    assert walk(api, f"{LIST}?page_size=2&cursor={cursor}") == order[2:]


def test_a_page_past_a_cursor_costs_what_the_first_page_costs(api, django_assert_max_num_queries):
    stories_at_ten(5)
    second = api.get(f"{LIST}?page_size=2").json()["next"]
    with django_assert_max_num_queries(3):
        assert len(ids(api.get(second))) == 2


def test_articles_removed_at_one_time_are_each_listed_once(api):
    for article_id in range(1, 8):
        RemovedArticle.objects.create(article_id=article_id, slug=f"story-{article_id}", removed_at=TEN)
    first = api.get("/api/v1/articles/removed/?page_size=3")
    assert ids(first) == [7, 6, 5]

    RemovedArticle.objects.filter(article_id=6).delete()  # published again: it leaves the list

    assert walk(api, first.json()["next"]) == [4, 3, 2, 1]


@pytest.mark.parametrize("position", [f"{TEN}|x", f"{TEN}|-3", f"{TEN}|{'9' * 30}", "yesterday|3", f"{TEN}|"])
def test_a_cursor_with_a_bad_id_is_a_400(api, position):
    ArticleFactory(published=True)
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    response = api.get(f"{LIST}?cursor={cursor}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "cursor": ["This cursor is not valid; use the `next` or `previous` link."]
    }

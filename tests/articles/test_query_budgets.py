"""Every public page costs the same number of SQL queries with 3 articles as with 40."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.site_data import add_articles, build_newsroom

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 40
RICH = {"tags_per_article": 6, "authors_per_article": 3, "related_per_article": 5}

# path (with {article} for the first article's address) -> most queries allowed
BUDGETS = {
    "/": 10,
    "/world/": 5,  # no count: a page reads one story more to know whether an older page follows
    "/tag/climate/": 5,
    "/authors/amira-haddad/": 5,
    "/authors/": 3,  # the directory in one query
    "{article}": 12,  # 10 today; the comments block is another engineer's and may grow by a query or two
    "/search/?q=harbour+cranes": 4,  # the page and its count in one query, then the bylines
    "/search/?q=": 2,
    "/feed/": 3,
    "/feed/atom/": 3,
    "/world/feed/": 4,
    "/tag/climate/feed/atom/": 4,
    "/authors/amira-haddad/feed/": 4,
    "/sitemap.xml": 6,
    "/sitemap-articles.xml": 2,
    "/sitemap-sections.xml": 2,
    "/sitemap-authors.xml": 2,
    "/sitemap-news.xml": 2,
    "/no-such-section/": 4,  # with the look-up of an old address that may answer 301 (contrib.redirects)
}


def queries_for(client, path):
    """Queries of one cold request (the Browse By cache emptied first), after a warm-up request."""
    client.get(path)  # per-process caches (the current Site, ContentTypes) are not what we measure
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == (404 if path.startswith("/no-such-") else 200), (
        path,
        response.status_code,
    )
    return len(queries)


def test_every_page_costs_a_fixed_number_of_queries(client, fresh_cache, django_assert_max_num_queries):
    """One newsroom for every page (building it for each page took most of a minute)."""
    data = build_newsroom(SMALL, **RICH)
    targets = {path: path.format(article=data["articles"][0].get_absolute_url()) for path in BUDGETS}
    small = {path: queries_for(client, target) for path, target in targets.items()}

    add_articles(data, LARGE - SMALL, **RICH)
    large = {path: queries_for(client, target) for path, target in targets.items()}

    assert large == small, f"queries with {SMALL} articles, then with {LARGE}"
    for path, target in targets.items():
        cache.clear()
        with django_assert_max_num_queries(BUDGETS[path], info=target):
            client.get(target)


def test_browse_by_costs_nothing_once_cached(client, fresh_cache):
    build_newsroom(SMALL, images=False)
    cold = queries_for(client, "/world/")

    with CaptureQueriesContext(connection) as warm:
        assert client.get("/world/").status_code == 200

    assert len(warm) == cold - 2


def test_a_navigation_read_while_a_change_was_on_its_way_is_not_kept(
    fresh_cache, monkeypatch, django_capture_on_commit_callbacks
):
    """A reader who read the rows before an editor's change was committed shows what they read, but does
    not keep it for the next readers; and one kept before the commit is forgotten at the commit."""
    from django.core.cache import cache

    from articles import navigation

    stale = {"sections": [{"name": "Withdrawn", "url": "/withdrawn/"}], "tags": []}

    def read_as_the_change_commits():
        navigation.forget_browse_by()  # the editor's commit lands while this reader reads
        return stale

    monkeypatch.setattr(navigation, "_work_out", read_as_the_change_commits)
    assert navigation.browse_by() == stale
    assert cache.get(navigation.CACHE_KEY) is None

    monkeypatch.setattr(navigation, "_work_out", lambda: stale)
    with django_capture_on_commit_callbacks(execute=True):
        navigation.forget_browse_by()  # the change, made in a transaction
        assert navigation.browse_by() == stale  # a reader before the commit: kept for now
        assert cache.get(navigation.CACHE_KEY) == stale
    assert cache.get(navigation.CACHE_KEY) is None  # and forgotten at the commit

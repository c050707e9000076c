"""Pages and API lists cost the same number of queries with a handful of articles and with 1,000 more, and
every query on the big tables can use an index (EXPLAIN with sequential scans priced out)."""

import random
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Byline
from tests.articles.test_query_budgets import BUDGETS, RICH
from tests.site_data import build_newsroom

pytestmark = pytest.mark.django_db

API_LISTS = [
    "/api/v1/articles/",
    "/api/v1/articles/?section=world&tag=climate&q=harbour",
    "/api/v1/articles/?published_after=2000-01-01T00:00:00Z&updated_since=2000-01-01T00:00:00Z",
    "/api/v1/articles/{article_id}/comments/",
    "/api/v1/authors/amira-haddad/articles/",
    "/api/v1/sections/",
    "/api/v1/tags/",
    "/api/v1/authors/",
]
BIG_TABLES = ("articles_article", "articles_byline", "articles_article_tags", "django_comments")


def bulk_articles(data, count):
    """`count` published articles with bylines and tags, in three INSERTs: fast enough for a test."""
    now, rng = timezone.now(), random.Random(7)
    sections, tags, authors = data["sections"], data["tags"], data["authors"]
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Harbour archive story {n}",
            slug=f"harbour-archive-{n}",
            dek="From the archive.",
            body="<p>The harbour board met again.</p>",
            section=sections[n % len(sections)],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=30, minutes=n),
            first_published_at=now - timedelta(days=30, minutes=n),
        )
        for n in range(count)
    )
    Byline.objects.bulk_create(
        Byline(article=a, author=author, position=k)
        for a in articles
        for k, author in enumerate(rng.sample(authors, 2))
    )
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article=a, tag=tag) for a in articles for tag in rng.sample(tags, 3)
    )


def count_queries(client, paths):
    counts, captured = {}, {}
    for path in paths:
        client.get(path)  # per-process caches (Site, ContentTypes) are not what we measure
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == (404 if path.startswith("/no-such-") else 200), (
            path,
            response.status_code,
        )
        counts[path] = len(queries)
        captured[path] = [q["sql"] for q in queries]
    return counts, captured


def test_fixed_queries_at_1000_articles_and_every_big_table_read_through_an_index(client):
    data = build_newsroom(3, images=False, **RICH)
    first = data["articles"][0]
    paths = [p.format(article=first.get_absolute_url()) for p in BUDGETS] + [
        p.format(article_id=first.pk) for p in API_LISTS
    ]
    small, _ = count_queries(client, paths)

    bulk_articles(data, 1000)
    large, captured = count_queries(client, paths)

    assert small == large, {p: (small[p], large[p]) for p in paths if small[p] != large[p]}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET enable_seqscan = off")
        scans = []
        for path, queries in captured.items():
            for sql in queries:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                scans += [(path, table, sql[:200]) for table in BIG_TABLES if f"Seq Scan on {table} " in plan]
        cursor.execute("SET enable_seqscan = on")
    assert not scans, scans


def test_a_deep_page_of_the_article_list_starts_reading_at_its_cursor(client):
    """A mirror walks the whole list by its `next` links: each page's query starts where the cursor points,
    not at the newest story, so page 9 reads what page 1 reads. Bounded by an OR alone, the page after 800
    stories was read by a bitmap scan of the whole list and a sort (or an index scan dropping those 800)."""
    bulk_articles(build_newsroom(3, images=False, **RICH), 1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    url = "/api/v1/articles/?page_size=100"
    for _ in range(8):
        url = client.get(url).json()["next"]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200 and len(response.json()["results"]) == 100
    [sql] = [q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"] and "LIMIT" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0][0]["Plan"]

    def article_scans(node):
        if node.get("Relation Name") == "articles_article":
            yield node
        for child in node.get("Plans", []):
            yield from article_scans(child)

    [scan] = article_scans(plan)
    assert scan["Node Type"] == "Index Scan", scan
    assert scan.get("Rows Removed by Filter", 0) <= 3, scan  # at most the stories at the cursor's own time

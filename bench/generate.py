"""Fill the benchmark database quickly: PostgreSQL COPY for every big table, with a progress bar.

Run by bench/run.py inside Django (`DATABASE_URL` points at the benchmark database). Rows are made as model
instances and written with COPY through their own fields, so a new column with a default needs no change here.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from articles.models import Article, Byline, SearchDocument, Section, Tag
from authors.models import Author

WORDS = [
    "harbour",
    "council",
    "ferry",
    "port",
    "cranes",
    "strike",
    "budget",
    "election",
    "housing",
    "energy",
    "wind",
    "farm",
    "rail",
    "station",
    "school",
    "hospital",
    "river",
    "bridge",
    "market",
    "tourism",
    "fishing",
    "storm",
    "coast",
    "museum",
    "festival",
    "court",
    "police",
    "weather",
    "trade",
    "shipping",
    "union",
    "mayor",
    "minister",
    "parliament",
    "vote",
    "plan",
    "report",
    "inquiry",
    "record",
    "season",
    "night",
    "winter",
    "summer",
]
SECTIONS = ["World", "Politics", "Business", "Science", "City", "Sport", "Culture", "Opinion"]
BATCH = 5000


SYLLABLES = ["ba", "cor", "den", "fal", "gri", "hol", "ker", "lum", "mar", "nes", "pol", "quin", "ros", "sel",
             "tam", "ul", "ver", "wen", "yar", "zo"]  # fmt: skip
# A vocabulary like a real archive's: thousands of words, so a two-word search matches a few stories, not all.
VOCABULARY = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", "s", "ing", "ed", "er")][:4000]


def sentence(rng, n=12, news=0.002):
    """`n` words; each one of WORDS (the words searched for) with probability `news`."""
    words = (rng.choice(WORDS) if rng.random() < news else rng.choice(VOCABULARY) for _ in range(n))
    return " ".join(words).capitalize() + "."


def _row(obj, fields):
    row = []
    for f in fields:
        value = (
            f.pre_save(obj, add=True)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else getattr(obj, f.attname)
        )
        row.append(f.get_db_prep_save(value, connection))
    return row


def copy_objects(model, objects, total, label):
    """COPY model instances (pk included) into the model's table, `BATCH` at a time."""
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    copy_rows_sql(sql, (_row(obj, fields) for obj in objects), total, label)


def copy_rows(table, columns, rows, total, label):
    copy_rows_sql(f"COPY {table} ({', '.join(columns)}) FROM STDIN", rows, total, label)


def copy_rows_sql(sql, rows, total, label):
    with (
        tqdm(total=total, desc=label, unit=" rows", unit_scale=True) as bar,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for n, row in enumerate(rows, 1):
            copy.write_row(row)
            if n % BATCH == 0:
                bar.update(BATCH)
        bar.update(total - bar.n)


def reset_sequences(*tables):
    with connection.cursor() as cursor:
        for table in tables:
            last = f"(SELECT COALESCE(MAX(id), 1) FROM {table})"
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")


def generate(*, articles: int, comments: int, seed: int = 1) -> dict:
    """`articles` published stories and `comments` approved comments; returns the addresses to request."""
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        sections = [
            Section.objects.create(name=name, slug=slugify(name), position=k)
            for k, name in enumerate(SECTIONS)
        ]
        tags = Tag.objects.bulk_create(Tag(name=f"Topic {k}", slug=f"topic-{k}") for k in range(200))
        authors = Author.objects.bulk_create(
            Author(
                display_name=f"Reporter {k}",
                slug=f"reporter-{k}",
                job_title="Correspondent",
                bio=sentence(rng),
            )
            for k in range(100)
        )

        def make_articles():
            for n in range(1, articles + 1):
                published = now - timedelta(minutes=7 * n)
                yield Article(
                    id=n,
                    headline=sentence(rng, 8, news=0.3)[:-1],
                    slug=f"story-{n}",
                    dek=sentence(rng, 20),
                    body="".join(f"<p>{sentence(rng, 60)}</p>" for _ in range(8)),
                    section=sections[n % len(sections)],
                    status=Article.Status.PUBLISHED,
                    published_at=published,
                    first_published_at=published,
                    is_featured=n % 50 == 0,
                    is_breaking=n == 3,
                )

        # The search documents are written once the articles, bylines and tags are in, not by PostgreSQL's
        # triggers for every copied row (an article's document is rewritten for each byline and tag), and the
        # full-text GIN index is built after them: much faster than growing it row by row.
        search_index = SearchDocument._meta.indexes[0]
        through = Article.tags.through
        with connection.schema_editor() as editor:
            editor.remove_index(SearchDocument, search_index)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE articles_article DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE articles_byline DISABLE TRIGGER USER")
            cursor.execute(f"ALTER TABLE {through._meta.db_table} DISABLE TRIGGER USER")
        copy_objects(Article, make_articles(), articles, "articles")
        copy_objects(
            Byline,
            (
                Byline(
                    id=2 * n + k, article_id=n, author=authors[(n * 7 + k * 13) % len(authors)], position=k
                )
                for n in range(1, articles + 1)
                for k in range(2)
            ),
            2 * articles,
            "bylines",
        )
        copy_rows(
            through._meta.db_table,
            ["id", "article_id", "tag_id"],
            (
                (3 * n + k, n, tags[(n * 11 + k * 37) % len(tags)].pk)
                for n in range(1, articles + 1)
                for k in range(3)
            ),
            3 * articles,
            "article tags",
        )
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks now, and every later one at once: ALTER TABLE and CREATE
            # INDEX refuse a table with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE articles_article ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE articles_byline ENABLE TRIGGER USER")
            cursor.execute(f"ALTER TABLE {through._meta.db_table} ENABLE TRIGGER USER")
            cursor.execute("SELECT articles_write_search_documents(ARRAY(SELECT id FROM articles_article))")
        with connection.schema_editor() as editor:
            editor.add_index(SearchDocument, search_index)
        reset_sequences(Article._meta.db_table, Byline._meta.db_table, through._meta.db_table)

        # Comments: django_comments and xtd's table (multi-table inheritance), one in four a reply.
        article_type = ContentType.objects.get_for_model(Article).pk
        site = Site.objects.get_current().pk
        target = max(1, articles // 2)  # the benchmark's article: many comments
        per_article = [target] * min(40, comments) + [
            rng.randint(1, articles) for _ in range(max(0, comments - 40))
        ]

        def comment_rows():
            for cid, article_id in enumerate(per_article, 1):
                yield (
                    cid,
                    str(article_id),
                    f"Reader {cid % 997}",
                    f"reader{cid}@example.net",
                    "",
                    sentence(rng, 30),
                    now - timedelta(seconds=cid),
                    None,
                    True,
                    False,
                    article_type,
                    site,
                )

        copy_rows(
            "django_comments",
            [
                "id",
                "object_pk",
                "user_name",
                "user_email",
                "user_url",
                "comment",
                "submit_date",
                "ip_address",
                "is_public",
                "is_removed",
                "content_type_id",
                "site_id",
            ],
            comment_rows(),
            len(per_article),
            "comments",
        )
        copy_rows(
            "django_comments_xtd_xtdcomment",
            ["comment_ptr_id", "thread_id", "parent_id", "level", '"order"', "followup", "nested_count"],
            ((cid, cid, cid, 0, 1, False, 0) for cid in range(1, len(per_article) + 1)),
            len(per_article),
            "comment threads",
        )
        reset_sequences("django_comments")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    article = Article.objects.select_related("section").get(pk=target)
    return {
        "article": article.get_absolute_url(),
        "article_id": article.pk,
        "section": sections[1].get_absolute_url(),
    }

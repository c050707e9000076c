"""Reader search: PostgreSQL full-text search with ranking and highlighted snippets, icontains on SQLite.

The weighted vector below is also the expression of the GIN index (see Article.Meta.indexes), so the
WHERE clause of a search is the indexed expression itself and PostgreSQL can use the index.
"""

import html
import re
import unicodedata

from django.contrib.postgres.indexes import GinIndex
from django.db import connection
from django.db.models import Q
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200
# Private-use characters mark the matches in ts_headline's output; they become <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"


def search_vector():
    """headline (A) above dek (B) above body (C)."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("headline", weight="A", config=SEARCH_CONFIG)
        + SearchVector("dek", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


class PostgresOnlyGinIndex(GinIndex):
    """The full-text index, on PostgreSQL only: SQLite rebuilds the whole table for most schema changes
    and would otherwise try to create this index with PostgreSQL's SQL (and fail the migration)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


def clean_query(raw) -> str:
    """What the reader typed, trimmed to something worth searching for ('' when nothing is)."""
    # Control characters (PostgreSQL refuses NUL outright) and private-use ones (our snippet marks) go.
    raw = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Co", "Cs"} else ch for ch in str(raw or "")[:2000]
    )
    text = " ".join(raw.split())[:MAX_QUERY_LENGTH]
    return text if any(ch.isalnum() for ch in text) else ""


def search_articles(queryset, text: str):
    """Published articles matching `text`, best first; each carries a `snippet` attribute source."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.annotate(search=search_vector())
            .filter(search=query)
            .annotate(
                rank=SearchRank(search_vector(), query),
                raw_snippet=SearchHeadline(
                    "body",
                    query,
                    config=SEARCH_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-published_at", "-id")
        )
    return queryset.filter(plain_condition(text)).order_by("-published_at", "-id")


# "a phrase", -word, -"a phrase" or a word, as websearch_to_tsquery reads them.
_TERMS = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def plain_condition(text: str) -> Q:
    """The SQLite fallback: every term somewhere in headline, dek or body; a minus term nowhere."""
    condition = Q()
    for minus_phrase, phrase, minus_word, word in _TERMS.findall(text)[:10]:
        term = (phrase or word).strip()
        if not any(ch.isalnum() for ch in term) or term.lower() == "or":
            continue
        found = Q(headline__icontains=term) | Q(dek__icontains=term) | Q(body__icontains=term)
        condition &= ~found if (minus_phrase or minus_word) else found
    return condition


def render_snippet(raw: str | None) -> str:
    """ts_headline's fragment as safe HTML: tags stripped, text escaped, matches wrapped in <mark>."""
    if not raw:
        return ""
    text = escape(html.unescape(strip_tags(raw)))
    out, open_mark = [], False
    for char in text:
        if char == MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif char == MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(char)
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - built from escaped text and our own <mark> tags

"""Reader search: PostgreSQL full-text search with ranking and highlighted snippets, a plain match on SQLite.

Each article's weighted vector (headline A; dek and the names in its bylines and tags B; body C) is stored
in its SearchDocument, written by PostgreSQL triggers (migrations 0008, 0010, 0012 and 0015) whenever the
article's text, its bylines or tags, or an author's or tag's name change, and GIN-indexed: a search matches
and ranks against stored vectors instead of parsing every body again. A reader who types a reporter's name
or a tag finds those stories.
"""

import html
import re
import string
import unicodedata

from django.contrib.postgres.indexes import GinIndex
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Func, Q, TextField, Window
from django.db.models.lookups import Contains, Regex
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from newsroom.page_cache import SEARCH_DEP, cards_deps

from .pagination import LazyPage, page_number

# English stemming with accents folded (migration 0015): "tomas" finds Tomás, and "Tomás" finds Tomas.
SEARCH_CONFIG = "newsroom_search"
MAX_QUERY_LENGTH = 200
# Private-use characters mark the matches in ts_headline's output; they become <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKS = re.compile(f"[{MARK_START}{MARK_END}]")


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


BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def tidy_query(raw) -> str:
    """What the reader typed, as it can be shown again: control characters (PostgreSQL refuses NUL
    outright), private-use ones (our snippet marks) and the bidirectional controls, which would turn the
    rest of the results page around, are gone, and so are runs of spaces. Past MAX_QUERY_LENGTH it ends at
    the last whole word (a cut in the middle searched for half a word, and left a space inside the quotes of
    "Results for")."""
    raw = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Co", "Cs"} or ch in BIDI_CONTROLS else ch
        for ch in str(raw or "")[:2000]
    )
    text = " ".join(raw.split())
    if len(text) > MAX_QUERY_LENGTH:
        head = text[: MAX_QUERY_LENGTH + 1]  # with the character after the limit: a space there ends a word
        text = head.rsplit(" ", 1)[0] if " " in head else head[:MAX_QUERY_LENGTH]
    return text


def clean_query(raw) -> str:
    """What the reader typed, trimmed to something worth searching for ('' when nothing is: 🌊 alone)."""
    text = tidy_query(raw)
    return text if any(ch.isalnum() for ch in text) else ""


def search_articles(queryset, text: str):
    """Published articles matching `text`, best first; each carries a `snippet` attribute source."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.filter(search_document__document=query)
            .annotate(
                rank=SearchRank(F("search_document__document"), query),
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


class CountedPagePaginator(Paginator):
    """Pages of results, each read with the number of all matches in one query: every row carries the total
    (COUNT(*) OVER (), counted from the same scan that ranks the matches) instead of a second query counting
    them again. A page's rows are read when it is first shown, not when it is made: the results are a cached
    fragment (SearchView), and a page whose fragment is current reads none."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list.annotate(total_matches=Window(Count("pk"))), per_page, **kwargs)

    def page(self, number):
        return CountedPage(page_number(number), self)


class CountedPage(LazyPage):
    """A page of search results: its rows, each with its snippet, and the number of all matches, all read
    from one query on first use."""

    query = ""  # what was searched for (SearchView), part of the fragment's key

    def read_rows(self) -> list:
        bottom = (self.number - 1) * self.paginator.per_page
        rows = list(self.paginator.object_list[bottom : bottom + self.paginator.per_page])
        if rows:
            self.paginator.count = rows[0].total_matches
        elif self.number == 1:
            self.paginator.count = 0
        for article in rows:
            article.snippet = render_snippet(getattr(article, "raw_snippet", None)) or article.dek
        return rows

    def has_next(self):
        return bool(self.rows) and self.number < self.paginator.num_pages  # the count comes with the rows

    @property
    def fragment_key(self) -> str:
        return f"{self.number}:{self.query}"

    @property
    def deps(self) -> set[str]:
        """Any article published, changed or withdrawn, any byline, tag or name of theirs, may change the
        results; and every card shown."""
        return {"list:all", SEARCH_DEP} | cards_deps(self.object_list)


# "a phrase", -word, -"a phrase" or a word, as websearch_to_tsquery reads them.
_TERMS = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


# Letters that carry no separable accent, so NFKD leaves them whole; PostgreSQL's unaccent spells them so.
UNACCENT_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
    }
)


def fold(text: str | None) -> str | None:
    """Lower case without accents, as the plain match compares text: "São Tomé" becomes "sao tome", and
    "Ærø" "aero"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text).translate(UNACCENT_LETTERS)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class Folded(Func):
    """A column folded as `fold` does, in the database: SQLite's connections are given `fold` under this
    name (articles/apps.py); PostgreSQL has it as lower(unaccent(...)) (migration 0015), so the tests run
    the fallback there too."""

    function = "newsroom_fold"
    output_field = TextField()


def register_fold(sender, connection, **kwargs):
    """On each new SQLite connection (the connection_created signal), the function Folded calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("newsroom_fold", 1, fold, deterministic=True)


# Phone keyboards type curly apostrophes and quotes: "Tanner’s" is "Tanner's".
CURLY_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
WORD_EDGES = string.punctuation + "«»…–—"


# The commonest of the words PostgreSQL's English configuration leaves out of a search: here, "the" or "a"
# alone matched every story, where PostgreSQL finds none.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he", "her",
    "his", "i", "in", "is", "it", "its", "of", "on", "or", "our", "she", "that", "the", "their", "them",
    "there", "they", "this", "to", "was", "we", "were", "will", "with", "you", "your",
})  # fmt: skip


def plain_condition(text: str) -> Q:
    """The SQLite fallback: every term somewhere in headline, dek, body, a byline's name or a tag's; a minus
    term nowhere. Accents are folded on both sides, as PostgreSQL's search does: "tomas" finds Tomás. Words
    too common to search for are left out, as PostgreSQL leaves them; a search of nothing else finds
    nothing."""
    from .models import Article, Byline

    condition, asked = Q(), False
    for minus_phrase, phrase, minus_word, word in _TERMS.findall(text.translate(CURLY_QUOTES))[:10]:
        # A word keeps no punctuation at its ends ("ferry," "(ferry)" "ferry!"), as PostgreSQL's parser
        # drops it; a phrase is matched as typed.
        term = fold(phrase.strip() if phrase else word.strip(WORD_EDGES))
        if not any(ch.isalnum() for ch in term) or (not phrase and term in STOP_WORDS):
            continue
        asked = True
        bylined = Byline.objects.filter(Contains(Folded("author__display_name"), term)).values("article_id")
        tagged = Article.tags.through.objects.filter(Contains(Folded("tag__name"), term)).values("article_id")
        found = (
            Q(Contains(Folded("headline"), term))
            | Q(Contains(Folded("dek"), term))
            | Q(Regex(Folded("body"), in_text_of_html(term)))
            | Q(pk__in=bylined)
            | Q(pk__in=tagged)
        )
        condition &= ~found if (minus_phrase or minus_word) else found
    return condition if asked else Q(pk__in=[])


def in_text_of_html(term: str) -> str:
    """A pattern for the term in the body's text, not in its markup: `blockquote` or `href` is not a word
    of the story. Django gives SQLite a REGEXP function (Python's re); PostgreSQL reads it the same."""
    return r"(^|>)[^<]*" + re.escape(term)


def render_snippet(raw: str | None) -> str:
    """ts_headline's fragment as safe HTML: tags stripped, text escaped, matches wrapped in <mark>."""
    if not raw:
        return ""
    open_mark = False

    def mark(match):
        nonlocal open_mark
        starting = match.group() == MARK_START
        if starting == open_mark:  # a start inside a mark, or an end outside one
            return ""
        open_mark = starting
        return "<mark>" if starting else "</mark>"

    html_text = _MARKS.sub(mark, escape(html.unescape(strip_tags(raw))))
    if open_mark:
        html_text += "</mark>"
    return mark_safe(html_text)  # noqa: S308 - built from escaped text and our own <mark> tags

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.search import clean_query, render_snippet, search_articles
from tests.factories import ArticleFactory, AuthorFactory
from tests.site_data import page, text_of

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


def result_headlines(response):
    return [a.get_text(strip=True) for a in page(response).select(".search-results .card-headline a")]


@postgres_only
def test_search_ranks_headline_above_dek_above_body(client, fresh_cache):
    body = ArticleFactory(
        published=True, headline="Council news", dek="Plans.", body="<p>The lighthouse reopens.</p>"
    )
    dek = ArticleFactory(
        published=True, headline="Coast news", dek="The lighthouse reopens.", body="<p>Plans.</p>"
    )
    head = ArticleFactory(published=True, headline="Lighthouse reopens", dek="Plans.", body="<p>Plans.</p>")
    ArticleFactory(published=True, headline="Nothing to see", dek="Plans.", body="<p>Plans.</p>")

    response = client.get("/search/", {"q": "lighthouse"})

    assert response.status_code == 200
    assert result_headlines(response) == [head.headline, dek.headline, body.headline]
    assert "3 articles found." in text_of(response)


@postgres_only
def test_search_understands_quotes_and_minus(client, fresh_cache):
    ArticleFactory(published=True, headline="Harbour plan approved", dek="", body="<p>A new ferry pier.</p>")
    ArticleFactory(published=True, headline="Plan for the harbour", dek="", body="<p>Cycle paths.</p>")

    phrase = result_headlines(client.get("/search/", {"q": '"harbour plan"'}))
    minus = result_headlines(client.get("/search/", {"q": "harbour -ferry"}))

    assert phrase == ["Harbour plan approved"]
    assert minus == ["Plan for the harbour"]


@postgres_only
def test_search_snippets_highlight_matches_and_escape_the_text(client, fresh_cache):
    ArticleFactory(
        published=True,
        headline="Port report",
        body="<p>Dock workers &amp; crane drivers voted to strike on Monday.</p>",
    )

    snippet = page(client.get("/search/", {"q": "strike"})).select_one(".snippet")

    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["strike"]
    assert "Dock workers & crane drivers" in snippet.get_text()


@postgres_only
def test_search_folds_accents_both_ways(client, fresh_cache):
    """Readers type names as their keyboard has them: "tomas" finds Tomás, and "Zoë" finds Zoe."""
    accented = ArticleFactory(
        published=True, headline="Tomás Ruiz takes the ferry", dek="", body="<p>Bound for São Paulo.</p>"
    )
    plain = ArticleFactory(published=True, headline="Zoe Adams joins the board", dek="", body="<p>Plans.</p>")
    ArticleFactory(published=True, headline="Harbour dues rise", dek="", body="<p>Plans.</p>")

    assert result_headlines(client.get("/search/", {"q": "tomas"})) == [accented.headline]
    assert result_headlines(client.get("/search/", {"q": "Zoë adams"})) == [plain.headline]
    response = client.get("/search/", {"q": "sao paulo"})
    assert result_headlines(response) == [accented.headline]
    marks = page(response).select_one(".snippet").find_all("mark")
    assert [mark.get_text() for mark in marks] == ["São", "Paulo"]


def test_snippets_are_escaped_except_for_our_marks():
    raw = "<b>bold</b> &lt;script&gt;alert(1)&lt;/script&gt; \ue000strike\ue001 \ue000open"

    html = render_snippet(raw)

    assert html == "bold &lt;script&gt;alert(1)&lt;/script&gt; <mark>strike</mark> <mark>open</mark>"


@postgres_only
def test_search_uses_the_gin_index(fresh_cache):
    from django.contrib.postgres.search import SearchQuery

    from articles.search import SEARCH_CONFIG

    ArticleFactory.create_batch(3, published=True)
    query = SearchQuery("harbour", config=SEARCH_CONFIG, search_type="websearch")
    queryset = Article.objects.filter(search_document__document=query)
    with connection.cursor() as cursor:
        # As on a big table: neither reading the whole table nor walking its primary key to filter.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()

    assert "search_document_gin" in plan


@postgres_only
def test_the_stored_vector_follows_every_change_of_the_text(fresh_cache):
    """The trigger writes it on insert and on any change of headline, dek or body, even a bulk update."""
    article = ArticleFactory(
        published=True, headline="Lighthouse reopens", dek="", body="<p>Keepers return.</p>"
    )

    def found(word):
        return list(search_articles(Article.objects.all(), word).values_list("pk", flat=True)) == [article.pk]

    assert found("lighthouse") and found("keepers")
    Article.objects.filter(pk=article.pk).update(headline="Harbour wall repaired", body="<p>Masons.</p>")
    assert found("harbour") and found("masons")
    assert not found("lighthouse") and not found("keepers")


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "unpublished"])
def test_search_never_finds_articles_readers_may_not_see(client, fresh_cache, state):
    ArticleFactory(**({state: True} if state != "draft" else {}), headline="Lighthouse secret")
    ArticleFactory(published=True, headline="Lighthouse open day")

    response = client.get("/search/", {"q": "lighthouse"})

    assert result_headlines(response) == ["Lighthouse open day"]
    assert "Lighthouse secret" not in response.content.decode()


def test_search_falls_back_to_a_plain_match_on_sqlite(monkeypatch, fresh_cache):
    ArticleFactory(published=True, headline="Lighthouse reopens")
    ArticleFactory(published=True, headline="Other news", body="<p>The LIGHTHOUSE keeper retires.</p>")
    ArticleFactory(headline="Lighthouse draft")
    ArticleFactory(published=True, headline="Unrelated")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    found = search_articles(Article.objects.published(), "lighthouse")

    assert sorted(a.headline for a in found) == ["Lighthouse reopens", "Other news"]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "-", '""'])
def test_empty_or_wordless_search_gets_a_friendly_page(client, fresh_cache, query):
    ArticleFactory(published=True, headline="Lighthouse reopens")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert result_headlines(response) == []
    assert "Type a name, a place or a topic" in text_of(response) or "could not find any words" in text_of(
        response
    )


def test_search_with_no_results_says_so(client, fresh_cache):
    ArticleFactory(published=True, headline="Lighthouse reopens")

    response = client.get("/search/", {"q": "zebra"})

    assert response.status_code == 200
    empty = page(response).select_one("p.empty")
    assert empty.get_text().startswith("No articles match “zebra”.") and empty.bdi.string == "zebra"


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert('x')</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE articles_article; --",
        "1' OR '1'='1",
        "harbour & | ! ( ) :* <->",
        "a" * 5000,
    ],
)
def test_hostile_search_strings_are_answered_safely(client, fresh_cache, query):
    ArticleFactory(published=True, headline="Harbour news")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert Article.objects.count() == 1
    if "<script>" in query:
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_a_query_cannot_turn_the_results_page_around(client, fresh_cache):
    """Right-to-left overrides typed (or pasted) into the box go; a query in Hebrew or Arabic is kept and
    shown isolated, so its direction stays inside the quotes."""
    response = client.get("/search/", {"q": "S\u00e3o \u202e\u05e9\u05dc\u05d5\u05dd \u2067x"})

    body = response.content.decode()
    assert response.status_code == 200
    assert not any(control in body for control in ("\u202e", "\u2067"))
    assert "<bdi>S\u00e3o \u05e9\u05dc\u05d5\u05dd x</bdi>" in body


def test_a_long_query_is_cut_after_its_last_whole_word(client, fresh_cache):
    """Past 200 characters the query ends at a whole word: cut in the middle, it searched for half a word and
    showed "Results for “harbour … harb ”" with a space inside the quotes."""
    ArticleFactory(published=True, headline="Harbour wall repaired", dek="", body="<p>Stones.</p>")
    response = client.get("/search/", {"q": "harbour " * 40})

    body = response.content.decode()
    shown = " ".join(["harbour"] * 25)  # 199 characters; a 26th word would pass 200
    assert response.status_code == 200
    assert f"<bdi>{shown}</bdi>" in body
    assert "Harbour wall repaired" in body
    assert clean_query("x" * 250) == "x" * 200  # one word longer than that is cut where it must be


def test_sqlite_fallback_leaves_out_words_too_common_to_search_for(monkeypatch, fresh_cache):
    """The demo's search (SQLite) found every story for "the" or "a": PostgreSQL's English search leaves
    such words out, and finds nothing for them alone."""
    ArticleFactory(published=True, headline="The harbour wall is repaired", dek="", body="<p>A new wall.</p>")
    ArticleFactory(published=True, headline="Ferries run late", dek="", body="<p>The fog is back.</p>")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    def found(text):
        return sorted(a.headline for a in search_articles(Article.objects.published(), text))

    assert found("the") == [] and found("a") == [] and found("the is a") == []
    assert found("the harbour") == ["The harbour wall is repaired"]
    assert found('"the fog"') == ["Ferries run late"]  # a phrase is matched as typed
    assert found("-harbour") == ["Ferries run late"]


def test_sqlite_fallback_understands_quotes_and_minus_too(monkeypatch, fresh_cache):
    ArticleFactory(published=True, headline="Harbour plan approved", dek="", body="<p>A new ferry pier.</p>")
    ArticleFactory(published=True, headline="Plan for the harbour", dek="", body="<p>Cycle paths.</p>")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    def found(text):
        return [a.headline for a in search_articles(Article.objects.published(), text)]

    assert found('"harbour plan"') == ["Harbour plan approved"]
    assert found("harbour -ferry") == ["Plan for the harbour"]
    assert found('-"new ferry" plan') == ["Plan for the harbour"]


@postgres_only
def test_search_pages_count_every_match_from_the_page_query(client, fresh_cache):
    """Each page reads its rows and the number of all matches in one query; the count is the same on every
    page, a page past the end is a 404, and "last" finds the last page."""
    for n in range(25):
        ArticleFactory(published=True, headline=f"Lighthouse report {n}")
    ArticleFactory(published=True, headline="Harbour report")

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/search/", {"q": "lighthouse"})
    second = client.get("/search/", {"q": "lighthouse", "page": 2})
    last = client.get("/search/", {"q": "lighthouse", "page": "last"})
    beyond = client.get("/search/", {"q": "lighthouse", "page": 3})
    not_a_number = client.get("/search/", {"q": "lighthouse", "page": "two"})

    assert first.status_code == second.status_code == last.status_code == 200
    assert len(result_headlines(first)) == 20 and len(result_headlines(second)) == 5
    assert set(result_headlines(first)).isdisjoint(result_headlines(second))
    assert result_headlines(last) == result_headlines(second)
    assert "25 articles found." in text_of(first) and "25 articles found." in text_of(second)
    # Results are ranked, not dated: the links say Previous and Next, not Newer and Older.
    assert [(a.get_text(), a["href"]) for a in page(first).select("nav.pagination a")] == [
        ("Next", "?q=lighthouse&page=2")
    ]
    assert [(a.get_text(), a["href"]) for a in page(second).select("nav.pagination a")] == [
        ("Previous", "?q=lighthouse")
    ]
    assert not any('COUNT(*) AS "__count"' in query["sql"] for query in queries.captured_queries)
    assert beyond.status_code == 404 and not_a_number.status_code == 404


@postgres_only
def test_a_reporters_name_finds_their_stories_and_follows_every_change(fresh_cache):
    """Bylines are part of the stored vector: adding or removing one, or renaming the author, rewrites it
    (PostgreSQL triggers on the bylines and authors tables), and a deleted article leaves no document."""
    from django.db import transaction

    from articles.models import Byline, SearchDocument
    from tests.factories import AuthorFactory

    ada = AuthorFactory(display_name="Ada Quillfeather")
    story = ArticleFactory(
        published=True, headline="Ferry timetable", dek="", body="<p>Winter sailings.</p>", authors=[ada]
    )
    other = ArticleFactory(published=True, headline="Quill pens return", dek="", body="<p>Stationers.</p>")

    def found(text):
        return list(search_articles(Article.objects.published(), text).values_list("pk", flat=True))

    assert found("quillfeather") == [story.pk]
    assert found("ada quillfeather") == [story.pk]
    assert found("ferry") == [story.pk] and found("quill") == [other.pk]

    ada.display_name = "Ada Inkwright"
    ada.save()
    assert found("quillfeather") == [] and found("inkwright") == [story.pk]

    Byline.objects.create(article=other, author=ada, position=1)
    assert sorted(found("inkwright")) == sorted([story.pk, other.pk])
    Byline.objects.filter(article=story, author=ada).delete()
    assert found("inkwright") == [other.pk]

    with transaction.atomic():
        other.delete()  # its bylines go first, and write its document again: it must go too
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys, checked now, not at commit
    assert not SearchDocument.objects.filter(article_id=other.pk).exists()
    assert found("inkwright") == []


def test_the_sqlite_fallback_finds_a_reporters_name_too(monkeypatch, fresh_cache):
    from tests.factories import AuthorFactory

    ada = AuthorFactory(display_name="Ada Quillfeather")
    ArticleFactory(published=True, headline="Ferry timetable", dek="", authors=[ada, AuthorFactory()])
    ArticleFactory(published=True, headline="Harbour news", dek="")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    def found(text):
        return [a.headline for a in search_articles(Article.objects.published(), text)]

    assert found("quillfeather") == ["Ferry timetable"]  # once, though two bylines were joined
    assert found("ferry -quillfeather") == []


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_tag_finds_its_stories_and_follows_tagging_and_renames(backend, monkeypatch, fresh_cache):
    """Tag names are in the stored vector (PostgreSQL triggers on the article-tag table and on tags) and in
    the SQLite fallback's match."""
    from tests.factories import TagFactory

    if backend == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("full-text search needs PostgreSQL")
    storms = TagFactory(name="Storms", slug="storms")
    tagged = ArticleFactory(published=True, headline="Sea wall repairs", dek="", body="<p>Money.</p>")
    tagged.tags.set([storms])
    other = ArticleFactory(published=True, headline="Ferry fares", dek="", body="<p>Prices.</p>")
    if backend == "sqlite":
        monkeypatch.setattr(connection, "vendor", "sqlite")

    def found(text):
        return sorted(a.headline for a in search_articles(Article.objects.published(), text))

    assert found("storms") == ["Sea wall repairs"]
    other.tags.add(storms)
    assert found("storms") == ["Ferry fares", "Sea wall repairs"]
    tagged.tags.remove(storms)
    assert found("storms") == ["Ferry fares"]
    storms.name = "Gales"
    storms.save()
    assert found("gales") == ["Ferry fares"] and found("storms") == []


def test_the_sqlite_fallback_folds_accents_as_postgresql_does(fresh_cache):
    from articles.models import Article
    from articles.search import plain_condition

    tomas = AuthorFactory(display_name="Tomás Whitlock")
    review = ArticleFactory(
        published=True,
        headline="Zoë on stage",
        body="<p>A night at the Teatro São João.</p>",
        authors=[tomas],
    )
    ArticleFactory(published=True, headline="Rail timetable", body="<p>Trains run hourly.</p>")

    def found(text):
        return list(Article.objects.filter(plain_condition(text)).values_list("pk", flat=True))

    assert found("tomas") == [review.pk] and found("TOMÁS whitlock") == [review.pk]
    assert found("zoe") == [review.pk] and found('"sao joao"') == [review.pk]
    assert found("hourly -joão") != [] and found("stage -sao") == []
    # Punctuation typed next to a word is no part of it; a phone's curly quotes are quotes.
    assert found("stage,") == found("(stage)") == found("stage!") == [review.pk]
    assert found("“são joão”") == [review.pk] and found("Zoë’s") == []


def test_the_sqlite_fallback_reads_a_phones_apostrophe_as_a_typed_one(fresh_cache):
    from articles.models import Article
    from articles.search import plain_condition

    story = ArticleFactory(published=True, headline="Tanner's Hill parents vote")
    found = Article.objects.filter(plain_condition("Tanner’s")).values_list("pk", flat=True)
    assert list(found) == [story.pk]


def test_sqlite_connections_are_given_the_fold(tmp_path):
    """`make run`'s database: a new SQLite connection can call newsroom_fold."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "fold.sqlite3"), "OPTIONS": {}}
    wrapper = DatabaseWrapper({**connection.settings_dict, **sqlite})
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT newsroom_fold(%s)", ["São Tomé ZOË"])
            assert cursor.fetchone() == ("sao tome zoe",)
    finally:
        wrapper.close()


def test_the_python_fold_spells_letters_as_postgresql_s_unaccent_does():
    """`make run` (SQLite, Python's fold) and production (PostgreSQL's newsroom_fold) must find the same
    stories: Ærø, Søren, Œuvre, Straße and Łódź have letters with no separable accent."""
    from articles.search import fold

    words = ["Ærø", "Søren", "Œuvre", "Straße", "Łódź", "Đakovo", "São Tomé ZOË"]
    with connection.cursor() as cursor:
        folded_by_postgresql = []
        for word in words:
            cursor.execute("SELECT newsroom_fold(%s)", [word])
            folded_by_postgresql.append(cursor.fetchone()[0])

    assert [fold(word) for word in words] == folded_by_postgresql
    assert fold("Ærø") == "aero" and fold("Straße") == "strasse"


def test_the_sqlite_fallback_finds_words_of_the_story_not_of_its_markup(fresh_cache):
    """`make run` searches with the fallback: `blockquote` or `href` found every story that had one."""
    from articles.models import Article
    from articles.search import plain_condition

    quoting = ArticleFactory(
        published=True,
        headline="Harbour board meets",
        body='<blockquote><p>We will <a href="https://example.org/tide">reopen</a> the quay.</p>'
        "</blockquote>",
    )
    ArticleFactory(published=True, headline="Rail timetable", body="<p>Trains run hourly.</p>")

    def found(text):
        return list(Article.objects.filter(plain_condition(text)).values_list("pk", flat=True))

    assert found("blockquote") == [] and found("href") == [] and found("example.org") == []
    assert found("reopen") == [quoting.pk] and found('"will reopen"') == []  # a link splits the phrase
    assert found("quay") == [quoting.pk] and found("board -quay") == []
    assert found("hourly -quay") != [] and found("We will reopen") == [quoting.pk]


def test_a_search_with_nothing_to_look_for_keeps_what_was_typed_in_the_box(client, fresh_cache):
    """An emoji alone finds nothing to look for, and says so; the box keeps it, so the reader can change
    it instead of typing it again (control and direction characters are not shown back)."""
    response = client.get("/search/", {"q": "🌊 \u202e!"})

    html = page(response)
    assert response.status_code == 200
    assert "We could not find any words to look for" in response.content.decode()
    assert html.select_one("#search-page-q")["value"] == "🌊 !"

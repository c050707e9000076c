"""The fragment cache (newsroom/fragments.py): with the page cache off, an article page renders again but its
comment threads and "Read more" come from the cache until something they show changes, and then at once."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import RelatedArticle
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

COMMENTS_TABLE = '"django_comments"'
READ_MORE_TABLE = '"articles_relatedarticle"'


@pytest.fixture(autouse=True)
def fragments_on(settings, fresh_cache):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 600


@pytest.fixture
def story(plain_newsroom):
    return plain_newsroom["articles"][0]


def fetch(client, url):
    """The page, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), " ".join(q["sql"] for q in queries)


def section_of(html, element_id):
    """The threads of the comment section (the form after them is per request), or the Read more block."""
    start = html.index(f'id="{element_id}"')
    end = html.index('id="respond"', start) if element_id == "comments" else html.index("</aside>", start)
    return html[start:end]


def test_second_rendering_reads_neither_comments_nor_read_more(client, story):
    make_comment(story, text="The ferry timetable is wrong again.")
    url = story.get_absolute_url()
    first, first_sql = fetch(client, url)
    assert COMMENTS_TABLE in first_sql and READ_MORE_TABLE in first_sql

    second, second_sql = fetch(client, url)

    assert COMMENTS_TABLE not in second_sql and READ_MORE_TABLE not in second_sql
    assert "The ferry timetable is wrong again." in second
    assert section_of(second, "comments") == section_of(first, "comments")
    assert section_of(second, "read-more-heading") == section_of(first, "read-more-heading")


def test_a_new_comment_shows_at_once_and_read_more_stays_cached(client, story):
    url = story.get_absolute_url()
    fetch(client, url)
    make_comment(story, name="Ada Reader", text="Night buses should run all winter.")

    html, sql = fetch(client, url)

    assert "Night buses should run all winter." in html and "Ada Reader" in html
    assert "1 comment" in html
    assert COMMENTS_TABLE in sql and READ_MORE_TABLE not in sql


def test_a_removed_comment_disappears_at_once(client, story):
    comment = make_comment(story, text="A remark the moderators will take down.")
    url = story.get_absolute_url()
    assert "A remark the moderators will take down." in fetch(client, url)[0]
    comment.is_removed = True
    comment.save()
    assert "A remark the moderators will take down." not in fetch(client, url)[0]


def test_a_story_published_in_the_section_joins_read_more_and_comments_stay_cached(client, story, editor):
    url = story.get_absolute_url()
    fetch(client, url)
    draft = ArticleFactory(
        headline="Ferry pier to be rebuilt", section=story.section, tags=list(story.tags.all())
    )
    services.publish_article(article=draft, by=editor)

    html, sql = fetch(client, url)

    assert "Ferry pier to be rebuilt" in section_of(html, "read-more-heading")
    assert READ_MORE_TABLE in sql and COMMENTS_TABLE not in sql


def test_a_card_in_read_more_shows_its_new_headline_and_leaves_when_unpublished(client, story, editor):
    url = story.get_absolute_url()
    html, _ = fetch(client, url)
    card = next(a for a in story.section.articles.published().exclude(pk=story.pk) if a.headline in html)

    card.headline = "Harbour master resigns"
    card.save()
    assert "Harbour master resigns" in section_of(fetch(client, url)[0], "read-more-heading")

    services.unpublish_article(article=card, by=editor)
    assert "Harbour master resigns" not in fetch(client, url)[0]


def test_an_editors_choice_leads_read_more_at_once(client, story, plain_newsroom):
    url = story.get_absolute_url()
    fetch(client, url)
    elsewhere = ArticleFactory(published=True, headline="An older explainer on tides")
    RelatedArticle.objects.create(article=story, related=elsewhere, position=0)

    block = section_of(fetch(client, url)[0], "read-more-heading")

    assert block.index("An older explainer on tides") < block.index("</a>", block.index("card-headline"))


def test_an_editors_choice_still_in_draft_joins_read_more_when_it_is_published(client, story, editor):
    url = story.get_absolute_url()
    explainer = ArticleFactory(headline="How the tide barrier works")  # a draft in a section of its own
    RelatedArticle.objects.create(article=story, related=explainer, position=0)
    assert "How the tide barrier works" not in section_of(fetch(client, url)[0], "read-more-heading")

    services.publish_article(article=explainer, by=editor)

    assert "How the tide barrier works" in section_of(fetch(client, url)[0], "read-more-heading")


def test_comment_pages_are_kept_apart_and_a_junk_page_number_is_page_one(client, story, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(story, text="First thread.")
    make_comment(story, text="Second thread.")
    url = story.get_absolute_url()
    assert "First thread." in fetch(client, url)[0]
    assert "Second thread." in fetch(client, url + "?comments_page=2")[0]
    assert "First thread." in fetch(client, url + "?comments_page=<script>")[0]
    assert "First thread." in fetch(client, url + "?comments_page=1")[0]


def test_logged_in_readers_neither_get_nor_leave_fragments(client, story, reader):
    make_comment(story, text="Anonymous readers see counts only.")
    url = story.get_absolute_url()
    member = Client()
    member.force_login(reader)
    html, sql = fetch(member, url)
    assert 'aria-label="Like, ' in html  # their own reaction forms
    assert COMMENTS_TABLE in fetch(member, url)[1]
    # Nothing was stored for the anonymous: their first visit still renders the threads.
    anonymous_html, anonymous_sql = fetch(client, url)
    assert COMMENTS_TABLE in anonymous_sql and 'aria-label="Like, ' not in anonymous_html


def test_with_the_fragment_cache_off_every_rendering_reads_again(client, story, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    url = story.get_absolute_url()
    fetch(client, url)
    assert COMMENTS_TABLE in fetch(client, url)[1]


def test_a_fully_cached_article_page_runs_no_query_and_matches_a_fresh_rendering(client, story, settings):
    import re

    make_comment(story, text="Same words either way.")
    url = story.get_absolute_url()

    def normalised(html):  # the per-request values: CSRF token, form timestamp and its hash
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
        return re.sub(r'name="(timestamp|security_hash)" value="[^"]+"', r"\1", html)

    settings.FRAGMENT_CACHE_SECONDS = 0
    fresh = normalised(client.get(url).content.decode())
    settings.FRAGMENT_CACHE_SECONDS = 600
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        cached = client.get(url).content.decode()

    assert len(queries) == 0, [q["sql"] for q in queries]  # the article too comes from the cache
    assert normalised(cached) == fresh


def test_a_fully_cached_article_page_reads_its_parts_only_in_the_prefetch(client, story, monkeypatch):
    """Every part of the page (the comment threads too) comes from the one prefetch: a part whose key the
    prefetch did not name is read again on its own, two more cache round trips on every page."""
    from newsroom import fragments

    make_comment(story, text="Read once, with the rest.")
    url = story.get_absolute_url()
    client.get(url)
    read_alone = []
    real = fragments.read_versioned
    monkeypatch.setattr(fragments, "read_versioned", lambda key: read_alone.append(key) or real(key))

    html, sql = fetch(client, url)

    assert read_alone == [] and sql == ""
    assert "Read once, with the rest." in html


def test_an_article_unpublished_moved_or_rescheduled_leaves_its_cached_address_at_once(client, story, editor):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article, Section

    url = story.get_absolute_url()
    fetch(client, url)
    fetch(client, url)  # the article itself now comes from the cache

    services.unpublish_article(article=story, by=editor)
    assert client.get(url).status_code == 410  # taken off the site (25400ae)

    services.publish_article(article=Article.objects.get(pk=story.pk), by=editor)
    story = Article.objects.get(pk=story.pk)
    url = story.get_absolute_url()
    assert client.get(url).status_code == 200
    story.section = Section.objects.exclude(pk=story.section_id).first()
    story.save()
    moved = client.get(url)
    assert moved.status_code == 301 and moved["Location"] == story.get_absolute_url()
    assert story.headline in client.get(story.get_absolute_url()).content.decode()

    story.published_at = timezone.now() + timedelta(days=1)
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_scheduled_article_is_never_kept_for_its_address(client, editor):
    from datetime import timedelta

    from django.utils import timezone

    draft = ArticleFactory(headline="Embargoed harbour report")
    services.schedule_article(article=draft, by=editor, at=timezone.now() + timedelta(hours=2))
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert "Embargoed harbour report" not in client.get("/").content.decode()


def test_the_navigation_is_kept_rendered_and_follows_a_new_section(client, story):
    from bs4 import BeautifulSoup

    from articles.models import Section

    def sections_in_nav():
        soup = BeautifulSoup(fetch(client, story.get_absolute_url())[0], "html.parser")
        return [a.get_text(strip=True) for a in soup.select("nav.browse-by .browse-sections a")]

    before = sections_in_nav()
    assert story.section.name in before
    with CaptureQueriesContext(connection) as queries:
        assert sections_in_nav() == before
    assert '"articles_section"' not in " ".join(q["sql"] for q in queries)

    weather = Section.objects.create(name="Weather", slug="weather", position=99)
    assert sections_in_nav() == before  # no story in it yet
    ArticleFactory(published=True, section=weather)

    assert sections_in_nav() == [*before, "Weather"]


def test_edits_to_the_story_show_at_once_in_its_body_and_head(client, story):
    from articles.models import Correction

    url = story.get_absolute_url()
    fetch(client, url)
    author = story.bylines.first().author
    story.headline = "Tide barrier closes for the winter"
    story.save()
    author.display_name = "Marta Kowalska-Reed"
    author.save()
    Correction.objects.create(
        article=story, kind="correction", note="An earlier version misnamed the barrier."
    )

    html, _ = fetch(client, url)

    assert "<h1>Tide barrier closes for the winter</h1>" in html
    assert 'property="og:title" content="Tide barrier closes for the winter"' in html
    assert "Marta Kowalska-Reed" in html and '"name": "Marta Kowalska-Reed"' in html  # byline and JSON-LD
    assert "An earlier version misnamed the barrier." in html


def test_a_form_served_from_the_cache_posts_with_fresh_tokens(story, settings):
    from comments.models import PendingComment
    from tests.comments.conftest import Commenter, form_fields

    settings.COMMENTS_FLOOD_SECONDS = 0
    reader = Client(enforce_csrf_checks=True)
    first = form_fields(reader.get(story.get_absolute_url()).content.decode())
    second = form_fields(reader.get(story.get_absolute_url()).content.decode())  # from the fragment
    assert {"csrfmiddlewaretoken", "timestamp", "security_hash", "object_pk"} <= second.keys()
    assert not any(value.startswith("nr-") for value in second.values())  # no stand-in left
    assert second["object_pk"] == first["object_pk"] == str(story.pk)

    response = Commenter(reader).post(story.get_absolute_url(), comment="Posted from a cached form.")

    assert response.status_code == 200
    assert PendingComment.objects.filter(comment="Posted from a cached form.").count() == 1


def test_a_cached_front_page_runs_no_query_and_matches_a_fresh_rendering(client, plain_newsroom, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    fresh = client.get("/").content.decode()
    settings.FRAGMENT_CACHE_SECONDS = 600
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        cached = client.get("/").content.decode()
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert cached == fresh


def test_the_front_page_follows_publishing_edits_comments_and_section_names(client, story, editor):
    from bs4 import BeautifulSoup

    client.get("/")
    draft = ArticleFactory(headline="Ferry pier to be rebuilt", section=story.section)
    services.publish_article(article=draft, by=editor)
    story.headline = "Tide barrier closes for the winter"
    story.save()
    make_comment(story, text="Counted on the front page.")
    story.section.name = "Harbour & Coast"
    story.section.save()

    soup = BeautifulSoup(client.get("/").content, "html.parser")

    latest = [a.get_text(strip=True) for a in soup.select(".latest .card-headline a")]
    assert "Ferry pier to be rebuilt" in latest
    block = soup.find("section", attrs={"aria-labelledby": f"section-{story.section.slug}"})
    assert block.find("h2").get_text(strip=True) == "Harbour & Coast"
    assert "Ferry pier to be rebuilt" in block.get_text()
    card = next(
        c for c in soup.select("article.card") if "Tide barrier closes for the winter" in c.get_text()
    )
    assert "1 comment" in card.get_text()


def test_api_list_entries_come_from_the_cache_and_follow_every_change(client, story, editor):
    url = "/api/v1/articles/?page_size=20"
    first = client.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url).json()
    assert len(queries) == 1, [q["sql"] for q in queries]  # the page of articles; entries from the cache
    assert second == first

    story.headline = "Tide barrier closes for the winter"
    story.save()
    make_comment(story, text="Counted in the API.")
    author = story.bylines.first().author
    author.display_name = "Marta Kowalska-Reed"
    author.save()

    entry = next(e for e in client.get(url).json()["results"] if e["id"] == story.pk)
    assert entry["headline"] == "Tide barrier closes for the winter"
    assert entry["comment_count"] == 1
    assert "Marta Kowalska-Reed" in [b["display_name"] for b in entry["bylines"]]


def test_staff_api_clients_get_entries_built_for_them(client, story, editor):
    from rest_framework.authtoken.models import Token

    draft = ArticleFactory(headline="Embargoed until Friday", section=story.section)
    client.get("/api/v1/articles/?page_size=20")  # anonymous entries cached
    token = Token.objects.create(user=editor)
    with CaptureQueriesContext(connection) as queries:
        staff = client.get("/api/v1/articles/?page_size=20", HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert any(e["id"] == draft.pk and e["status"] == "draft" for e in staff["results"])
    assert '"articles_byline"' in " ".join(q["sql"] for q in queries)  # built, not read from the cache


def test_api_detail_comes_from_the_cache_and_follows_every_change(client, story, editor):
    other = ArticleFactory(published=True, headline="Pier reopens", section=story.section)
    waiting = ArticleFactory(headline="Pier inquiry report", section=story.section)  # a draft, for now
    RelatedArticle.objects.filter(article=story).delete()
    RelatedArticle.objects.create(article=story, related=other, position=0)
    RelatedArticle.objects.create(article=story, related=waiting, position=1)
    url = f"/api/v1/articles/{story.pk}/"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second.json() == first.json() and second["ETag"] == first["ETag"]
    assert "Last-Modified" not in second  # validated by ETag only (tests/api/test_http_caching.py)
    assert [r["headline"] for r in second.json()["related"]] == ["Pier reopens"]

    story.body = "<p>The barrier closed at noon.</p>"
    story.save()
    make_comment(story, text="Counted in the API detail.")
    other.headline = "Pier reopens after repairs"
    other.save()
    services.publish_article(article=waiting, by=editor)

    after = client.get(url)
    detail = after.json()
    assert detail["body"] == "<p>The barrier closed at noon.</p>"
    assert detail["comment_count"] == 1
    assert [r["headline"] for r in detail["related"]] == ["Pier reopens after repairs", "Pier inquiry report"]
    assert after["ETag"] != first["ETag"]

    services.unpublish_article(article=story, by=editor)
    assert client.get(url).status_code == 410  # gone: taken off the site (articles/removed/)


def test_staff_api_clients_get_a_detail_built_for_them(client, story, editor):
    from rest_framework.authtoken.models import Token

    draft = ArticleFactory(headline="Embargoed until Friday", section=story.section)
    anonymous = client.get(f"/api/v1/articles/{draft.pk}/")
    client.get(f"/api/v1/articles/{story.pk}/")  # the published one is cached for anonymous clients
    token = Token.objects.create(user=editor)
    with CaptureQueriesContext(connection) as queries:
        staff = client.get(f"/api/v1/articles/{draft.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
        staff_story = client.get(f"/api/v1/articles/{story.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    article_reads = sum('FROM "articles_article"' in q["sql"] for q in queries)

    assert article_reads >= 2  # both read from the database, not the anonymous entry
    assert staff.status_code == 200 and staff.json()["status"] == "draft"
    assert staff_story.status_code == 200 and staff_story["Cache-Control"].startswith("private")
    assert anonymous.status_code == 404 and client.get(f"/api/v1/articles/{draft.pk}/").status_code == 404


def list_of(html):
    """The stories listed on a section, tag or author page."""
    start = html.index('class="article-list"')
    return html[start : html.index("</ol>", start)]


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_list_pages_read_no_story_while_their_list_is_current(client, story, kind):
    author = story.bylines.first().author
    owner = {"section": story.section, "tag": story.tags.first(), "author": author}[kind]
    url = owner.get_absolute_url()
    first, first_sql = fetch(client, url)
    assert '"articles_article"' in first_sql

    second, second_sql = fetch(client, url)

    assert '"articles_article"' not in second_sql  # only the section, tag or author itself
    assert list_of(second) == list_of(first)

    story.headline = "Ferry timetable rewritten for the winter"
    story.save()
    newest = ArticleFactory(published=True, section=story.section, headline="Harbour master retires")
    newest.tags.add(story.tags.first())
    newest.bylines.create(author=author, position=0)

    after = list_of(fetch(client, url)[0])
    assert "Ferry timetable rewritten for the winter" in after
    assert after.index("Harbour master retires") < after.index("Ferry timetable rewritten for the winter")


def test_a_list_page_that_no_longer_exists_is_a_404_even_if_it_was_cached(client, editor):
    from tests.factories import SectionFactory

    harbour = SectionFactory(slug="harbour", name="Harbour")
    stories = [ArticleFactory(published=True, section=harbour) for _ in range(21)]
    assert client.get("/harbour/?page=2").status_code == 200  # the oldest story, now cached
    assert client.get("/harbour/?page=2").status_code == 200

    services.unpublish_article(article=stories[-1], by=editor)

    assert client.get("/harbour/?page=2").status_code == 404
    assert client.get("/harbour/").status_code == 200


def results_of(html):
    """The headlines of a search page's results, in order."""
    return re.findall(r'<h2 class="card-headline"><a href="[^"]*">([^<]*)</a>', html)


def test_a_search_asked_again_reads_no_story_and_follows_every_change_at_once(client, editor):
    stories = [ArticleFactory(published=True, headline=f"Lighthouse keepers log, day {n}") for n in range(3)]
    ArticleFactory(published=True, headline="Regatta timetable for the winter")
    url = "/search/?q=lighthouse"
    first, first_sql = fetch(client, url)
    assert "articles_searchdocument" in first_sql and len(results_of(first)) == 3

    second, second_sql = fetch(client, url)
    assert '"articles_article"' not in second_sql and "articles_searchdocument" not in second_sql
    assert results_of(second) == results_of(first) and "3 articles found." in second
    assert results_of(fetch(client, "/search/?q=regatta")[0]) == ["Regatta timetable for the winter"]

    ArticleFactory(published=True, headline="Lighthouse to be sold")  # joins the results
    stories[0].headline = "Lighthouse keeper retires after forty years"  # changes its card
    stories[0].save()
    services.unpublish_article(article=stories[1], by=editor)  # leaves them
    ArticleFactory(headline="Lighthouse sale: the draft")  # a draft: never found

    after = results_of(fetch(client, url)[0])
    assert sorted(after) == sorted(
        ["Lighthouse to be sold", "Lighthouse keeper retires after forty years", stories[2].headline]
    )


def test_a_page_of_results_that_no_longer_exists_is_a_404_even_if_it_was_cached(client, editor):
    stories = [ArticleFactory(published=True, headline=f"Harbour report {n}") for n in range(21)]
    assert len(results_of(fetch(client, "/search/?q=harbour&page=2")[0])) == 1
    assert client.get("/search/?q=harbour&page=2").status_code == 200  # from the cache

    services.unpublish_article(article=stories[0], by=editor)

    assert client.get("/search/?q=harbour&page=2").status_code == 404
    assert "20 articles found." in fetch(client, "/search/?q=harbour")[0]

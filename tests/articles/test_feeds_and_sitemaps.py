from datetime import timedelta
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article, Section
from articles.templatetags.newsroom_site import iso_time
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, TagFactory
from tests.site_data import page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
HIDDEN = ("secret-draft", "in-review", "scheduled-story", "withdrawn-story")


@pytest.fixture(autouse=True)
def _renditions_drawn_where_looked_at():
    """A feed's enclosure gives the size of the rendition's file: drawn when an image is saved."""


def xml(response):
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own output, in a test


def as_read(html):
    """A feed's description or summary, HTML, as a feed reader shows it."""
    return BeautifulSoup(html, "html.parser").get_text()


def test_site_rss_feed_carries_full_metadata_of_published_articles(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    response = client.get("/feed/")

    assert response["Content-Type"].startswith("application/rss+xml")
    channel = xml(response).find("channel")
    items = channel.findall("item")
    articles = newsroom["articles"]
    assert [item.findtext("title") for item in items] == [a.headline for a in articles]
    first, article = items[0], articles[0]
    url = f"https://news.example.org{article.get_absolute_url()}"
    assert first.findtext("link") == url
    assert first.findtext("guid") == url
    assert as_read(first.findtext("description")) == article.dek
    assert first.findtext("pubDate")
    assert first.findtext(f"{DC}creator") == "Amira Haddad and Tom Becker"
    assert [c.text for c in first.findall("category")] == ["World", "Climate", "Elections", "Energy"]
    enclosure = first.find("enclosure")
    assert enclosure.get("url").startswith("https://news.example.org/media/renditions/")
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) > 0
    assert "private.example" not in response.content.decode()
    assert not any(slug in response.content.decode() for slug in HIDDEN)


def test_site_atom_feed_has_entries_with_authors_dates_and_enclosures(client, newsroom):
    feed = xml(client.get("/feed/atom/"))

    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(newsroom["articles"])
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == newsroom["articles"][0].headline
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Amira Haddad and Tom Becker"
    assert as_read(entry.findtext(f"{ATOM}summary")) == newsroom["articles"][0].dek
    assert entry.find(f"{ATOM}link[@rel='enclosure']") is not None
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")][0] == "World"


@pytest.mark.parametrize(
    ("dek", "body", "read"),
    [
        (
            'Write to <desk@example.org>: 5 < 7 & "more"',
            "<p>Unused.</p>",
            'Write to <desk@example.org>: 5 < 7 & "more"',
        ),
        ("", "<p>Q&amp;A: R&amp;D &lt;b&gt; 5 &lt; 7</p>", "Q&A: R&D <b> 5 < 7"),
        ("", "<p>The vote passed.</p><ul><li>Piers</li><li>Paths</li></ul>", "The vote passed. Piers Paths"),
    ],
)
def test_a_feed_s_summary_is_html_that_reads_as_the_standfirst_or_the_text(
    client, fresh_cache, dek, body, read
):
    ArticleFactory(published=True, dek=dek, body=body)

    rss = xml(client.get("/feed/")).find("channel/item")
    atom = xml(client.get("/feed/atom/")).find(f"{ATOM}entry/{ATOM}summary")

    assert atom.get("type") == "html"
    for summary in (rss.findtext("description"), atom.text):
        assert as_read(summary) == read


def test_control_characters_pasted_into_a_story_leave_the_feeds_and_news_sitemap_readable(
    client, fresh_cache
):
    # Invisible, and not allowed in XML: a headline with one made every feed it was in a 500.
    tag = TagFactory(name="Tide\x1btables", slug="tide-tables")
    article = ArticleFactory(
        published=True, headline="Pasted\x08 headline\x01", dek="A\x02 standfirst", body="<p>Te\x07xt</p>"
    )
    article.tags.add(tag)
    ArticleFactory(published=True, section=article.section, dek="", body="<p>Only\x0e text</p>")

    for path in ("/feed/", f"{article.section.get_absolute_url()}feed/atom/", "/tag/tide-tables/feed/"):
        feed = xml(client.get(path))
        assert "Pasted headline" in ElementTree.tostring(feed, encoding="unicode"), path
    rss = xml(client.get("/feed/")).find("channel")
    assert [i.findtext("title") for i in rss.findall("item")][1] == "Pasted headline"
    assert as_read(rss.findall("item")[1].findtext("description")) == "A standfirst"
    assert as_read(rss.findall("item")[0].findtext("description")) == "Only text"
    assert "Tidetables" in [c.text for c in rss.findall("item/category")]
    news = xml(client.get("/sitemap-news.xml"))
    assert "Pasted headline" in [t.text for t in news.iter(f"{NEWS}title")]


def test_a_control_character_saved_before_the_rule_leaves_every_feed_and_the_news_sitemap_readable(
    client, fresh_cache
):
    """Saving takes control characters out now; a section's name (which saving never cleaned) or a story
    saved before still held one, and every feed it was in answered 500."""
    article = ArticleFactory(published=True, tags=[TagFactory(name="Tides", slug="tides")])
    Article.objects.filter(pk=article.pk).update(headline="Old\x08 headline")
    Section.objects.filter(pk=article.section_id).update(name="Harbour\x1b desk", description="Ships\x07")
    Author.objects.filter(pk=article.bylines.get().author_id).update(display_name="Ada\x0bReporter")

    section = article.section.get_absolute_url()
    for path in ("/feed/", "/feed/atom/", f"{section}feed/", f"{section}feed/atom/", "/tag/tides/feed/"):
        feed = ElementTree.tostring(xml(client.get(path)), encoding="unicode")
        assert "Old headline" in feed and "Harbour desk" in feed and "\x08" not in feed, path
    assert "Ada Reporter" in ElementTree.tostring(xml(client.get("/feed/")), encoding="unicode")
    news = xml(client.get("/sitemap-news.xml"))
    assert "Old headline" in [t.text for t in news.iter(f"{NEWS}title")]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/world/feed/", lambda a: a.section.slug == "world"),
        ("/tag/ports/feed/", lambda a: "ports" in [t.slug for t in a.tags.all()]),
        ("/authors/amira-haddad/feed/", lambda a: "amira-haddad" in [b.author.slug for b in a.bylines.all()]),
    ],
)
def test_section_tag_and_author_feeds_hold_only_their_published_articles(client, newsroom, path, expected):
    for atom in (False, True):
        feed = xml(client.get(path + ("atom/" if atom else "")))
        if atom:
            titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
        else:
            titles = [i.findtext("title") for i in feed.find("channel").findall("item")]
        wanted = [a.headline for a in newsroom["articles"] if expected(a)]
        assert wanted and titles == wanted


@pytest.mark.parametrize("path", ["/nowhere/feed/", "/tag/nowhere/feed/atom/", "/authors/nobody/feed/"])
def test_feeds_of_unknown_things_are_not_found(client, fresh_cache, path):
    assert client.get(path).status_code == 404


def test_robots_txt_points_at_the_sitemaps(client, settings, fresh_cache):
    settings.SITE_URL = "https://news.example.org"
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines


def test_the_footer_offers_readers_their_comment_data_not_the_sitemaps_xml(client, fresh_cache):
    """The sitemap is for search engines (robots.txt names it); a reader following the footer's "Sitemap"
    got a page of raw XML. The footer links to what a reader can use: the feeds, the journalists, and the
    page where a commenter gets a copy of their data or erases it."""
    footer = page(client.get("/")).select_one("footer.site-footer")
    links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}

    assert links == {
        "RSS feed": "/feed/",
        "Atom feed": "/feed/atom/",
        "Our journalists": "/authors/",
        "Your comment data": "/comments/my-data/",
    }
    assert client.get(links["Your comment data"]).status_code == 200


def test_favicon_ico_leads_to_the_sites_icon(client, fresh_cache):
    """Browsers ask for /favicon.ico on pages that name no icon (the browsable API): not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/img/favicon") and response["Location"].endswith(".svg")
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg")  # the file it names (tests serve no static files)


def test_sitemap_index_lists_articles_sections_authors_and_news(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    index = xml(client.get("/sitemap.xml"))

    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert locations == [
        "https://news.example.org/sitemap-articles.xml",
        "https://news.example.org/sitemap-sections.xml",
        "https://news.example.org/sitemap-authors.xml",
        "https://news.example.org/sitemap-news.xml",
    ]
    for location in locations:
        assert client.get(location.removeprefix("https://news.example.org")).status_code == 200


def test_article_sitemap_lists_every_published_article_and_nothing_else(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    urlset = xml(client.get("/sitemap-articles.xml"))

    locations = sorted(loc.text for loc in urlset.iter(f"{SITEMAP}loc"))
    assert locations == sorted(
        f"https://news.example.org{a.get_absolute_url()}" for a in newsroom["articles"]
    )
    assert all(url.find(f"{SITEMAP}lastmod") is not None for url in urlset)


def test_section_and_author_sitemaps(client, newsroom):
    sections = [loc.text for loc in xml(client.get("/sitemap-sections.xml")).iter(f"{SITEMAP}loc")]
    authors = [loc.text for loc in xml(client.get("/sitemap-authors.xml")).iter(f"{SITEMAP}loc")]

    assert [url.rsplit("/", 2)[-2] for url in sections] == ["world", "politics", "business", "science"]
    assert sorted(url.rsplit("/", 2)[-2] for url in authors) == sorted(a.slug for a in newsroom["authors"])


def test_author_sitemap_leaves_out_authors_with_only_drafts(client, fresh_cache):
    ArticleFactory(authors=[AuthorFactory(slug="draft-only")])
    ArticleFactory(published=True, authors=[AuthorFactory(slug="published-author")])

    body = client.get("/sitemap-authors.xml").content.decode()

    assert "published-author" in body
    assert "draft-only" not in body


def test_news_sitemap_holds_the_last_two_days_with_news_tags(client, fresh_cache, settings):
    settings.SITE_URL = "https://news.example.org"
    recent = ArticleFactory(
        published=True, headline="Fresh & new", published_at=timezone.now() - timedelta(hours=30)
    )
    ArticleFactory(published=True, headline="Old story", published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(headline="Draft story")

    urlset = xml(client.get("/sitemap-news.xml"))

    urls = urlset.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [
        f"https://news.example.org{recent.get_absolute_url()}"
    ]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Fresh & new"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == settings.SITE_NAME
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == iso_time(recent.published_at)


def test_feed_links_use_the_public_address_not_the_request_host(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"

    feed = xml(client.get("/world/feed/atom/"))

    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert links and all(href.startswith("https://news.example.org/") for href in links)
    assert "https://news.example.org/world/feed/atom/" in links


@pytest.mark.parametrize(
    "path",
    ["/feed/", "/feed/atom/", "/world/feed/", "/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml"],
)
def test_feeds_and_sitemaps_are_revalidated_like_the_pages(client, newsroom, path):
    """A CDN may keep them but asks again each time (a 304 while nothing changed): a withdrawn story leaves
    them at once."""
    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    head = client.head(path)  # what a CDN or a link checker asks first
    assert head.status_code == 200 and head["ETag"] == response["ETag"]
    assert head["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert client.head(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "path", ["/feed/", "/feed/atom/", "/world/feed/", "/sitemap-articles.xml", "/sitemap-news.xml"]
)
def test_a_story_withdrawn_leaves_them_for_a_client_that_asks_by_date(client, newsroom, editor, path):
    """Their newest story's date goes back when it is withdrawn: a date-based 304 would keep it cached."""
    from articles import services

    world = next(section for section in newsroom["sections"] if section.slug == "world")
    newest = ArticleFactory(published=True, section=world, slug="withdrawn-within-the-hour")
    first = client.get(path)
    assert first.status_code == 200 and "Last-Modified" not in first
    assert newest.slug in first.content.decode()
    services.unpublish_article(article=newest, by=editor)

    again = client.get(path, HTTP_IF_MODIFIED_SINCE="Fri, 27 Nov 2099 10:57:35 GMT")
    assert again.status_code == 200 and newest.slug not in again.content.decode()


def test_feeds_of_a_tag_and_an_author_first_published_now_answer_at_once(client, fresh_cache):
    """Which tags and authors have feeds is asked each time, not fixed when the server started."""
    from tests.factories import TagFactory

    tag, author = TagFactory(slug="night-ferry"), AuthorFactory(slug="new-hire")
    ArticleFactory(
        published=True, published_at=timezone.now(), tags=[tag], authors=[author], headline="Ferry"
    )
    for path in ("/tag/night-ferry/feed/", "/authors/new-hire/feed/atom/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<title>Ferry</title>" in response.content.decode(), path

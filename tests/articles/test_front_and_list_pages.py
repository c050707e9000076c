import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Section
from tests.factories import ArticleFactory, ImageFactory, SectionFactory, TagFactory
from tests.site_data import page, text_of

pytestmark = pytest.mark.django_db

HIDDEN_HEADLINES = [
    "Secret draft about the harbour",
    "Harbour story waiting for review",
    "Harbour story for tomorrow",
    "Withdrawn harbour story",
]


def assert_no_hidden_articles(response):
    body = response.content.decode()
    for headline in HIDDEN_HEADLINES:
        assert headline not in body


def test_home_shows_breaking_featured_latest_and_a_block_per_section(client, newsroom):
    response = client.get("/")

    assert response.status_code == 200
    soup = page(response)
    articles = newsroom["articles"]
    breaking = soup.select_one(".breaking a")
    assert breaking.get_text(strip=True) == articles[0].headline
    assert breaking["href"] == articles[0].get_absolute_url()
    featured = [a.get_text(strip=True) for a in soup.select(".top-stories .card-headline a")]
    assert featured == [a.headline for a in articles[:3]]
    latest = [a.get_text(strip=True) for a in soup.select(".latest .card-headline a")]
    assert latest == [a.headline for a in articles[3:8]], "newest first, without the featured ones"
    blocks = [h2.get_text(strip=True) for h2 in soup.select(".section-block h2")]
    assert blocks == ["World", "Politics", "Business", "Science"]
    world_block = soup.select_one(".section-block").select(".card-headline a")
    assert [a["href"] for a in world_block] == [
        articles[0].get_absolute_url(),
        articles[4].get_absolute_url(),
    ]
    assert len(soup.find_all("h1")) == 1
    assert_no_hidden_articles(response)


def test_home_without_breaking_news_has_no_banner(client, fresh_cache):
    ArticleFactory(published=True, is_breaking=False)
    ArticleFactory(is_breaking=True, headline="A breaking draft")

    response = client.get("/")

    assert response.status_code == 200
    assert page(response).select_one(".breaking") is None
    assert "A breaking draft" not in response.content.decode()


def test_breaking_banner_ends_a_day_after_publication(client, fresh_cache):
    from datetime import timedelta

    from django.utils import timezone

    ArticleFactory(
        published=True,
        is_breaking=True,
        headline="Yesterday's breaking story",
        published_at=timezone.now() - timedelta(hours=25),
    )

    soup = page(client.get("/"))

    assert soup.select_one(".breaking") is None
    assert "Yesterday's breaking story" in soup.get_text(), "still listed, just not as breaking news"


def test_a_lead_story_without_a_picture_is_laid_out_as_text_alone(client, fresh_cache):
    """A lead story without a picture kept the two columns of one with a picture, its text in the first and
    the second left empty: it is marked `card-text-only`, which the stylesheet sets across the whole row."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    lead = ArticleFactory(published=True, is_featured=True, published_at=now - timedelta(hours=1))
    pictured = ArticleFactory(
        published=True, is_featured=True, lead_image=ImageFactory(), published_at=now - timedelta(hours=2)
    )

    soup = page(client.get("/"))

    lead_card, pictured_card = soup.select(".top-grid > .card")
    assert lead_card.select_one(".card-headline").get_text(strip=True) == lead.headline
    assert lead_card["class"] == ["card", "card-lead", "card-text-only"]
    assert lead_card.select_one(".card-image") is None
    assert pictured_card.select_one(".card-headline").get_text(strip=True) == pictured.headline
    assert pictured_card["class"] == ["card", "card-small"]
    assert pictured_card.select_one(".card-image img") is not None
    block_lead = soup.select_one(f"#section-{lead.section.slug}").find_parent("section").select_one(".card")
    assert block_lead["class"] == ["card", "card-block-lead", "card-text-only"], "its section's block too"


def test_empty_site_has_a_friendly_front_page(client, fresh_cache):
    response = client.get("/")

    assert response.status_code == 200
    assert "No articles have been published yet." in text_of(response)


@pytest.mark.parametrize(
    "path", ["/", "/world/", "/tag/ports/", "/authors/amira-haddad/", "/search/?q=harbour"]
)
def test_browse_by_lists_sections_in_order_and_popular_tags_on_every_page(client, newsroom, path):
    Section.objects.filter(slug="science").update(position=0)
    Section.objects.filter(slug="world").update(position=9)

    response = client.get(path)

    assert response.status_code == 200
    nav = page(response).select_one("nav.browse-by")
    sections = [a.get_text() for a in nav.select(".browse-sections a")]
    assert sections == ["Science", "Politics", "Business", "World"]
    tags = [a["href"] for a in nav.select(".browse-tags a")]
    assert tags and all(href.startswith("/tag/") for href in tags)


def test_popular_tags_count_only_published_articles(client, fresh_cache):
    popular, quiet = TagFactory(name="Popular", slug="popular"), TagFactory(name="Quiet", slug="quiet")
    ArticleFactory.create_batch(2, published=True, tags=[popular])
    ArticleFactory(published=True, tags=[quiet])
    ArticleFactory.create_batch(3, tags=[quiet])  # drafts do not count
    unused = TagFactory(name="Unused", slug="unused")

    nav = page(client.get("/")).select_one("nav.browse-by")

    assert [a.get_text() for a in nav.select(".browse-tags a")] == ["Popular", "Quiet"]
    assert unused.name not in nav.get_text()


def test_browse_by_shows_a_new_section_once_its_first_story_is_out(client, newsroom, editor):
    """Not before: a section made ahead for a package in draft ("Election 2027") would announce it."""
    from articles import services

    client.get("/")  # fills the cache
    culture = SectionFactory(name="Culture", slug="culture", position=99)
    first = ArticleFactory(section=culture, in_review=True, headline="Opera house reopens")

    def sections_in_nav():
        return [a.get_text() for a in page(client.get("/")).select("nav.browse-by .browse-sections a")]

    assert "Culture" not in sections_in_nav()
    assert client.get("/culture/").status_code == 404 and client.get("/culture/feed/").status_code == 404
    assert "/culture/" not in client.get("/sitemap-sections.xml").content.decode()
    assert "culture" not in client.get("/api/v1/sections/").content.decode()

    services.publish_article(article=first, by=editor)

    assert "Culture" in sections_in_nav()
    assert "Opera house reopens" in client.get("/culture/").content.decode()
    assert "/culture/" in client.get("/sitemap-sections.xml").content.decode()
    assert "culture" in client.get("/api/v1/sections/").content.decode()


def test_section_page_lists_only_its_published_articles_newest_first(client, newsroom):
    response = client.get("/world/")

    assert response.status_code == 200
    soup = page(response)
    assert soup.find("h1").get_text() == "World"
    assert "Reporting from around the world." in soup.select_one(".page-intro").get_text()
    expected = [a.headline for a in newsroom["articles"] if a.section.slug == "world"]
    assert [a.get_text(strip=True) for a in soup.select(".article-list .card-headline a")] == expected
    assert_no_hidden_articles(response)


def test_section_pages_are_paginated(client, fresh_cache):
    section = SectionFactory(slug="world", name="World")
    ArticleFactory.create_batch(25, published=True, section=section)

    first, second = client.get("/world/"), client.get("/world/?page=2")

    assert len(page(first).select(".article-list > li")) == 20
    assert len(page(second).select(".article-list > li")) == 5
    assert page(first).select_one(".pagination a[rel=next]")["href"] == "?page=2"
    assert page(second).find("link", rel="canonical")["href"].endswith("/world/?page=2")
    # Back to the first page by its own address, not a second one for it (?page=1).
    assert page(second).select_one(".pagination a[rel=prev]")["href"] == "/world/"
    assert "page 2" in page(second).title.get_text()


@pytest.mark.parametrize("path", ["/world/", "/tag/ports/", "/authors/amira-haddad/"])
def test_list_pages_link_newer_and_older_pages_without_counting_the_list(client, fresh_cache, path):
    """Each page reads one story more than it shows to know whether an older page follows; nothing counts
    all the stories (work that grows with the archive)."""
    from articles.models import Tag
    from authors.models import Author

    section = SectionFactory(slug="world", name="World")
    tag = Tag.objects.create(name="Ports", slug="ports")
    author = Author.objects.create(display_name="Amira Haddad", slug="amira-haddad")
    for n in range(41):
        article = ArticleFactory(published=True, section=section, headline=f"Story {n}")
        article.tags.add(tag)
        article.bylines.create(author=author, position=0)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(path)
    second, third = client.get(f"{path}?page=2"), client.get(f"{path}?page=3")
    last, beyond = client.get(f"{path}?page=last"), client.get(f"{path}?page=4")

    assert first.status_code == second.status_code == third.status_code == last.status_code == 200
    assert [len(page(r).select(".article-list > li")) for r in (first, second, third)] == [20, 20, 1]
    first_nav, second_nav, third_nav = (page(r).select_one(".pagination") for r in (first, second, third))
    assert first_nav.select_one("a[rel=next]")["href"] == "?page=2" and not first_nav.select("a[rel=prev]")
    assert second_nav.select_one("a[rel=prev]")["href"] == path  # the first page by its own address
    assert second_nav.select_one("a[rel=next]")["href"] == "?page=3"
    assert third_nav.select_one("a[rel=prev]")["href"] == "?page=2" and not third_nav.select("a[rel=next]")
    assert "Page 2" in second_nav.get_text()
    assert page(last).select(".article-list .card-headline a")[0].get_text(strip=True) == "Story 0"
    assert beyond.status_code == 404
    assert not any("COUNT(*)" in query["sql"] for query in queries.captured_queries)


def test_tag_page_lists_published_articles_with_the_tag(client, newsroom):
    response = client.get("/tag/ports/")

    assert response.status_code == 200
    soup = page(response)
    assert soup.find("h1").get_text() == "Ports"
    expected = [a.headline for a in newsroom["articles"] if "ports" in [t.slug for t in a.tags.all()]]
    assert expected
    assert [a.get_text(strip=True) for a in soup.select(".article-list .card-headline a")] == expected
    assert_no_hidden_articles(response)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "The Newsroom"),
        ("/world/", "World"),
        ("/tag/ports/", "Ports"),
        ("/authors/amira-haddad/", "Amira Haddad"),
    ],
)
def test_every_page_has_a_title_description_and_canonical_link(client, newsroom, settings, path, title):
    settings.SITE_URL = "https://news.example.org"
    soup = page(client.get(path))

    assert title in soup.title.get_text()
    assert soup.find("meta", attrs={"name": "description"})["content"].strip()
    assert soup.find("link", rel="canonical")["href"] == f"https://news.example.org{path}"

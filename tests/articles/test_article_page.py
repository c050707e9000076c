import json

import pytest

from articles.models import Correction, RelatedArticle
from articles.templatetags.newsroom_site import iso_time
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, TagFactory
from tests.site_data import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(fresh_cache):
    world = SectionFactory(name="World", slug="world")
    authors = [
        AuthorFactory(
            display_name="Amira Haddad", slug="amira-haddad", contact_email="amira@private.example"
        ),
        AuthorFactory(display_name="AFP", slug="afp", kind="agency"),
    ]
    image = ImageFactory(
        caption="Dock workers on the picket line.", credit="Jo Smith/Reuters", alt_text="Workers hold banners"
    )
    article = ArticleFactory(
        published=True,
        headline="Harbour cranes fall silent as dock workers strike",
        slug="harbour-cranes-fall-silent",
        dek="A walkout over pay stops cargo at the city's port.",
        body="<p>The union said the strike would last <strong>three days</strong>.</p>",
        section=world,
        lead_image=image,
        source_credit="With reporting by Agence France-Presse.",
        authors=authors,
        tags=[TagFactory(name="Ports", slug="ports"), TagFactory(name="Labour", slug="labour")],
    )
    Correction.objects.create(article=article, note="An earlier version gave the wrong date for the vote.")
    return article


def test_article_page_shows_the_story_with_its_metadata(client, story):
    response = client.get(story.get_absolute_url())

    assert response.status_code == 200
    soup = page(response)
    assert [h1.get_text(strip=True) for h1 in soup.find_all("h1")] == [story.headline]
    assert soup.select_one(".dek").get_text(strip=True) == story.dek
    assert soup.select_one(".kicker a")["href"] == "/world/"
    bylines = soup.select(".byline a")
    assert [(a.get_text(), a["href"]) for a in bylines] == [
        ("Amira Haddad", "/authors/amira-haddad/"),
        ("AFP", "/authors/afp/"),
    ]
    published = soup.select_one(".dates time")
    assert published["datetime"] == iso_time(story.published_at)
    assert "three days" in soup.select_one(".story-body strong").get_text()
    assert soup.select_one(".source-credit").get_text(strip=True) == "With reporting by Agence France-Presse."
    correction = soup.select_one(".corrections li")
    assert "wrong date for the vote" in correction.get_text()
    assert correction.find("time")["datetime"]
    assert correction.find("time").get_text().endswith(" UTC")  # as Published and Updated say it
    assert [a["href"] for a in soup.select(".story-tags a")] == ["/tag/labour/", "/tag/ports/"]
    assert soup.select_one("#comments-heading") is not None, "the comments block is included"
    assert "amira@private.example" not in response.content.decode()


def test_lead_image_is_responsive_with_caption_credit_and_alt_text(client, story):
    soup = page(client.get(story.get_absolute_url()))

    image = soup.select_one(".lead-image img")
    assert image["alt"] == "Workers hold banners"
    sources = [part.strip().rsplit(" ", 1) for part in image["srcset"].split(",")]
    assert [width for _, width in sources] == ["480w", "800w", "1200w"]
    assert all(url.startswith("/media/renditions/") for url, _ in sources)
    assert image["width"] == "1600" and image["height"] == "900"
    caption = soup.select_one(".lead-image figcaption").get_text(" ", strip=True)
    assert "Dock workers on the picket line." in caption
    assert "Jo Smith/Reuters" in caption


def test_article_page_has_open_graph_twitter_card_and_news_article_json_ld(client, story, settings):
    settings.SITE_URL = "https://news.example.org"
    soup = page(client.get(story.get_absolute_url()))
    url = f"https://news.example.org{story.get_absolute_url()}"

    def meta(prop):
        return [tag["content"] for tag in soup.find_all("meta", attrs={"property": prop})]

    assert soup.find("link", rel="canonical")["href"] == url
    assert soup.find("meta", attrs={"name": "description"})["content"] == story.dek
    assert meta("og:type") == ["article"]
    assert meta("og:title") == [story.headline]
    assert meta("og:url") == [url]
    assert meta("og:image")[0].startswith("https://news.example.org/media/renditions/")
    assert meta("og:image:width") == ["1200"] and meta("og:image:height") == ["630"]
    assert meta("article:published_time") == [iso_time(story.published_at)]
    assert meta("article:modified_time")
    assert meta("article:section") == ["World"]
    assert sorted(meta("article:tag")) == ["Labour", "Ports"]
    assert meta("article:author") == [
        "https://news.example.org/authors/amira-haddad/",
        "https://news.example.org/authors/afp/",
    ]
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"

    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert data["datePublished"] == iso_time(story.published_at)
    assert data["dateModified"]
    assert data["image"][0]["url"] == meta("og:image")[0]
    assert [(a["@type"], a["name"]) for a in data["author"]] == [
        ("Person", "Amira Haddad"),
        ("Organization", "AFP"),
    ]
    assert data["publisher"]["name"] == settings.SITE_NAME
    assert data["publisher"]["logo"]["url"] == "https://news.example.org/static/img/logo.png"


def test_json_ld_cannot_close_its_script_element(client, fresh_cache):
    article = ArticleFactory(published=True, headline="</script><script>alert(1)</script> & more")

    body = client.get(article.get_absolute_url()).content.decode()

    script = body.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script
    assert json.loads(script)["headline"] == article.headline
    assert "<script>alert(1)" not in body


def test_a_story_without_a_standfirst_is_described_by_its_text_as_readers_read_it(client, fresh_cache):
    article = ArticleFactory(
        published=True,
        dek="",
        body="<p>Q&amp;A: R&amp;D spending &lt;b&gt; 5 &lt; 7, &quot;up&quot; again.</p>",
    )
    soup = page(client.get(article.get_absolute_url()))
    read = 'Q&A: R&D spending <b> 5 < 7, "up" again.'

    assert soup.find("meta", attrs={"name": "description"})["content"] == read
    assert soup.find("meta", attrs={"property": "og:description"})["content"] == read
    assert soup.find("meta", attrs={"name": "twitter:description"})["content"] == read
    assert json.loads(soup.find("script", type="application/ld+json").string)["description"] == read


def test_a_description_from_the_text_keeps_a_space_between_paragraphs(client, fresh_cache):
    article = ArticleFactory(
        published=True,
        dek="",
        body="<p>The vote passed.</p><h2>Next</h2><ul><li>Piers</li><li>Paths</li></ul>",
    )
    soup = page(client.get(article.get_absolute_url()))

    assert soup.find("meta", attrs={"name": "description"})["content"] == "The vote passed. Next Piers Paths"


def test_a_story_without_a_picture_asks_for_the_small_card_and_names_no_image(client, fresh_cache):
    soup = page(client.get(ArticleFactory(published=True, lead_image=None).get_absolute_url()))

    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    assert not soup.find("meta", attrs={"name": "twitter:image"})
    assert not soup.find("meta", attrs={"property": "og:image"})


def test_share_links_are_plain_links_with_the_canonical_url_and_headline(client, story, settings):
    settings.SITE_URL = "https://news.example.org"
    soup = page(client.get(story.get_absolute_url()))
    url = f"https://news.example.org{story.get_absolute_url()}"

    links = {a["class"][0]: a["href"] for a in soup.select(".share a")}
    assert set(links) == {
        "share-x",
        "share-facebook",
        "share-linkedin",
        "share-bluesky",
        "share-mastodon",
        "share-email",
        "share-copy",
    }
    from urllib.parse import quote_plus

    assert links["share-x"].startswith("https://x.com/intent/post?")
    assert quote_plus(url) in links["share-x"] and quote_plus(story.headline) in links["share-x"]
    assert links["share-facebook"] == f"https://www.facebook.com/sharer/sharer.php?u={quote_plus(url)}"
    assert quote_plus(url) in links["share-linkedin"]
    assert links["share-bluesky"].startswith("https://bsky.app/intent/compose?text=")
    assert "/share?text=" in links["share-mastodon"]
    assert links["share-email"].startswith("mailto:?subject=")
    assert links["share-copy"] == url
    # Those that open a new tab (the networks) say so to screen readers.
    new_tab = {a["class"][0] for a in soup.select(".share a") if a.get("target") == "_blank"}
    said = {a["class"][0] for a in soup.select(".share a") if "(opens in a new tab)" in a.get_text()}
    assert new_tab == said == set(links) - {"share-email", "share-copy"}
    # No third-party scripts and no inline ones: every script is our own file under /static/.
    scripts = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
    assert "/static/js/site.js" in [s.get("src") for s in scripts]
    assert all(s.get("src", "").startswith("/static/") and not s.string for s in scripts)
    assert not soup.find("img", src=lambda src: src and not src.startswith("/"))


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "unpublished"])
def test_articles_readers_may_not_see_answer_404(client, fresh_cache, state):
    hidden = ArticleFactory(**({state: True} if state != "draft" else {}), headline="Not for readers")
    # Give it a plausible address: the one it would have if it were published now.
    response = client.get(hidden.get_absolute_url())

    assert response.status_code == 404
    assert "Not for readers" not in response.content.decode()
    assert "couldn’t find that page" in response.content.decode()


def test_an_unknown_slug_is_not_found_and_a_known_one_elsewhere_leads_to_the_article(client, story):
    url = story.get_absolute_url()
    SectionFactory(slug="business")

    assert client.get(url.replace(story.slug, "no-such-story")).status_code == 404
    assert client.get(f"/world/1999/02/31/{story.slug}/").status_code == 404, "a date that does not exist"
    for elsewhere in (url.replace("/world/", "/business/"), f"/world/1999/01/01/{story.slug}/"):
        response = client.get(elsewhere)
        assert response.status_code == 301
        assert response["Location"] == url


def test_related_articles_put_editor_choices_first_then_the_closest_published(client, fresh_cache):
    world, business = SectionFactory(slug="world"), SectionFactory(slug="business")
    ports, strikes, energy = TagFactory(slug="ports"), TagFactory(slug="strikes"), TagFactory(slug="energy")
    article = ArticleFactory(published=True, section=world, tags=[ports, strikes], headline="The story")
    chosen = ArticleFactory(published=True, section=business, headline="Chosen by the editor")
    two_tags = ArticleFactory(
        published=True, section=business, tags=[ports, strikes], headline="Two shared tags"
    )
    one_tag_same_section = ArticleFactory(
        published=True, section=world, tags=[ports], headline="Tag and section"
    )
    same_section = ArticleFactory(published=True, section=world, headline="Same section only")
    ArticleFactory(published=True, section=business, tags=[energy], headline="Unrelated")
    draft = ArticleFactory(section=world, tags=[ports, strikes], headline="A related draft")
    unpublished = ArticleFactory(unpublished=True, section=world, tags=[ports], headline="Withdrawn")
    for position, other in enumerate([draft, chosen, unpublished]):
        RelatedArticle.objects.create(article=article, related=other, position=position)

    soup = page(client.get(article.get_absolute_url()))

    headlines = [a.get_text(strip=True) for a in soup.select(".read-more .card-headline a")]
    assert headlines == [
        chosen.headline,
        two_tags.headline,
        one_tag_same_section.headline,
        same_section.headline,
    ]


def test_a_related_story_without_a_picture_is_marked_text_only_beside_the_pictured_ones(client, fresh_cache):
    """A "Read more" card without a picture started its text where its neighbours' pictures start: it is
    marked `card-text-only`, which the stylesheet gives a plain panel the size of their pictures on wide
    screens and the whole width on a phone."""
    world = SectionFactory(slug="world")
    article = ArticleFactory(published=True, section=world)
    pictured = ArticleFactory(published=True, section=world, lead_image=ImageFactory(), headline="Pictured")
    ArticleFactory(published=True, section=world, headline="Without a picture")

    soup = page(client.get(article.get_absolute_url()))

    cards = {
        card.select_one(".card-headline").get_text(strip=True): card
        for card in soup.select(".read-more .card")
    }
    assert set(cards) == {"Without a picture", pictured.headline}
    assert cards["Without a picture"]["class"] == ["card", "card-text-only"]
    assert cards["Without a picture"].select_one(".card-image") is None
    assert cards[pictured.headline]["class"] == ["card"]
    assert cards[pictured.headline].select_one(".card-image img") is not None


def test_related_articles_never_include_the_article_itself(fresh_cache):
    from articles.models import Article
    from articles.related import related_articles

    article = ArticleFactory(published=True, tags=[TagFactory()])
    ArticleFactory(published=True, section=article.section)

    related = related_articles(Article.objects.for_detail().get(pk=article.pk))

    assert article.pk not in [a.pk for a in related]
    assert len(related) == 1


def test_related_articles_score_only_the_newest_of_each_shared_tag_read_from_its_index(
    fresh_cache, monkeypatch
):
    """However many stories a tag has, "Read more" scores its newest few hundred, read from the index on
    (tag, article): not by walking every published article until enough carry the tag."""
    from django.db import connection

    from articles import related
    from articles.models import Article

    ports = TagFactory(slug="ports")
    older = [ArticleFactory(published=True, tags=[ports]) for _ in range(3)]
    newest = ArticleFactory(published=True, tags=[ports])
    article = Article.objects.for_detail().get(pk=ArticleFactory(published=True, tags=[ports]).pk)
    monkeypatch.setattr(related, "CANDIDATES", 2)  # the story itself and the newest other one

    scored = related.related_articles(article, limit=10)

    assert [a.pk for a in scored] == [newest.pk]
    assert not {a.pk for a in older} & {a.pk for a in scored}
    # As in a big archive, where one tag is a small part of the table: its own index, not a walk of all.
    others = TagFactory.create_batch(200)
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article_id=story.pk, tag_id=tag.pk) for story in older for tag in others
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article_tags")
        plan = related.newest_with_tag(ports.pk).explain()
    assert "articles_article_tags_newest" in plan


def test_preview_link_still_shows_a_draft_without_indexing(client, fresh_cache):
    from articles.previews import preview_url

    draft = ArticleFactory(headline="Draft for the desk")

    response = client.get(preview_url(draft))

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    soup = page(response)
    assert "Draft for the desk" in soup.find("h1").get_text()
    assert soup.select_one(".share") is None, "no share links to an address that is not live yet"


def test_the_mastodon_share_link_goes_to_the_newsrooms_own_instance(client, story, settings):
    settings.MASTODON_SHARE_URL = "https://social.example.net/share"
    soup = page(client.get(story.get_absolute_url()))

    link = soup.select_one(".share a.share-mastodon")["href"]

    assert link.startswith("https://social.example.net/share?text=")
    assert story.slug in link


def test_a_page_the_cache_may_share_renders_its_comment_form_without_a_csrf_warning(client, story, settings):
    """The shared page carries no token (csrf.js fetches one); rendering it must not warn, in DEBUG, that
    `{% csrf_token %}` had no value, once per page in the server's log."""
    import warnings

    settings.DEBUG = True
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 60, 600
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.get(story.get_absolute_url())

    assert response.status_code == 200 and 'class="comment-form"' in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not [w for w in caught if "csrf_token" in str(w.message)]

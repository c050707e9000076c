"""A reader on a desktop and on a phone: home -> section -> article -> author -> search, in real Chromium."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.site_data import build_newsroom

pytestmark = pytest.mark.browser

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect, PlaywrightTimeout = playwright.expect, playwright.TimeoutError


def no_sideways_scrolling(tab):
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


ALL_LOADED = """selector => {
    const images = [...document.querySelectorAll(selector)];
    return images.length > 0 && images.every(image => image.complete && image.naturalWidth > 0);
}"""


def images_loaded(tab, selector):
    """Whether every image the selector finds loads. Card images are `loading="lazy"`: on a phone one may be
    below the fold when the page's load event fires, so each is scrolled into view and given a few seconds."""
    for image in tab.locator(selector).all():
        image.scroll_into_view_if_needed()
    try:
        tab.wait_for_function(ALL_LOADED, arg=selector, timeout=5000)
    except PlaywrightTimeout:
        return False
    return True


def test_reader_goes_from_home_to_section_article_author_and_search(reader, site):
    data = build_newsroom(12)
    article = data["articles"][0]

    reader.goto(site.url + "/")
    assert reader.title().startswith("The Newsroom")
    assert reader.locator(".breaking a").inner_text() == article.headline
    assert images_loaded(reader, ".top-stories img")
    assert no_sideways_scrolling(reader)
    screenshot(reader, "home")

    reader.locator(".browse-sections a", has_text="World").click()
    reader.wait_for_url(re.compile(r"/world/$"))
    assert reader.locator("h1").inner_text() == "World"
    assert reader.locator(".article-list > li").count() == 3
    assert no_sideways_scrolling(reader)
    screenshot(reader, "section")

    reader.locator(".article-list").get_by_role("link", name=article.headline, exact=True).click()
    reader.wait_for_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    assert reader.locator("h1").inner_text() == article.headline
    assert images_loaded(reader, ".lead-image img")
    current = reader.eval_on_selector(".lead-image img", "img => img.currentSrc")
    assert "/media/renditions/" in current
    assert reader.locator(".read-more .card").count() >= 3
    assert reader.locator(".share a").count() == 7
    assert no_sideways_scrolling(reader)
    screenshot(reader, "article")

    reader.locator(".byline a", has_text="Amira Haddad").click()
    reader.wait_for_url(re.compile(r"/authors/amira-haddad/$"))
    assert reader.locator("h1").inner_text() == "Amira Haddad"
    assert reader.locator(".job-title").inner_text() == "Political correspondent"
    assert "private.example" not in reader.content()
    assert no_sideways_scrolling(reader)
    screenshot(reader, "author")

    search = reader.get_by_label("Search articles")
    search.fill("ferry piers")
    search.press("Enter")
    reader.wait_for_url(re.compile(r"/search/\?q=ferry"))
    assert "Results for “ferry piers”" in reader.locator("h1").inner_text()
    first = reader.locator(".search-results .card-headline a").first
    assert first.inner_text().startswith("Council approves the new ferry piers")
    assert no_sideways_scrolling(reader)
    screenshot(reader, "search")

    reader.goto(site.url + "/tag/climate/")
    assert reader.locator("h1").inner_text() == "Climate"
    screenshot(reader, "tag")

    assert reader.console_errors == [], "no broken images, styles or scripts on the way"

    response = reader.goto(site.url + "/no-such-page/")
    assert response.status == 404
    assert reader.locator("h1").inner_text() == "We couldn’t find that page"
    screenshot(reader, "not-found")

    assert reader.outside_requests == [], "the site must not call any third party"


def test_site_works_without_javascript(chromium, site):
    data = build_newsroom(6, images=False)
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    tab = context.new_page()
    try:
        tab.goto(site.url + "/")
        tab.locator(".top-stories .card-headline a").first.click()
        assert tab.locator("h1").inner_text() == data["articles"][0].headline
        copy = tab.locator(".share-copy")
        assert copy.get_attribute("href") == site.url + data["articles"][0].get_absolute_url()
        tab.get_by_label("Search articles").fill("battery trains")
        tab.get_by_role("button", name="Search").first.click()
        tab.wait_for_url(re.compile(r"/search/"))
        assert (
            tab.locator(".search-results .card-headline a").first.inner_text()
            == "Rail operator orders battery trains"
        )
    finally:
        context.close()


def test_copy_link_puts_the_article_address_on_the_clipboard(chromium, site):
    data = build_newsroom(2, images=False)
    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    tab = context.new_page()
    try:
        tab.goto(site.url + data["articles"][0].get_absolute_url())
        tab.locator(".share-copy").click()
        expect(tab.locator(".copy-status")).to_have_text("Link copied")
        assert (
            tab.evaluate("navigator.clipboard.readText()")
            == site.url + data["articles"][0].get_absolute_url()
        )
        assert tab.url.endswith(data["articles"][0].get_absolute_url()), "the click did not navigate away"
    finally:
        context.close()


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(chromium, site):
    build_newsroom(2, images=False)
    context = chromium.new_context()
    tab = context.new_page()
    try:
        tab.goto(site.url + "/")
        tab.keyboard.press("Tab")
        focused = tab.evaluate("document.activeElement.className")
        assert focused == "skip-link"
        box = tab.locator(".skip-link").bounding_box()
        assert box["y"] >= 0, "the focused skip link is visible on screen"
        outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "focus is visible"
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()


def test_a_word_longer_than_the_line_breaks_instead_of_widening_the_page(reader, site):
    """A 200-letter search, or a pasted token in a comment, used to make the page scroll sideways."""
    from tests.comments.helpers import make_comment

    data = build_newsroom(2, images=False)
    article = data["articles"][0]
    make_comment(article, name="N" * 50, text="Token: " + "x" * 300)
    reader.goto(site.url + "/search/?q=" + "y" * 200)
    assert reader.locator("h1").is_visible()
    assert no_sideways_scrolling(reader), "the search page scrolls sideways"
    reader.goto(site.url + article.get_absolute_url() + "#comments")
    assert reader.locator(".comment-text").first.inner_text().startswith("Token: xxx")
    assert no_sideways_scrolling(reader), "the article page scrolls sideways"
    badge = reader.locator(".comment-avatar").first.bounding_box()
    assert round(badge["width"]) == round(badge["height"]), badge  # a round initial, not a squashed oval
    screenshot(reader, "long-words")


@pytest.mark.parametrize("width", [320, 195], ids=["small-phone", "phone-at-200%-zoom"])
def test_the_header_fits_a_small_phone_and_a_zoomed_one(chromium, site, width):
    """The masthead's column could not be narrower than the name and the search form: at 320 px the page
    scrolled sideways, and at 200% zoom the name was cut and the Search button off the screen."""
    build_newsroom(2, images=False)
    context = chromium.new_context(viewport={"width": width, "height": 640})
    tab = context.new_page()
    tab.viewport_name = f"{width}px"
    tab.goto(site.url + "/")

    assert no_sideways_scrolling(tab)
    button = tab.locator(".search-form button").bounding_box()
    assert button["x"] + button["width"] <= width
    assert tab.locator(".site-name").bounding_box()["width"] <= width
    screenshot(tab, f"header-{width}")
    context.close()


ROWS_OF_CARDS = """grid => {
    const edges = {};
    for (const card of grid.querySelectorAll(":scope > .card")) {
        const box = card.getBoundingClientRect();
        const row = edges[Math.round(box.top)] ??= {left: box.left, right: box.right};
        row.left = Math.min(row.left, box.left);
        row.right = Math.max(row.right, box.right);
    }
    return Object.values(edges);
}"""


@pytest.mark.parametrize("featured", [3, 4], ids=["two-under-the-lead", "three-under-the-lead"])
def test_the_top_stories_under_the_lead_fill_their_rows_on_a_tablet(chromium, site, featured):
    """At tablet widths the top stories were laid out three to a row: two under the lead left a third of the
    row empty."""
    from articles.models import Article

    data = build_newsroom(6)
    Article.objects.filter(pk=data["articles"][3].pk).update(is_featured=featured == 4)
    context = chromium.new_context(viewport={"width": 900, "height": 1200})
    try:
        tab = context.new_page()
        tab.viewport_name = "900px"
        tab.goto(site.url + "/")
        grid = tab.locator(".top-grid")
        assert grid.locator(":scope > .card").count() == featured
        box = grid.bounding_box()
        rows = grid.evaluate(ROWS_OF_CARDS)
        assert len(rows) == 1 + (featured - 1 + 1) // 2, rows  # the lead, then two to a row
        for row in rows:
            assert abs(row["left"] - box["x"]) <= 1 and abs(row["right"] - (box["x"] + box["width"])) <= 1, (
                rows
            )
        screenshot(tab, f"top-stories-{featured}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 900, 390], ids=["desktop", "tablet", "phone"])
def test_a_story_without_a_picture_keeps_no_empty_space_for_one(chromium, site, width):
    """A lead story without a picture kept the picture's column, empty, beside its text (tablet width); a
    "Read more" card without one began its text where its neighbours' pictures begin (wide screens), or
    beside an empty thumbnail column (phone)."""
    from articles.models import Article
    from articles.related import related_articles

    data = build_newsroom(8)
    lead = data["articles"][0]
    related = related_articles(lead)
    text_only = related[1]
    Article.objects.filter(pk__in=[lead.pk, text_only.pk]).update(lead_image=None)
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        tab.viewport_name = f"{width}px"

        tab.goto(site.url + "/")
        grid = tab.locator(".top-grid").bounding_box()
        lead_text = tab.locator(".top-grid .card-lead .card-text").bounding_box()
        assert tab.locator(".top-grid .card-lead .card-headline").inner_text() == lead.headline
        assert abs(lead_text["x"] - grid["x"]) <= 1 and abs(lead_text["width"] - grid["width"]) <= 1, (
            lead_text,
            grid,
        )
        screenshot(tab, "lead-without-a-picture")

        tab.goto(site.url + lead.get_absolute_url())
        cards = tab.locator(".read-more .card")
        assert cards.nth(1).locator(".card-headline").inner_text() == text_only.headline
        assert cards.nth(1).locator(".card-image").count() == 0
        card, text = cards.nth(1).bounding_box(), cards.nth(1).locator(".card-text").bounding_box()
        if width >= 768:  # three cards to a row: the headline lines up with its neighbours' headlines
            for neighbour in (cards.nth(0), cards.nth(2)):
                assert neighbour.locator(".card-image img").count() == 1
                assert abs(neighbour.bounding_box()["y"] - card["y"]) <= 1, "the same row"
                headline_top = neighbour.locator(".card-headline").bounding_box()["y"]
                assert abs(cards.nth(1).locator(".card-headline").bounding_box()["y"] - headline_top) <= 1
        else:  # one card to a row, its picture at the side: without one, the text takes the width
            assert abs(text["width"] - card["width"]) <= 1, (text, card)
        assert no_sideways_scrolling(tab)
        screenshot(tab, "read-more-without-a-picture")
    finally:
        context.close()


THUMBNAILS = """selector => [...document.querySelectorAll(selector)].map(
    image => [new URL(image.currentSrc).pathname, image.getBoundingClientRect().width]
)"""


def test_a_phone_fetches_the_smallest_picture_for_a_thumbnail(chromium, site):
    """On a phone the pictures beside the headlines (a list, the top stories under the lead, "Read more") are
    6.5rem wide; told they were as wide as the screen, the browser fetched each at the width of the screen
    (the 1200-pixel rendition on a phone of three pixels to the point) for a square of about a hundred."""
    data = build_newsroom(8)
    article = data["articles"][0]
    smallest = {picture.rendition_480.url for picture in data["pictures"]}
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    try:
        tab = context.new_page()
        tab.viewport_name = "phone-3x"
        pages = {
            "/": ".top-grid .card-small .card-image img",
            article.section.get_absolute_url(): ".article-list .card-image img",
            article.get_absolute_url(): ".read-more .card-image img",
        }
        for path, selector in pages.items():
            tab.goto(site.url + path)
            assert images_loaded(tab, selector), path
            thumbnails = tab.evaluate(THUMBNAILS, selector)
            assert thumbnails, path
            for src, width in thumbnails:
                assert width <= 6.5 * 16, (path, width)
                assert src in smallest, (path, src)
        screenshot(tab, "thumbnails")
    finally:
        context.close()


@pytest.mark.parametrize(("width", "shown"), [(1280, 3), (390, 5)], ids=["desktop", "phone"])
def test_read_more_shows_only_full_rows_of_three_on_wide_screens(chromium, site, width, shown):
    """Five stories in a grid of three left a last row of two beside an empty space; on wide screens the
    block shows its full rows, and on a phone, one to a row, all five."""
    from tests.factories import ArticleFactory, TagFactory

    tag = TagFactory(name="Ferries")
    lead = ArticleFactory(published=True, headline="Night ferry returns", tags=[tag])
    for n in range(5):
        ArticleFactory(published=True, headline=f"Ferry story {n}", tags=[tag])
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        tab.viewport_name = f"{width}px"
        tab.goto(site.url + lead.get_absolute_url())
        cards = tab.locator(".read-more .card")
        assert cards.count() == 5
        visible = [card for card in cards.all() if card.is_visible()]
        assert len(visible) == shown
        if width >= 768:
            tops = {round(card.bounding_box()["y"]) for card in visible}
            assert len(tops) == 1, tops  # one full row
        assert no_sideways_scrolling(tab)
        screenshot(tab, "read-more-full-rows")
    finally:
        context.close()


def test_a_picture_in_the_body_is_captioned_apart_from_the_story_text(reader, site):
    """A figure in the body stood indented by the browser's 40 pixels, and its caption was set as one more
    paragraph of the story; it is set full width, the caption small and grey as under the lead image."""
    data = build_newsroom(1)
    article = data["articles"][0]
    picture = article.lead_image
    article.body = (
        "<p>The lanterns were lit at nine.</p>"
        f'<figure class="figure"><img src="{picture.file.url}" alt="Lanterns" data-file="{picture.pk}">'
        '<figcaption class="figure-caption">Lanterns on the Old Quay.</figcaption></figure>'
        "<p>The crowd followed them to the water.</p>"
    )
    article.save()
    reader.goto(site.url + article.get_absolute_url())

    style = """el => { const s = getComputedStyle(el); return [s.fontSize, s.color, s.fontFamily]; }"""
    paragraph = reader.locator(".story-body p").first
    caption = reader.locator(".story-body figcaption")
    assert caption.inner_text() == "Lanterns on the Old Quay."
    assert caption.evaluate(style) == reader.locator(".lead-image figcaption").evaluate(style)
    assert caption.evaluate(style)[0] != paragraph.evaluate(style)[0]
    figure = reader.locator(".story-body figure").bounding_box()
    assert abs(figure["x"] - paragraph.bounding_box()["x"]) <= 1  # not indented
    assert abs(figure["width"] - paragraph.bounding_box()["width"]) <= 1
    screenshot(reader, "picture-in-the-body")

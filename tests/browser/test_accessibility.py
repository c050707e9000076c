"""axe-core, the engine behind the browsers' own accessibility audits, finds nothing on any reader page, on a
phone and on a desktop, nor in the colours of the dark scheme; and a keyboard reaches what a mouse does."""

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string

from articles.demo_data import TABLE
from articles.models import Article
from tests.browser.conftest import VIEWPORTS, screenshot
from tests.comments.helpers import make_comment
from tests.site_data import build_newsroom

pytestmark = pytest.mark.browser

axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-playwright-python is not installed (pip install -e '.[dev]')",
)


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COMMENTS_FLOOD_SECONDS = 0
    return mail.outbox


def reader_pages(site):
    """Every kind of page a reader meets, by name: (address, expected status)."""
    data = build_newsroom(4)
    article = data["articles"][0]
    # A table, as the editor and the demo write one (header cells first), on the article page.
    table = TABLE(("Gate", "Closed at"), ("North Basin", "06:10"), ("Saltgate", "06:25"))
    Article.objects.filter(pk=article.pk).update(body=article.body + table)
    first = make_comment(article, name="Ines Varga", text="Were the gates closed in time?")
    make_comment(article, name="Tomas Brede", text="They close on the forecast.", parent=first)
    tag = article.tags.first()
    author = data["authors"][0]
    return {
        "home": ("/", 200),
        "section": (article.section.get_absolute_url(), 200),
        "tag": (f"/tag/{tag.slug}/", 200),
        "author": (author.get_absolute_url(), 200),
        "authors": ("/authors/", 200),
        "article": (article.get_absolute_url(), 200),
        "search": ("/search/?q=harbour", 200),
        "search-nothing-found": ("/search/?q=zzyzxq", 200),
        "search-empty": ("/search/?q=", 200),
        "not-found": ("/no-such-page/", 404),
        "server-error": ("/server-error-page/", 500),
        "reply": (f"/comments/reply/{first.pk}/", 200),
        "report": (f"/comments/report/{first.pk}/", 200),
        "data-request": ("/comments/my-data/", 200),
    }, article


# The dark scheme changes colours only (custom properties under prefers-color-scheme, none of them by width),
# so in it axe runs the rules that read colours, on the desktop, which hides nothing the phone shows. The
# light scheme runs every rule at both widths. Everything four times took a minute and a half of the suite.
COLOUR_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}
SCHEMES = {"light": (list(VIEWPORTS), {}), "dark": (["desktop"], COLOUR_RULES)}


def violations(tab, rules=None):
    results = axe_playwright.Axe().run(tab, options={"resultTypes": ["violations"], **(rules or {})})
    return results.violations_count, results.generate_report()


def serve_the_500_page(tab):
    """The 500 page is rendered without a request (handler500); served here as the site would send it."""
    html = render_to_string("500.html")
    tab.route(
        "**/server-error-page/", lambda route: route.fulfill(status=500, body=html, content_type="text/html")
    )


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_axe_finds_nothing_on_the_reader_pages(chromium, site, mailbox, scheme):
    pages, article = reader_pages(site)
    viewports, rules = SCHEMES[scheme]
    found = []
    for viewport in viewports:
        context = chromium.new_context(**VIEWPORTS[viewport], color_scheme=scheme)
        tab = context.new_page()
        tab.viewport_name = f"{viewport}-{scheme}"
        serve_the_500_page(tab)
        for name, (path, status) in pages.items():
            response = tab.goto(site.url + path)
            assert response.status == status, (name, path)
            count, report = violations(tab, rules)
            if count:
                found.append(f"{name} ({viewport}, {scheme}):\n{report}")
            if name in ("home", "article"):
                screenshot(tab, f"a11y-{name}")

        # The comment form sent empty, then filled in: the error page and the confirmation pages.
        tab.goto(site.url + article.get_absolute_url())
        with tab.expect_navigation():
            tab.click("form.comment-form button[type=submit]")
        assert tab.locator("h1").inner_text() == "Please correct your comment"
        count, report = violations(tab, rules)
        if count:
            found.append(f"comment errors ({viewport}, {scheme}):\n{report}")
        tab.fill("#id_comment", f"Seen from a {viewport}.")
        tab.fill("#id_name", "Ada Reader")
        tab.fill("#id_email", "ada@example.net")
        with tab.expect_navigation():
            tab.click("form.comment-form button[type=submit]")
        assert "Check your email to confirm" in tab.content()
        count, report = violations(tab, rules)
        if count:
            found.append(f"comment posted ({viewport}, {scheme}):\n{report}")
        link = re.search(r"https?://\S+/comments/confirm/\S+/", mailbox[-1].body).group(0)
        tab.goto(link)
        assert tab.locator("h1").count() == 1
        count, report = violations(tab, rules)
        if count:
            found.append(f"comment confirmation ({viewport}, {scheme}):\n{report}")
        context.close()
    assert found == [], "\n\n".join(found)


MARK_CONTROLS = """() => {
    const selector = 'a[href], button, input, textarea, select, [tabindex="0"]';
    const controls = [...document.querySelectorAll(selector)]
        .filter(element => element.type !== 'hidden' && element.getClientRects().length > 0
            && !element.closest('[hidden], [aria-hidden="true"]'));
    controls.forEach((element, i) => { element.dataset.control = String(i); });
    return controls.length;
}"""

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        control: element.dataset.control ?? null,
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        onScreen: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    };
}"""


def test_a_keyboard_reaches_every_control_of_the_article_page_and_shows_where_it_is(reader, site):
    data = build_newsroom(4)
    article = data["articles"][0]
    make_comment(article, name="Ines Varga", text="Were the gates closed in time?")
    reader.goto(site.url + article.get_absolute_url())
    controls = reader.evaluate(MARK_CONTROLS)

    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.className") == "skip-link"
    assert reader.evaluate(FOCUSED)["onScreen"]  # it shows itself when focused
    reader.keyboard.press("Enter")
    assert reader.evaluate("document.activeElement.id") == "main"

    reader.goto(site.url + article.get_absolute_url())
    reader.evaluate(MARK_CONTROLS)
    reached, unseen = set(), []
    for _ in range(controls + 5):
        reader.keyboard.press("Tab")
        focused = reader.evaluate(FOCUSED)
        if focused["control"] is None:
            break
        reached.add(int(focused["control"]))
        if not (focused["outline"] and focused["onScreen"]):
            unseen.append(reader.evaluate("document.activeElement.outerHTML.slice(0, 120)"))
    assert reached == set(range(controls)), reader.evaluate(
        "missed => missed.map(i => document.querySelector(`[data-control='${i}']`).outerHTML.slice(0, 120))",
        sorted(set(range(controls)) - reached),
    )
    assert unseen == []


RING_CONTRAST = """() => {
    const rgb = value => value.match(/[\\d.]+/g).map(Number);
    const luminance = value => rgb(value).slice(0, 3).map(c => c / 255).map(
        c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
    ).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const element = document.activeElement;
    let behind = element.parentElement;
    while (behind && (rgb(getComputedStyle(behind).backgroundColor)[3] ?? 1) === 0) {
        behind = behind.parentElement;
    }
    const [ring, ground] = [getComputedStyle(element).outlineColor, getComputedStyle(behind).backgroundColor]
        .map(luminance).sort((a, b) => b - a);
    return (ring + 0.05) / (ground + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_from_what_is_behind_it(chromium, site, scheme):
    """WCAG's 3:1 for what shows where the keyboard is, against the colour the ring is drawn on: on the home
    page, whose breaking-news bar is red in both schemes, and on an article with its comment form."""
    article = build_newsroom(4)["articles"][1]
    make_comment(article, name="Ines Varga", text="Were the gates closed in time?")
    context = chromium.new_context(color_scheme=scheme)
    tab = context.new_page()
    faint, seen = {}, 0
    for path in ("/", article.get_absolute_url()):
        tab.goto(site.url + path)
        controls = tab.evaluate(MARK_CONTROLS)
        for _ in range(controls):
            tab.keyboard.press("Tab")
            if tab.evaluate(FOCUSED)["control"] is None:
                break
            seen += 1
            contrast = tab.evaluate(RING_CONTRAST)
            if contrast < 3:
                faint[tab.evaluate("document.activeElement.outerHTML.slice(0, 80)")] = round(contrast, 2)
    assert tab.locator("form.comment-form button[type=submit]").count() == 1
    assert seen > 20 and faint == {}
    context.close()


def test_the_comment_form_sent_with_a_mistake_puts_the_keyboard_on_it(chromium, site, mailbox):
    article = build_newsroom(2, images=False)["articles"][0]
    context = chromium.new_context()
    tab = context.new_page()
    tab.goto(site.url + article.get_absolute_url())
    tab.focus("#id_comment")
    tab.keyboard.type("The gates held.")
    tab.focus("form.comment-form button[type=submit]")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")

    assert tab.locator("h1").inner_text() == "Please correct your comment"
    assert tab.evaluate("document.activeElement.id") == "id_name"  # the first field to correct
    described = tab.evaluate("document.activeElement.getAttribute('aria-describedby')").split()
    assert "id_name_error" in described  # what a screen reader reads out with the field
    assert tab.locator("#id_name_error").inner_text() == "This field is required."
    assert tab.input_value("#id_comment") == "The gates held."
    context.close()


SCHEME = """() => {
    const rgb = value => value.match(/\\d+/g).slice(0, 3).map(Number);
    const luminance = value => rgb(value).map(c => c / 255).map(
        c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
    ).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const body = getComputedStyle(document.body);
    const field = getComputedStyle(document.querySelector('#site-search'));
    return {
        paper: luminance(body.backgroundColor),
        ink: luminance(body.color),
        field: luminance(field.backgroundColor),
        pictures: [...document.querySelectorAll('main img')].map(img => getComputedStyle(img).filter),
    };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_reader_who_asks_for_a_dark_screen_gets_one(chromium, site, scheme):
    article = build_newsroom(2)["articles"][0]
    context = chromium.new_context(color_scheme=scheme)
    tab = context.new_page()
    for path in ("/", article.get_absolute_url()):
        tab.goto(site.url + path)
        colours = tab.evaluate(SCHEME)
        if scheme == "dark":
            assert colours["paper"] < 0.02 and colours["ink"] > 0.7 and colours["field"] < 0.02, (
                path,
                colours,
            )
        else:
            assert colours["paper"] == 1 and colours["ink"] < 0.02 and colours["field"] == 1, (path, colours)
        assert colours["pictures"] and set(colours["pictures"]) == {"none"}  # pictures keep their colours
    context.close()


TYPE = """selectors => Object.fromEntries(selectors.map(selector => {
    const style = getComputedStyle(document.querySelector(selector));
    return [selector, [style.fontFamily, style.fontSize, style.textTransform].join(' / ')];
}))"""


def test_the_comment_area_is_set_in_the_type_of_the_rest_of_the_page(chromium, site, mailbox):
    article = build_newsroom(4, images=False)["articles"][0]
    make_comment(article, name="Ines Varga", text="Were the gates closed in time?")
    context = chromium.new_context()
    tab = context.new_page()
    tab.goto(site.url + article.get_absolute_url())
    type_of = tab.evaluate(
        TYPE,
        [
            "#read-more-heading",
            "#comments-heading",
            ".story-meta",
            ".comment-meta",
            ".comment-actions",
            ".comment-notes",
            ".story-body p",
            ".comment-text",
            "main small.help",
        ],
    )
    family = {selector: value.split(" / ")[0] for selector, value in type_of.items()}
    assert type_of["#comments-heading"] == type_of["#read-more-heading"]  # the page's section heading
    assert family[".comment-meta"] == family[".story-meta"]  # names and dates as the byline
    assert family[".comment-actions"] == family[".comment-notes"] == family[".story-meta"]
    assert family[".comment-text"] == family[".story-body p"] != family[".story-meta"]  # reading text: serif

    with tab.expect_navigation():
        tab.click("form.comment-form button[type=submit]")
    errors = tab.evaluate(TYPE, [".field-error", ".comments-message", "main label"])
    assert {value.split(" / ")[0] for value in errors.values()} == {family[".story-meta"]}
    context.close()


def test_the_comment_pages_keep_the_line_length_of_the_article(chromium, site):
    article = build_newsroom(2, images=False)["articles"][0]
    comment = make_comment(article, name="Tomas Brede Vandermeulen", text="On the forecast.")
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(site.url + article.get_absolute_url())
    story = tab.eval_on_selector(".story-body", "element => element.getBoundingClientRect().width")
    for path in (f"/comments/reply/{comment.pk}/", f"/comments/report/{comment.pk}/", "/comments/my-data/"):
        tab.goto(site.url + path)
        width = tab.eval_on_selector(".comments-page", "element => element.getBoundingClientRect().width")
        assert width <= story, (path, width, story)
    context.close()

    phone = chromium.new_context(**VIEWPORTS["phone"])
    tab = phone.new_page()
    tab.goto(site.url + article.get_absolute_url())
    lines = tab.eval_on_selector(
        ".comment-author",
        "e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)",
    )
    assert lines < 1.5  # the commenter's name on one line, the date wrapping below it if it must
    phone.close()

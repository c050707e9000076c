"""Real Chromium: "remember me" is opt-in and keeps the details in this browser only (localStorage)."""

import json

import pytest

from comments.models import PendingComment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.browser
KEY = "newsroom.commenter"


@pytest.fixture
def page(chromium, site, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def fill(page, *, comment, remember):
    page.fill("#id_comment", comment)
    page.fill("#id_name", "Ada Reader")
    page.fill("#id_email", "ada@example.net")
    page.fill("#id_url", "https://ada.example/")
    if remember:
        page.check("#id_remember")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Post Comment')")


def test_remember_me_is_opt_in_and_stays_in_the_browser(page, site):
    article = ArticleFactory(published=True)
    url = site.url + article.get_absolute_url()

    page.goto(url)
    assert not page.is_checked("#id_remember")
    fill(page, comment="Not remembered", remember=False)
    assert "Check your email to confirm" in page.content()
    assert page.evaluate(f"localStorage.getItem('{KEY}')") is None

    page.goto(url)
    fill(page, comment="Remember me", remember=True)
    assert "Check your email to confirm" in page.content()
    stored = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
    assert stored == {"name": "Ada Reader", "email": "ada@example.net", "url": "https://ada.example/"}
    assert all("ada@example.net" not in cookie["value"] for cookie in page.context.cookies())

    page.goto(url)
    assert page.input_value("#id_email") == "ada@example.net"
    assert page.input_value("#id_name") == "Ada Reader" and page.is_checked("#id_remember")

    # Unticking the box and posting forgets the details.
    page.uncheck("#id_remember")
    page.fill("#id_comment", "Forget me")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Post Comment')")
    assert page.evaluate(f"localStorage.getItem('{KEY}')") is None
    assert PendingComment.objects.count() == 3


def test_a_form_from_a_cached_page_still_posts(page, site):
    """A cached page has no CSRF token of this reader and an old timestamp; form.js fetches fresh ones."""
    article = ArticleFactory(published=True)
    page.goto(site.url + article.get_absolute_url())
    page.evaluate(
        """() => {
        const form = document.querySelector('form.comment-form');
        form.querySelector('[name=csrfmiddlewaretoken]').value = 'stale-token-from-a-cache-0000000000000000';
        form.querySelector('[name=timestamp]').value = String(Math.floor(Date.now() / 1000) - 3 * 3600);
        document.cookie = 'csrftoken=; Max-Age=0; path=/';
    }"""
    )
    fill(page, comment="From a cached page", remember=False)
    assert "Check your email to confirm" in page.content()
    assert PendingComment.objects.get().comment == "From a cached page"


def test_without_javascript_the_form_offers_no_box_that_would_do_nothing(chromium, site):
    article = ArticleFactory(published=True)
    for javascript in (False, True):
        context = chromium.new_context(java_script_enabled=javascript)
        tab = context.new_page()
        try:
            tab.goto(site.url + article.get_absolute_url())
            assert tab.is_visible("#id_remember") is javascript
            assert tab.is_visible("#id_followup")  # reply mail is the server's: it works either way
        finally:
            context.close()

"""The anonymous page cache: pages come from it, and every kind of change shows at once on every page."""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import services
from comments.models import PendingComment, ReaderComment
from newsroom import page_cache
from tests.comments.conftest import form_fields
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings, fresh_cache):
    settings.PAGE_CACHE_SECONDS = 600
    page_cache._local.clear()  # a page kept in this process's memory by an earlier test


@pytest.fixture
def story(plain_newsroom):
    return plain_newsroom["articles"][0]


def pages_showing(article):
    return [
        article.get_absolute_url(),
        "/",
        article.section.get_absolute_url(),
        article.bylines.first().author.get_absolute_url(),
        article.tags.first().get_absolute_url(),
    ]


def warm(client, paths):
    for path in paths:
        assert client.get(path).status_code == 200, path
        response = client.get(path)
        assert response["X-Page-Cache"] == "hit", path


def test_second_request_is_a_hit_without_sql(client, story):
    url = story.get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert story.headline in second.content.decode()
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Cookie" in second["Vary"]


def test_a_hit_carries_the_security_headers_of_a_fresh_rendering(client, story):
    """The cache answers before every other middleware: what they add is stored with the page."""
    url = story.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
    ):
        assert second[header] == first[header], header
    assert "script-src 'self'" in second["Content-Security-Policy"]


def test_a_page_cached_over_https_is_never_the_answer_to_plain_http(client, story, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    url = story.get_absolute_url()
    client.get(url, secure=True)
    hit = client.get(url, secure=True)
    assert hit["X-Page-Cache"] == "hit" and hit["Strict-Transport-Security"].startswith("max-age=3600")

    plain = client.get(url)

    assert plain.status_code == 301 and plain["Location"] == f"https://testserver{url}"
    assert "Strict-Transport-Security" not in plain


def test_a_page_cached_over_plain_http_before_https_was_turned_on_is_redirected_not_served(
    client, story, settings
):
    """A site tried with HTTPS=0 (README, Production server) and restarted with HTTPS on kept serving the
    pages cached meanwhile over plain http, for up to PAGE_CACHE_SECONDS: the cache answers before
    SecurityMiddleware, and the page was stored under the http address."""
    url = story.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    settings.SECURE_SSL_REDIRECT = True
    page_cache._local.clear()  # a restart: the page is in the shared cache only,
    page_cache.settings_fingerprint.cache_clear()  # and the settings are read anew
    restarted = Client()  # its middleware reads the settings anew

    try:
        plain = restarted.get(url)

        assert plain.status_code == 301 and plain["Location"] == f"https://testserver{url}"
        secure = restarted.get(url, secure=True)
        assert secure.status_code == 200 and story.headline in secure.content.decode()
    finally:
        page_cache.settings_fingerprint.cache_clear()  # worked out again for the next test's settings


def test_a_setting_changed_at_a_restart_serves_no_page_or_fragment_rendered_under_the_old_one(
    client, story, settings
):
    """Pages depend on the settings too: a new SITE_NAME, and the home page and the article kept the old
    name for up to PAGE_CACHE_SECONDS after the restart, where a page not cached showed the new one."""
    from newsroom import fragments

    settings.FRAGMENT_CACHE_SECONDS = 600
    paths = ["/", story.get_absolute_url()]
    warm(client, paths)
    fragment_key = fragments.cache_key("card", [story.pk])
    settings.SITE_NAME = "The Aldery Courier"
    page_cache._local.clear()  # a restart: the pages are in the shared cache only
    page_cache.settings_fingerprint.cache_clear()

    assert fragments.cache_key("card", [story.pk]) != fragment_key

    for path in paths:
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "<title>" in response.content.decode() and "The Aldery Courier" in response.content.decode()
    page_cache.settings_fingerprint.cache_clear()  # worked out again for the next test's settings


def test_a_new_secret_key_serves_no_page_signed_with_the_old_one(settings):
    """Cached pages carry what the key signs (the comment form's security hash); the key itself is not in
    the fingerprint, only a keyed hash of nothing."""
    before = page_cache.settings_fingerprint()
    page_cache.settings_fingerprint.cache_clear()
    settings.SECRET_KEY = "another-test-only-secret-key-that-is-long-enough-0123456789"
    try:
        assert page_cache.settings_fingerprint() != before
    finally:
        page_cache.settings_fingerprint.cache_clear()


def test_editing_an_article_refreshes_every_page_that_shows_it(client, story):
    paths = pages_showing(story)
    warm(client, paths)
    story.headline = "Harbour strike ends after all-night talks"
    story.save()
    for path in paths:
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "Harbour strike ends after all-night talks" in response.content.decode(), path


def test_publishing_shows_the_new_article_on_its_lists(client, story, editor):
    draft = ArticleFactory(
        headline="Lighthouse reopens to visitors", section=story.section, tags=[story.tags.first()]
    )
    paths = ["/", story.section.get_absolute_url(), story.tags.first().get_absolute_url()]
    warm(client, paths)
    services.publish_article(article=draft, by=editor)
    for path in paths:
        assert "Lighthouse reopens to visitors" in client.get(path).content.decode(), path


def test_a_draft_being_written_leaves_every_public_page_cached(client, plain_newsroom, editor):
    """Lists show published stories only: saving a draft (its text, its tags) or a withdrawn story drops no
    page; publishing the draft shows it at once."""
    story, withdrawn = plain_newsroom["articles"][0], plain_newsroom["articles"][1]
    withdrawn = services.unpublish_article(article=withdrawn, by=editor)
    withdrawn.refresh_from_db()
    tag = story.tags.first()
    draft = ArticleFactory(headline="Tide tables for the new year", section=story.section, tags=[tag])
    word = story.headline.split()[0]
    paths = ["/", story.section.get_absolute_url(), tag.get_absolute_url(), f"/search/?q={word}"]
    warm(client, [*paths, story.get_absolute_url()])

    draft.headline = "Tide tables for the new year, with the spring surges"
    draft.save()
    draft.tags.add(*plain_newsroom["tags"])
    withdrawn.headline = "Withdrawn: a story being corrected"
    withdrawn.save()

    for path in [*paths, story.get_absolute_url()]:
        assert client.get(path)["X-Page-Cache"] == "hit", path
    services.publish_article(article=draft, by=editor)
    for path in paths[:3]:
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "Tide tables for the new year, with the spring surges" in response.content.decode(), path
    assert "Withdrawn: a story being corrected" not in client.get("/").content.decode()


def test_unpublishing_removes_it_everywhere(client, story, editor):
    paths = pages_showing(story)
    warm(client, paths)
    services.unpublish_article(article=story, by=editor)
    assert client.get(paths[0]).status_code == 410  # gone from the site
    for path in paths[1:]:
        assert story.headline not in client.get(path).content.decode(), path


def test_approving_a_comment_shows_it_on_the_cached_article_page(client, story, moderator):
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site

    from comments.services import approve_comments

    url = story.get_absolute_url()
    warm(client, [url])
    held = ReaderComment.objects.create(
        content_type=ContentType.objects.get_for_model(story),
        object_pk=str(story.pk),
        site=Site.objects.get_current(),
        user_name="Ada Reader",
        user_email="ada@example.net",
        comment="The night ferry should run all winter.",
        is_public=False,
    )
    before = client.get(url)
    assert "The night ferry should run all winter." not in before.content.decode()
    # A held comment changes nothing a reader sees: the cached page, validators included, stays.
    assert before["X-Page-Cache"] == "hit" and before["ETag"] == client.get(url)["ETag"]
    approve_comments(comments=[held], by=moderator)
    assert "The night ferry should run all winter." in client.get(url).content.decode()


def test_removing_a_held_comment_leaves_the_cached_article_page_alone(client, story, moderator):
    """Readers never saw it: no new ETag may tell them a comment came in and went."""
    from comments.services import remove_comments
    from tests.comments.helpers import make_comment

    url = story.get_absolute_url()
    shown = make_comment(story, text="Shown all along.")
    held = make_comment(story, text="Buy cheap ferry tickets here.", public=False)
    warm(client, [url])
    before = client.get(url)
    assert before["X-Page-Cache"] == "hit" and "Shown all along." in before.content.decode()
    remove_comments(comments=[held], by=moderator, spam=True)
    after = client.get(url)
    assert after["X-Page-Cache"] == "hit" and after["ETag"] == before["ETag"]
    remove_comments(comments=[shown], by=moderator)
    gone = client.get(url)
    assert gone["ETag"] != before["ETag"] and "Shown all along." not in gone.content.decode()


def test_a_chosen_related_draft_leaves_the_page_cached_until_it_is_published(client, story, editor):
    """An editor picked a draft for "Read more": saving the draft changes nothing readers see, not even
    the ETag; publishing it puts it in the block at once, whatever its section."""
    from articles.models import RelatedArticle
    from tests.factories import SectionFactory

    draft = ArticleFactory(in_review=True, headline="Ferry strike talks resume", section=SectionFactory())
    draft.tags.clear()
    RelatedArticle.objects.create(article=story, related=draft, position=0)
    url = story.get_absolute_url()
    warm(client, [url])
    etag = client.get(url)["ETag"]

    draft.dek = "Talks resume on Monday."
    draft.save()
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit" and again["ETag"] == etag
    assert "Ferry strike talks resume" not in again.content.decode()

    services.publish_article(article=draft, by=editor)
    html = client.get(url).content.decode()
    assert "Ferry strike talks resume" in html


def test_renaming_a_section_or_an_author_refreshes_the_pages(client, story):
    paths = pages_showing(story)
    warm(client, paths)
    section, author = story.section, story.bylines.first().author
    section.name, author.display_name = "Harbour & Coast", "Amira Haddad-Lowe"
    section.save()
    author.save()
    for path in paths:
        html = client.get(path).content.decode()
        assert "Harbour &amp; Coast" in html, path
        assert "Amira Haddad-Lowe" in html, path


def test_a_search_for_a_reporters_new_name_finds_their_stories_at_once(client, story):
    """A search asked before a rename is cached with no results: renaming the author, or giving a story a
    byline, must show at once on that search."""
    from articles.models import Byline
    from tests.factories import AuthorFactory

    author = story.bylines.first().author
    search = "/search/?q=Quillfeather"
    warm(client, [search])
    assert story.headline not in client.get(search).content.decode()

    author.display_name = "Ada Quillfeather"
    author.save()
    found = client.get(search)
    assert found["X-Page-Cache"] == "miss"
    assert story.headline in found.content.decode()

    guest = AuthorFactory(display_name="Bea Inkwright")
    warm(client, ["/search/?q=Inkwright"])
    Byline.objects.create(article=story, author=guest, position=2)
    assert story.headline in client.get("/search/?q=Inkwright").content.decode()


def test_a_search_for_a_tag_follows_tagging_and_renaming_at_once(client, story):
    from tests.factories import TagFactory

    gales = TagFactory(name="Gales", slug="gales")
    warm(client, ["/search/?q=gales"])
    story.tags.add(gales)
    assert story.headline in client.get("/search/?q=gales").content.decode()

    warm(client, ["/search/?q=squalls"])
    gales.name = "Squalls"
    gales.save()
    assert story.headline in client.get("/search/?q=squalls").content.decode()


def test_an_unrelated_change_keeps_other_pages_cached(client, plain_newsroom):
    """Not a global flush: a story elsewhere (other section, no shared tag) leaves this page cached."""
    first = plain_newsroom["articles"][0]
    elsewhere = next(s for s in plain_newsroom["sections"] if s.pk != first.section_id)
    warm(client, [first.get_absolute_url()])
    ArticleFactory(published=True, section=elsewhere, headline="Elsewhere")
    assert client.get(first.get_absolute_url())["X-Page-Cache"] == "hit"
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_staff_are_never_served_nor_stored(client, story, editor):
    url = story.get_absolute_url()
    staff = Client()
    staff.force_login(editor)
    staff_page = staff.get(url)
    assert staff_page.status_code == 200 and "X-Page-Cache" not in staff_page
    assert client.get(url)["X-Page-Cache"] == "miss"  # the staff render was not stored
    assert client.get(url)["X-Page-Cache"] == "hit"
    again = staff.get(url)
    assert "X-Page-Cache" not in again and "public" not in again.get("Cache-Control", "")


def test_parameters_no_page_reads_share_the_page(client, story):
    """A link shared with `?utm_source=` or `?fbclid=` (a new value on every click from some networks) is
    the same page; the page, search and comment-page parameters are not."""
    url = story.get_absolute_url()
    warm(client, [url, f"/{story.section.slug}/"])

    shared = client.get(f"{url}?utm_source=mastodon&fbclid=IwAR0x{story.pk}")
    section = client.get(f"/{story.section.slug}/?utm_campaign=winter&q=ferry")  # a list reads no `q`
    comments_page = client.get(f"{url}?comments_page=2&utm_source=x")

    assert shared.status_code == 200 and shared["X-Page-Cache"] == "hit"
    assert shared.content == client.get(url).content
    assert section["X-Page-Cache"] == "hit"
    assert comments_page["X-Page-Cache"] == "miss"  # another page of comments: a page of its own
    assert client.get(f"{url}?utm_source=y&comments_page=2")["X-Page-Cache"] == "hit"
    assert client.get(f"{url}?page=2")["X-Page-Cache"] == "hit"  # an article has no `page`


def test_post_is_never_answered_from_the_cache(client, story):
    warm(client, ["/"])
    response = client.post("/")
    assert response.status_code == 405
    assert "X-Page-Cache" not in response


def test_conditional_requests_get_304(client, story):
    url = story.get_absolute_url()
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    story.headline = "Changed"
    story.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_comment_form_on_a_cached_page_posts_with_a_fetched_token(story):
    reader = Client(enforce_csrf_checks=True)
    url = story.get_absolute_url()
    reader.get(url)
    cached = reader.get(url)
    assert cached["X-Page-Cache"] == "hit"
    html = cached.content.decode()
    assert 'name="csrfmiddlewaretoken"' not in html  # nobody's token is shared
    assert "js/csrf.js" in html
    fields = form_fields(html)
    fields.update({"name": "Ada Reader", "email": "ada@example.net", "url": "", "comment": "A fair point."})

    refused = reader.post("/comments/post/", fields)
    assert refused.status_code == 403

    token_response = reader.get("/comments/csrf/")
    assert "no-store" in token_response["Cache-Control"] and "csrftoken" in token_response.cookies
    fields["csrfmiddlewaretoken"] = token_response.json()["token"]
    posted = reader.post("/comments/post/", fields, REMOTE_ADDR="203.0.113.77")
    assert posted.status_code == 303, posted.content[:500]
    assert posted["Location"].startswith("/comments/posted/")  # taken: the reader is asked to confirm
    assert PendingComment.objects.filter(comment="A fair point.").exists()


def filled_in_on_a_cached_page(story):
    """A reader's browser and the comment form it filled in on the story's page, as the page cache served it:
    without a CSRF token of its own."""
    reader = Client(enforce_csrf_checks=True)
    url = story.get_absolute_url()
    reader.get(url)
    cached = reader.get(url)
    assert cached["X-Page-Cache"] == "hit"
    fields = form_fields(cached.content.decode())
    fields.update(
        {"name": "Ada Reader", "email": "ada@example.net", "url": "", "comment": "Ferries at last."}
    )
    return reader, fields


def test_without_javascript_a_comment_from_a_cached_page_comes_back_to_send_again(story):
    """No JavaScript to fetch a token: the first post is not saved, the reader gets their text back with a
    fresh token, and the second click posts it."""
    reader, fields = filled_in_on_a_cached_page(story)

    again = reader.post("/comments/post/", fields, REMOTE_ADDR="203.0.113.78")

    html = again.content.decode()
    assert again.status_code == 403
    assert "Please send your comment again" in html and "security check failed" in html
    assert "Ferries at last.</textarea>" in html and 'value="Ada Reader"' in html
    assert not PendingComment.objects.exists() and not ReaderComment.objects.exists()
    resend = form_fields(html)
    assert resend["csrfmiddlewaretoken"] and "csrftoken" in again.cookies
    resend.update(
        {"name": "Ada Reader", "email": "ada@example.net", "url": "", "comment": "Ferries at last."}
    )

    posted = reader.post("/comments/post/", resend, REMOTE_ADDR="203.0.113.78")

    assert posted.status_code == 303, posted.content[:500]
    assert PendingComment.objects.get().comment == "Ferries at last."


def test_a_comment_from_a_cached_page_on_a_story_withdrawn_meanwhile_keeps_its_text(story, editor):
    """The story is taken off while the reader writes: the token fetch finds nothing (form.js then posts the
    form as it is), and the post that fails the token check gets what a post with a token gets: the story
    is gone and their text is there to copy, not "reload the page and send it again" (a 410)."""
    reader, fields = filled_in_on_a_cached_page(story)
    services.unpublish_article(article=story, by=editor)
    assert reader.get(f"/comments/form-fields/{story.pk}/").status_code == 404

    refused = reader.post("/comments/post/", fields, REMOTE_ADDR="203.0.113.79")

    html = refused.content.decode()
    assert refused.status_code == 404
    assert "This story is no longer on the site, so your comment was not saved." in html
    assert "Ferries at last.</textarea>" in html and "Your form was not sent" not in html
    assert story.headline not in html
    assert not PendingComment.objects.exists() and not ReaderComment.objects.exists()


def test_a_comment_posted_from_another_site_is_not_offered_back_to_send(story, editor):
    """A forged post from another site, in a signed-in editor's browser, fails the Origin check: it gets
    Django's refusal, not the forger's text in a ready form that one click would publish as the editor's."""
    victim = Client(enforce_csrf_checks=True)
    victim.force_login(editor)
    fields = form_fields(victim.get(story.get_absolute_url()).content.decode())
    fields.update({"name": "Editor", "email": "e@example.net", "url": "", "comment": "Forged: buy EvilCoin."})

    forged = victim.post("/comments/post/", fields, HTTP_ORIGIN="https://evil.example")

    html = forged.content.decode()
    assert forged.status_code == 403 and "Your form was not sent" in html
    assert "Please send your comment again" not in html and "EvilCoin" not in html
    assert not PendingComment.objects.exists() and not ReaderComment.objects.exists()


def test_other_csrf_failures_keep_djangos_refusal(story):
    reader = Client(enforce_csrf_checks=True)
    response = reader.post("/comments/my-data/", {"email": "ada@example.net"})
    assert response.status_code == 403
    assert "Please send your comment again" not in response.content.decode()


def test_switched_off_pages_are_not_cached_and_keep_their_token(client, story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = story.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', response.content.decode())


def test_a_change_from_another_process_shows_within_the_local_window(client, story, settings):
    """Another process's change reaches this one through the cache once the local copy expires."""
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.3
    url = story.get_absolute_url()
    warm(client, [url])
    from django.core.cache import cache

    cache.set(page_cache.VERSION_PREFIX + f"article:{story.pk}", str(time.time_ns()))  # as another process
    assert client.get(url)["X-Page-Cache"] == "hit"  # still this process's copy
    time.sleep(0.35)
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_new_comment_updates_the_count_on_every_cached_list(client, story):
    from tests.comments.helpers import make_comment

    paths = pages_showing(story)[1:]  # the front page, its section, author and tag pages
    warm(client, paths)
    make_comment(story, text="Counted on every card.")
    make_comment(story, text="And again.")
    for path in paths:
        html = client.get(path).content.decode()
        assert f'href="{story.get_absolute_url()}#comments">2 comments</a>' in html, path


def test_an_author_added_to_a_live_storys_byline_through_the_api_lists_it_at_once(client, editor):
    from rest_framework.test import APIClient

    ada, ben = AuthorFactory(slug="ada"), AuthorFactory(slug="ben")
    story = ArticleFactory(published=True, headline="Pier reopens", authors=[ada])
    ArticleFactory(published=True, headline="Ben's earlier story", authors=[ben])
    client.get("/authors/ben/")
    assert client.get("/authors/ben/")["X-Page-Cache"] == "hit"
    api = APIClient()
    api.force_authenticate(editor)

    response = api.patch(f"/api/v1/articles/{story.pk}/", {"bylines": ["ada", "ben"]}, format="json")

    assert response.status_code == 200, response.json()
    page = client.get("/authors/ben/")
    assert page.status_code == 200 and "Pier reopens" in page.content.decode()

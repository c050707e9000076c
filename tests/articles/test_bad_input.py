"""Whatever a reader or a robot types into the address bar gets a 404 or a friendly page, never a 500."""

import pytest

from tests.site_data import page

pytestmark = pytest.mark.django_db

NOT_FOUND = [
    "/no-such-section/",
    "/tag/no-such-tag/",
    "/authors/no-such-author/",
    "/world/2026/01/01/no-such-story/",
    "/nowhere/2026/01/01/no-such-story/",
    "/world/2026/13/01/story-0/",
    "/world/2026/02/30/story-0/",
    "/world/2026/00/00/story-0/",
    "/world/0000/01/01/story-0/",
    "/world/26/1/1/story-0/",
    "/world/?page=0",
    "/world/?page=-1",
    "/world/?page=abc",
    "/world/?page=99999",
    "/world/?page=1e3",
    "/world/?page=%00",
    "/tag/ports/?page=2",
    "/search/?q=harbour&page=999",
    "/search/?q=harbour&page=x",
    "/world/?page=922337203685477581",
    "/tag/ports/?page=922337203685477581",
    "/authors/amira-haddad/?page=922337203685477581",
    "/search/?q=harbour&page=922337203685477581",
    "/comments/reply/99999999999999999999999/",
    "/comments/report/99999999999999999999999/",
    "/comments/form-fields/99999999999999999999999/",
    "/comments/cr/1/%00/",
    "/tag/%3Cscript%3Ealert(1)%3C/script%3E/",
    "/%3Cscript%3E/",
    "/world/2026/01/01/%27%20OR%201=1--/",
    "/" + "a" * 3000 + "/",
    "/preview/not-a-real-token/",
    "/world/feed/rss/",
    "/sitemap-nothing.xml",
]


@pytest.mark.parametrize("path", NOT_FOUND)
def test_unknown_or_malformed_addresses_are_not_found(client, plain_newsroom, path):
    response = client.get(path)

    assert response.status_code == 404
    body = response.content.decode()
    assert "couldn’t find that page" in body
    assert "<script>alert" not in body
    assert "' OR 1=1" not in body


def test_not_found_page_is_in_the_sites_look(client, newsroom):
    soup = page(client.get("/no-such-section/"))

    assert soup.find("h1").get_text() == "We couldn’t find that page"
    assert soup.select_one("nav.browse-by") is not None
    assert soup.find("form", role="search") is not None
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # No canonical address or share card naming the address that does not exist.
    assert soup.find("link", rel="canonical") is None
    assert soup.find("meta", property="og:url") is None


def test_server_error_page_is_in_the_sites_look_without_the_database(client, plain_newsroom, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert 'href="/static/css/site.css"' in html
    assert '<html lang="en-GB">' in html


def test_an_error_in_a_view_answers_with_the_500_page(client, plain_newsroom, monkeypatch, settings):
    from articles import related

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(related, "related_articles", broken)
    client.raise_request_exception = False

    response = client.get(plain_newsroom["articles"][0].get_absolute_url())

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "boom" not in response.content.decode()
    masthead = page(response).select_one(".masthead--plain .site-name a")
    assert masthead.get_text() == settings.SITE_NAME and masthead["href"] == "/"


@pytest.mark.parametrize("page_number", ["1", "2", "last"])
def test_valid_page_numbers_work(client, plain_newsroom, page_number):
    from articles.models import Article
    from tests.factories import ArticleFactory

    section = plain_newsroom["sections"][1]
    ArticleFactory.create_batch(25, published=True, section=section)
    newest_first = list(
        Article.objects.published().filter(section=section).newest_first().values_list("headline", flat=True)
    )
    assert 20 < len(newest_first) <= 40  # two pages: "last" is the second

    response = client.get(f"/{section.slug}/?page={page_number}")

    assert response.status_code == 200
    shown = [a.get_text(strip=True) for a in page(response).select(".card-headline a")]
    assert shown == (newest_first[:20] if page_number == "1" else newest_first[20:])


AUTOCOMPLETE = "/admin/autocomplete/?app_label=articles&"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/admin/articles/image/pick/?q=%00", 200),
        (AUTOCOMPLETE + "model_name=relatedarticle&field_name=related&term=%00", 200),
        (AUTOCOMPLETE + "model_name=byline&field_name=author&term=%00", 200),
        ("/admin/articles/article/?q=%00", 200),
        ("/admin/articles/article/?headline__regex=(", 400),
        ("/admin/authors/author/?display_name__iregex=[", 400),
        ("/admin/articles/article/?headline__contains=%00", 400),
        ("/admin/articles/article/?status__exact=%00", 400),
        ("/admin/articles/tag/?name__contains=%00", 400),
        ("/admin/newsroom_comments/readercomment/?article=%00", 400),
        ("/admin/newsroom_comments/readercomment/?comment__contains=%00", 400),
        ("/admin/articles/article/?published_at__year=99999999999", 400),
        ("/admin/articles/article/?published_at__year=2026&published_at__month=11", 200),
        ("/admin/articles/article/?section__id__exact=99999999999999999999", 400),
        ("/admin/articles/article/?section__id__exact=1", 200),
        ("/admin/newsroom_comments/readercomment/?article=99999999999999999999", 400),
        ("/admin/articles/article/?bylines__author__id__exact=99999999999999999999", 400),
    ],
)
def test_odd_admin_searches_and_filters_are_answered_not_500(editor, url, status):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(editor)
    assert client.get(url).status_code == status


def test_the_moderators_blocked_domains_list_refuses_crafted_lookups_too(moderator):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(moderator)
    assert client.get("/admin/django_comments_xtd/blacklisteddomain/").status_code == 200
    assert client.get("/admin/django_comments_xtd/blacklisteddomain/?domain__regex=(").status_code == 400
    assert client.get("/admin/django_comments_xtd/blacklisteddomain/?q=%00").status_code == 200


def test_the_database_out_of_reach_page_names_the_site_without_asking_the_database(rf, settings):
    from django.db import OperationalError

    from newsroom.views import server_error

    try:
        raise OperationalError("the server closed the connection")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert (response.status_code, response["Retry-After"]) == (503, "10")
    soup = page(response)
    assert soup.find("h1").get_text() == "Back in a moment"
    assert soup.select_one(".masthead--plain .site-name a").get_text() == settings.SITE_NAME

"""Reading articles: only what readers may see, in the documented shape, filtered and paginated."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, RelatedArticle, Section
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


@pytest.fixture
def states():
    """One article in every state, plus one whose publication time has not come."""
    section = SectionFactory(slug="city", name="City")
    return {
        "published": ArticleFactory(published=True, section=section, slug="published-one"),
        "draft": ArticleFactory(section=section, slug="draft-one"),
        "review": ArticleFactory(in_review=True, section=section, slug="review-one"),
        "scheduled": ArticleFactory(scheduled=True, section=section, slug="scheduled-one"),
        "unpublished": ArticleFactory(unpublished=True, section=section, slug="unpublished-one"),
        "future": ArticleFactory(
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() + timedelta(hours=3),
            section=section,
            slug="future-one",
        ),
    }


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_only_published_articles_are_listed_for_the_public(api, api_as, reader, states, who):
    client = api if who == "anonymous" else api_as(reader)
    response = client.get(LIST)
    assert response.status_code == 200
    assert slugs(response) == ["published-one"]


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "unpublished", "future"])
def test_unpublished_articles_are_not_found_by_id_path_comments_or_author(api, states, state):
    article = states[state]
    author = article.bylines.first().author
    assert api.get(f"{LIST}{article.pk}/").status_code == 404
    assert api.get(f"{LIST}{article.pk}/comments/").status_code == 404
    when = timezone.localtime(article.published_at or article.publish_at or article.created_at)
    path = f"{LIST}by-path/city/{when:%Y/%m/%d}/{article.slug}/"
    assert api.get(path).status_code == 404
    # Its author is on no published story: readers do not find them either.
    response = api.get(f"/api/v1/authors/{author.slug}/articles/")
    assert response.status_code == 404 and article.slug not in response.content.decode()
    assert article.slug not in api.get(f"{LIST}?section=city").content.decode()


def test_staff_who_may_view_articles_see_drafts_too(api_as, reporter, states):
    response = api_as(reporter).get(LIST)
    assert set(slugs(response)) == {a.slug for a in states.values()}
    response = api_as(reporter).get(f"{LIST}?status=draft")
    assert slugs(response) == ["draft-one"]


def test_the_schedule_lists_when_each_story_goes_out(api, api_as, editor, states):
    """A desk tool reading ?status=scheduled had to open each story to learn its time."""
    scheduled = states["scheduled"]
    listed = api_as(editor).get(f"{LIST}?status=scheduled").json()["results"]
    assert [(a["slug"], a["publish_at"]) for a in listed] == [
        ("scheduled-one", scheduled.publish_at.isoformat().replace("+00:00", "Z"))
    ]
    assert [a["publish_at"] for a in api.get(LIST).json()["results"]] == [None]  # on the site: no plan left


def test_a_moderator_sees_only_what_readers_see(api_as, moderator, states):
    assert slugs(api_as(moderator).get(LIST)) == ["published-one"]


def test_article_detail_has_every_documented_field(api, make_comment, settings):
    settings.SITE_URL = "https://news.example.org"
    author = AuthorFactory(
        display_name="Ada Reporter", slug="ada", job_title="City desk", contact_email="ada.secret@example.org"
    )
    agency = AuthorFactory(display_name="Wire", slug="wire", kind="agency")
    image = ImageFactory(caption="Cranes", credit="Jo Photo", alt_text="Three cranes")
    tag = TagFactory(slug="transport", name="Transport")
    article = ArticleFactory(
        published=True,
        authors=[author, agency],
        tags=[tag],
        lead_image=image,
        source_credit="With reporting by AFP",
        body="<p>Hello <script>alert(1)</script>world</p>",
    )
    related_public = ArticleFactory(published=True, headline="Earlier story")
    related_draft = ArticleFactory(headline="Unfinished story")
    RelatedArticle.objects.create(article=article, related=related_draft, position=0)
    RelatedArticle.objects.create(article=article, related=related_public, position=1)
    make_comment(article)
    make_comment(article, is_public=False)
    make_comment(article, is_removed=True)

    response = api.get(f"{LIST}{article.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["headline"] == article.headline
    assert data["dek"] == article.dek
    assert "<script>" not in data["body"] and "world" in data["body"]
    assert [b["slug"] for b in data["bylines"]] == ["ada", "wire"]
    assert data["bylines"][0]["job_title"] == "City desk"
    assert data["bylines"][0]["page_url"] == "https://news.example.org/authors/ada/"
    assert "ada.secret@example.org" not in response.content.decode()
    assert data["tags"] == [{"id": tag.pk, "name": "Transport", "slug": "transport"}]
    assert data["section"]["slug"] == article.section.slug
    assert data["lead_image"]["alt"] == "Three cranes"
    assert data["lead_image"]["caption"] == "Cranes"
    assert data["lead_image"]["credit"] == "Jo Photo"
    assert [r["width"] for r in data["lead_image"]["renditions"]] == [480, 800, 1200]
    assert data["source_credit"] == "With reporting by AFP"
    assert data["canonical_url"] == "https://news.example.org" + article.get_absolute_url()
    assert [r["headline"] for r in data["related"]] == ["Earlier story"]
    assert data["comment_count"] == 1 and data["comments_enabled"] is True
    assert data["published_at"] and data["updated_at"]
    article.comments_enabled = False
    article.save()
    assert api.get(f"{LIST}{article.pk}/").json()["comments_enabled"] is False


def test_list_items_are_light(api):
    ArticleFactory(published=True)
    item = api.get(LIST).json()["results"][0]
    assert "body" not in item and "related" not in item
    assert {"headline", "bylines", "lead_image", "canonical_url", "comment_count"} <= set(item)


def test_article_by_its_site_path(api):
    article = ArticleFactory(published=True)
    when = timezone.localtime(article.published_at)
    path = f"{LIST}by-path/{article.section.slug}/{when:%Y/%m/%d}/{article.slug}/"
    response = api.get(path)
    assert response.status_code == 200
    assert response.json()["id"] == article.pk
    # Slugs are unique: the right slug under another date is the same story, as on the site (a 301).
    wrong_day = when - timedelta(days=1)
    moved = api.get(f"{LIST}by-path/{article.section.slug}/{wrong_day:%Y/%m/%d}/{article.slug}/")
    assert moved.status_code == 301 and moved["Location"] == f"http://testserver{path}"
    assert api.get(f"{LIST}by-path/{article.section.slug}/2026/13/45/{article.slug}/").status_code == 404
    assert api.get(f"{LIST}by-path/{article.section.slug}/{when:%Y/%m/%d}/no-such-story/").status_code == 404


def test_an_old_address_of_a_renamed_article_answers_301_to_where_it_is_now(api, api_as, editor):
    article = ArticleFactory(published=True, slug="ferry-audit")
    old_page = article.get_absolute_url()
    renamed = api_as(editor).patch(f"{LIST}{article.pk}/", {"slug": "ferry-timetable-audit"}, format="json")
    assert renamed.status_code == 200
    assert api.get(old_page).status_code == 301  # the site
    response = api.get(f"{LIST}by-path{old_page}?format=json")
    article.refresh_from_db()
    assert response.status_code == 301
    assert response["Location"] == f"http://testserver{LIST}by-path{article.get_absolute_url()}?format=json"
    followed = api.get(response["Location"])
    assert followed.status_code == 200 and followed.json()["slug"] == "ferry-timetable-audit"


def test_a_withdrawn_article_s_address_is_a_410_and_leads_nowhere(api, editor):
    from articles import services

    article = ArticleFactory(published=True, slug="ferry-audit")
    old = f"{LIST}by-path{article.get_absolute_url()}".replace("ferry-audit", "ferry-audit-old")
    services.unpublish_article(article=article, by=editor)
    gone = api.get(f"{LIST}by-path{article.get_absolute_url()}")
    assert gone.status_code == 410 and "Location" not in gone
    assert api.get(old).status_code == 404


def test_filters(api):
    city, sport = SectionFactory(slug="city"), SectionFactory(slug="sport")
    tag = TagFactory(slug="ferries")
    ada = AuthorFactory(slug="ada")
    now = timezone.now()
    old = ArticleFactory(
        published=True, section=city, slug="old", published_at=now - timedelta(days=10), authors=[ada]
    )
    new = ArticleFactory(published=True, section=sport, slug="new", tags=[tag], is_featured=True)
    breaking = ArticleFactory(published=True, section=city, slug="breaking", is_breaking=True)
    Article.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=9))

    def get(query):
        response = api.get(f"{LIST}?{query}")
        assert response.status_code == 200, response.json()
        return set(slugs(response))

    assert get("section=city") == {old.slug, breaking.slug}
    assert get("tag=ferries") == {new.slug}
    assert get("author=ada") == {old.slug}
    assert get("featured=true") == {new.slug}
    assert get("featured=false") == {old.slug, breaking.slug}
    assert get("breaking=1") == {breaking.slug}
    since = (now - timedelta(days=2)).isoformat().replace("+00:00", "Z")
    assert get(f"published_after={since}") == {new.slug, breaking.slug}
    assert get(f"published_before={since}") == {old.slug}
    assert get(f"updated_since={since}") == {new.slug, breaking.slug}
    assert get("section=nowhere") == set()


def test_full_text_search(api):
    ArticleFactory(
        published=True, slug="lights", headline="Lighthouses return to the harbour", body="<p>Boats.</p>"
    )
    ArticleFactory(published=True, slug="budget", headline="Budget vote delayed", body="<p>Money.</p>")
    ArticleFactory(slug="draft-lights", headline="Lighthouse draft", body="<p>Secret lighthouses.</p>")
    response = api.get(f"{LIST}?q=lighthouse")
    assert response.status_code == 200
    assert slugs(response) == ["lights"]
    assert slugs(api.get(f"{LIST}?q=%22budget vote%22")) == ["budget"]
    assert slugs(api.get(f"{LIST}?q=...")) == []


def test_full_text_search_folds_accents(api):
    ArticleFactory(published=True, slug="tomas", headline="Tomás Ruiz takes the ferry", body="<p>Boats.</p>")
    ArticleFactory(published=True, slug="budget", headline="Budget vote delayed", body="<p>Money.</p>")

    assert slugs(api.get(f"{LIST}?q=tomas")) == ["tomas"]
    assert slugs(api.get(f"{LIST}?q=TOMÁS")) == ["tomas"]


def test_cursor_pagination_walks_every_article_newest_first(api):
    now = timezone.now()
    for n in range(7):
        ArticleFactory(published=True, slug=f"a{n}", published_at=now - timedelta(minutes=n))
    seen, url = [], f"{LIST}?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]
    assert seen == [f"a{n}" for n in range(7)]


def test_sections_tags_and_authors(api, reporter, editor, moderator):
    city = SectionFactory(slug="city", name="City", position=1)
    arts = SectionFactory(slug="arts", name="Arts", position=2)
    SectionFactory(slug="elections", name="Elections", position=0)  # a draft's only: not for readers
    b, a = TagFactory(slug="b", name="B"), TagFactory(slug="a", name="A")
    author = AuthorFactory(slug="ada", contact_email="ada.secret@example.org", display_name="Ada")
    ArticleFactory(published=True, authors=[author], slug="by-ada", tags=[a, b], section=city)
    ArticleFactory(published=True, section=arts)
    ArticleFactory(authors=[author], slug="ada-draft", section=Section.objects.get(slug="elections"))

    assert [s["slug"] for s in api.get("/api/v1/sections/").json()["results"]] == ["city", "arts"]
    assert api.get("/api/v1/sections/elections/").status_code == 404
    for who, sees in ((reporter, True), (editor, True), (moderator, False)):  # staff file a first story there
        api.force_authenticate(who)
        assert (api.get("/api/v1/sections/elections/").status_code == 200) is sees, who
        assert ("elections" in api.get("/api/v1/sections/").content.decode()) is sees, who
    api.force_authenticate(None)
    assert api.get("/api/v1/sections/city/").json()["name"] == "City"
    assert [t["slug"] for t in api.get("/api/v1/tags/").json()["results"]] == ["a", "b"]
    response = api.get("/api/v1/authors/ada/")
    assert response.status_code == 200 and response.json()["display_name"] == "Ada"
    assert "contact_email" not in response.json() and "ada.secret" not in response.content.decode()
    assert "ada.secret" not in api.get("/api/v1/authors/").content.decode()
    assert slugs(api.get("/api/v1/authors/ada/articles/")) == ["by-ada"]
    # It takes no filter: one asked for is a 400 naming what it takes, not every article quietly.
    for query in ("status=draft", "page=2", "section=city"):
        refused = api.get(f"/api/v1/authors/ada/articles/?{query}")
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_query", query
    assert "cursor" in api.get("/api/v1/authors/ada/articles/?status=draft").json()["errors"]["status"][0]
    assert slugs(api.get("/api/v1/authors/ada/articles/?format=json&page_size=5")) == ["by-ada"]


def test_a_tag_on_no_published_article_is_hidden_from_readers(api, api_as, editor, moderator, client):
    """A tag made for a story still in draft, scheduled or withdrawn would name it before it runs."""
    TagFactory(slug="unused", name="Unused")
    for state in ("in_review", "scheduled", "unpublished"):
        ArticleFactory(tags=[TagFactory(slug=f"mayor-{state}", name=f"Mayor {state}")], **{state: True})
    ArticleFactory(tags=[TagFactory(slug="mayor-draft", name="Mayor draft")])
    ArticleFactory(published=True, tags=[TagFactory(slug="ports", name="Ports")])
    hidden = ["mayor-draft", "mayor-in_review", "mayor-scheduled", "mayor-unpublished", "unused"]

    assert [t["slug"] for t in api.get("/api/v1/tags/").json()["results"]] == ["ports"]
    for slug in hidden:
        assert api.get(f"/api/v1/tags/{slug}/").status_code == 404
        for path in (f"/tag/{slug}/", f"/tag/{slug}/feed/"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert b"Mayor" not in response.content
    assert client.get("/tag/ports/").status_code == 200 and client.get("/tag/ports/feed/").status_code == 200
    staff_sees = [t["slug"] for t in api_as(editor).get("/api/v1/tags/?page_size=50").json()["results"]]
    assert staff_sees == sorted(["ports", *hidden])
    # A moderator is staff but sees no draft anywhere: nor the tags only drafts carry.
    assert api_as(moderator).get("/api/v1/tags/mayor-draft/").status_code == 404


def test_an_author_on_no_published_story_is_hidden_from_readers(api, api_as, editor, moderator, client):
    """A guest writer on a story not yet out would give it away."""
    secret = AuthorFactory(slug="secret-source", display_name="Secret Source")
    ArticleFactory(authors=[secret], headline="Not out yet")
    ArticleFactory(published=True, authors=[AuthorFactory(slug="ada", display_name="Ada")])

    assert [a["slug"] for a in api.get("/api/v1/authors/").json()["results"]] == ["ada"]
    assert api.get("/api/v1/authors/secret-source/").status_code == 404
    assert api_as(moderator).get("/api/v1/authors/secret-source/").status_code == 404
    for path in ("/authors/secret-source/", "/authors/secret-source/feed/", "/authors/"):
        response = client.get(path)
        assert "Secret Source" not in response.content.decode(), path
        assert response.status_code == (200 if path == "/authors/" else 404), path
    assert client.get("/authors/ada/").status_code == 200
    assert api_as(editor).get("/api/v1/authors/secret-source/").json()["display_name"] == "Secret Source"


def test_the_api_root_links_every_list_and_the_contract(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    links = response.json()
    assert links == {  # not the staff's lists (images, moderation queue, shares), which answer 401
        "articles": "http://testserver/api/v1/articles/",
        "articles/removed": "http://testserver/api/v1/articles/removed/",
        "sections": "http://testserver/api/v1/sections/",
        "tags": "http://testserver/api/v1/tags/",
        "authors": "http://testserver/api/v1/authors/",
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
        "redoc": "http://testserver/api/docs/redoc/",
    }
    for name in ("articles", "articles/removed", "sections", "tags", "authors", "schema", "redoc"):
        assert api.get(links[name]).status_code == 200, name
    assert api.get("/api/v1/images/").status_code == 401
    assert "Authorization" in response["Vary"]
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"  # as every public GET
    assert api.get("/api/v1/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    ("role", "staff_lists"),
    [
        ("reporter", {"images", "shares"}),
        ("moderator", {"moderation/comments"}),
        ("editor", {"images", "moderation/comments", "shares"}),
    ],
)
def test_the_api_root_offers_staff_lists_to_who_may_read_them(api_as, role, staff_lists, request):
    client = api_as(request.getfixturevalue(role))

    response = client.get("/api/v1/")

    public = {"articles", "articles/removed", "sections", "tags", "authors", "schema", "docs", "redoc"}
    assert response.status_code == 200
    assert set(response.data) == public | staff_lists
    for name in staff_lists:
        assert client.get(response.data[name]).status_code == 200, name
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
def test_every_link_of_the_api_root_answers_as_given(api_as, editor, query):
    """The root's `?format=` goes on to the lists, never to the schema and docs (`/api/docs/?format=json` is
    a 406). An editor, so that the staff-only images list, the moderation queue and the shares answer too."""
    client = api_as(editor)
    response = client.get(f"/api/v1/{query}")
    assert response.status_code == 200
    links = response.data
    assert set(links) == {
        "articles",
        "articles/removed",
        "sections",
        "tags",
        "authors",
        "images",
        "moderation/comments",
        "shares",
        "schema",
        "docs",
        "redoc",
    }
    assert links["schema"] == "http://testserver/api/schema/"
    assert links["docs"] == "http://testserver/api/docs/"
    assert links["articles"] == f"http://testserver/api/v1/articles/{query}"
    for name, url in links.items():
        assert client.get(url).status_code == 200, (name, url)


def test_the_bare_api_address_sends_to_the_current_version(api):
    response = api.get("/api/?format=json")
    assert response.status_code == 302 and response["Location"] == "/api/v1/?format=json"
    assert api.get("/api/", follow=True).json()["articles"] == "http://testserver/api/v1/articles/"
    assert api.get("/api/v2/").status_code == 404


def test_comments_come_threaded_with_no_parent_at_the_top_and_no_personal_data(api, make_comment):
    article = ArticleFactory(published=True)
    root = make_comment(article, text="Top of the thread", user_url="https://sam.example.org/")
    reply = make_comment(article, text="An answer", parent=root, user_url="mailto:sam.private@example.org")
    make_comment(article, text="Waiting", is_public=False)

    response = api.get(f"{LIST}{article.pk}/comments/")

    assert response.status_code == 200
    fields = ("id", "parent_id", "level", "website", "text_html", "staff")
    rows = [tuple(c[name] for name in fields) for c in response.json()["results"]]
    assert rows == [  # the website as the site links the name; none that would show an email address
        (root.pk, None, 0, "https://sam.example.org/", "<p>Top of the thread</p>", False),
        (reply.pk, root.pk, 1, "", "<p>An answer</p>", False),
    ]
    body = response.content.decode()
    assert "sam.private@example.org" not in body and "203.0.113.77" not in body


def test_readers_do_not_learn_when_a_story_was_begun_or_how_often_it_was_saved(api, api_as, editor):
    """created_at, version and the sharing settings are the newsroom's; staff still get them."""
    article = ArticleFactory(published=True, share_text="Our own words for the post.")
    staff_only = {"created_at", "version", "share_on_publish", "share_text"}
    public = api.get(f"{LIST}{article.pk}/").json()
    assert not staff_only & set(public) and public["headline"] == article.headline
    assert "Our own words" not in api.get(f"{LIST}{article.pk}/").content.decode()  # from the cache too
    staff = api_as(editor).get(f"{LIST}{article.pk}/").json()
    assert staff_only <= set(staff) and staff["share_text"] == "Our own words for the post."
    schema = api.get("/api/schema/?format=json").json()
    detail = schema["components"]["schemas"]["ArticleDetail"]
    assert staff_only <= set(detail["properties"]) and not staff_only & set(detail.get("required", []))


def test_the_browsable_api_shows_staff_an_article_with_its_edit_form_filled_in(api_as, editor, reporter):
    """The HTML edit form starts from the write serializer: bylines as author slugs, related by id."""
    import html
    import json
    import re

    from tests.factories import AuthorFactory

    other = ArticleFactory(published=True)
    article = ArticleFactory(published=True, authors=[AuthorFactory(slug="ada"), AuthorFactory(slug="ben")])
    article.related_links.create(related=other, position=0)
    mine = ArticleFactory(created_by=reporter, authors=[AuthorFactory(slug="cy")])

    for user, story, bylines, related in (
        (editor, article, ["ada", "ben"], [other.pk]),
        (reporter, mine, ["cy"], []),
    ):
        response = api_as(user).get(f"/api/v1/articles/{story.pk}/?format=api")
        assert response.status_code == 200
        content = re.search(
            r'<textarea name="_content"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
        )
        form = json.loads(html.unescape(content.group(1)))
        assert (form["headline"], form["bylines"], form["related"]) == (story.headline, bylines, related)


@pytest.mark.parametrize("spelling", ["+{pk}", "0{pk}", "{pk}%20", "{pk}_", "%EF%BC%91{pk}"])
def test_an_article_has_one_address_by_id(api, spelling):
    """Other spellings of an id would be other addresses (and cache keys) for the same article."""
    article = ArticleFactory(published=True)
    assert api.get(f"/api/v1/articles/{article.pk}/").status_code == 200
    for path in ("", "comments/"):
        response = api.get(f"/api/v1/articles/{spelling.format(pk=article.pk)}/{path}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_options_name_the_contract_and_offer_no_guessed_fields(api_as, moderator):
    """DRF's OPTIONS guessed the fields from a list's serializer (an article's on its comments) and offered
    writes to accounts the permissions refuse; the contract is the one description."""
    article = ArticleFactory(published=True)
    for url in (LIST, f"{LIST}{article.pk}/", f"{LIST}{article.pk}/comments/"):
        response = api_as(moderator).options(url)
        assert response.status_code == 200, url
        body = response.json()
        assert "actions" not in body and body["schema"] == "http://testserver/api/schema/", url
        assert "application/json" in body["renders"], url

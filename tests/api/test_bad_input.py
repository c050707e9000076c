"""Bad input gets a clear 400 (in the one error format) and changes nothing."""

import base64
import json
from datetime import UTC, datetime

import pytest

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, TagFactory

from .snapshots import database_state

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


@pytest.fixture
def draft(editor):
    SectionFactory(slug="city")
    return ArticleFactory(created_by=editor, slug="a-draft")


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["message"]
    if code:
        assert body["code"] == code, body
    return body


def test_malformed_json(api_as, editor, draft):
    before = database_state()
    response = api_as(editor).generic(
        "PATCH", f"{LIST}{draft.pk}/", '{"headline": "half', content_type="application/json"
    )
    body = assert_error(response, 400, "parse_error")
    assert "JSON parse error" in body["message"]
    assert database_state() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"tags": "ferries"}, "tags"),
        ({"related": ["one"]}, "related"),
        ({"related": [999999]}, "related"),
        ({"section": 5}, "section"),
        ({"section": "nowhere"}, "section"),
        ({"is_breaking": "maybe"}, "is_breaking"),
        ({"lead_image": {"id": 1}}, "lead_image"),
        ({"headline": "x" * 201}, "headline"),
        ({"headline": None}, "headline"),
        ({"bylines": ["no-such-author"]}, "bylines"),
        ({"tags": ["t"] * 51}, "tags"),
        ({"tags": ["a\x00b"]}, "tags"),
        ({"bylines": ["ada\x00"]}, "bylines"),
        ({"section": "city\x00"}, "section"),
        ({"headline": "a\x00b"}, "headline"),
        ({"related": [2**70]}, "related"),
        ({"lead_image": 2**70}, "lead_image"),
        ({"section": ["city"]}, "section"),
    ],
)
def test_wrong_types_and_values(api_as, editor, draft, payload, field):
    before = database_state()
    body = assert_error(api_as(editor).patch(f"{LIST}{draft.pk}/", payload, format="json"), 400, "invalid")
    assert field in body["errors"] and all(isinstance(m, str) for m in body["errors"][field])
    assert database_state() == before


def test_a_number_where_text_belongs_is_refused_not_stored_as_its_digits(api, api_as, editor, draft):
    """DRF's CharField takes 123 as "123"; a client that mixed up its fields hears of it instead."""
    story = ArticleFactory(published=True)
    before = database_state()
    not_text = ["Must be text (a JSON string), not a number."]

    edit = api_as(editor).patch(f"{LIST}{draft.pk}/", {"headline": 123, "dek": 1.5}, format="json")
    correction = api_as(editor).post(f"{LIST}{story.pk}/corrections/", {"note": 123}, format="json")
    comment = api.post(
        f"{LIST}{story.pk}/comments/",
        {"name": 42, "email": "sam@example.org", "comment": "Hi."},
        format="json",
    )

    assert assert_error(edit, 400, "invalid")["errors"] == {"headline": not_text, "dek": not_text}
    assert assert_error(correction, 400, "invalid")["errors"] == {"note": not_text}
    assert assert_error(comment, 400, "invalid")["errors"] == {"name": not_text}
    assert database_state() == before
    text = api_as(editor).patch(f"{LIST}{draft.pk}/", {"headline": "123 piers"}, format="json")
    assert text.status_code == 200 and text.json()["headline"] == "123 piers"


def test_a_list_object_or_boolean_where_text_belongs_is_named_as_such(api, api_as, editor, draft):
    """DRF said "Not a valid string." of these, where a number got the sentence the API uses elsewhere."""
    story = ArticleFactory(published=True)
    before = database_state()

    edit = api_as(editor).patch(f"{LIST}{draft.pk}/", {"headline": True, "dek": {"text": "x"}}, format="json")
    comment = api.post(
        f"{LIST}{story.pk}/comments/",
        {"name": "A", "email": ["t@example.org"], "comment": ["a"]},
        format="json",
    )

    assert assert_error(edit, 400, "invalid")["errors"] == {
        "headline": ["Must be text (a JSON string), not true or false."],
        "dek": ["Must be text (a JSON string), not an object."],
    }
    assert assert_error(comment, 400, "invalid")["errors"] == {
        "email": ["Must be text (a JSON string), not a list."],
        "comment": ["Must be text (a JSON string), not a list."],
    }
    assert database_state() == before


def test_headline_standfirst_and_caption_are_kept_on_one_line_without_unseen_characters(
    api_as, editor, draft
):
    """A line break in a headline made every mail about the story fail; a right-to-left override showed it
    backwards. Nothing but such characters is a blank headline, refused, and nothing is saved."""
    client = api_as(editor)
    before = database_state()

    blank = client.patch(f"{LIST}{draft.pk}/", {"headline": "\u200b\u202e\n"}, format="json")

    assert assert_error(blank, 400, "invalid")["errors"] == {"headline": ["This field may not be blank."]}
    assert database_state() == before
    edit = client.patch(
        f"{LIST}{draft.pk}/",
        {
            "headline": "Ferry fares rise\nby a tenth",
            "dek": "The \u202eport\u202c says\t\tso.",
            "lead_image_caption": "Quay\u200b at dawn ",
        },
        format="json",
    )
    assert edit.status_code == 200, edit.content
    assert (edit.json()["headline"], edit.json()["dek"]) == (
        "Ferry fares rise by a tenth",
        "The port says so.",
    )
    draft.refresh_from_db()
    assert (draft.headline, draft.dek, draft.lead_image_caption) == (
        "Ferry fares rise by a tenth",
        "The port says so.",
        "Quay at dawn",
    )


NOT_A_LIST = "Must be a list (a JSON array), not an object."
TEXT_ID = "Incorrect type. Expected pk value, received text."
NULL_ITEM = "An item of this list may not be null."


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"tags": {"ferries": 1, "storms": 2}}, {"tags": [NOT_A_LIST]}),
        ({"bylines": {"marta-quillon": True}}, {"bylines": [NOT_A_LIST]}),
        ({"related": {"1": 1}}, {"related": [NOT_A_LIST]}),
        ({"tags": "ferries"}, {"tags": ["Must be a list (a JSON array), not text."]}),
        ({"is_featured": "yes"}, {"is_featured": ["Must be true or false (a JSON boolean), not text."]}),
        ({"is_featured": "true"}, {"is_featured": ["Must be true or false (a JSON boolean), not text."]}),
        ({"is_featured": "no"}, {"is_featured": ["Must be true or false (a JSON boolean), not text."]}),
        ({"is_featured": 1}, {"is_featured": ["Must be true or false (a JSON boolean), not a number."]}),
        ({"is_breaking": 0}, {"is_breaking": ["Must be true or false (a JSON boolean), not a number."]}),
        (
            {"comments_enabled": "false"},
            {"comments_enabled": ["Must be true or false (a JSON boolean), not text."]},
        ),
        ({"lead_image": "1", "related": ["1"]}, {"lead_image": [TEXT_ID], "related": [TEXT_ID]}),
        ({"tags": ["ferries", None]}, {"tags": [NULL_ITEM]}),
        ({"bylines": [None]}, {"bylines": [NULL_ITEM]}),
        ({"related": [None]}, {"related": [NULL_ITEM]}),
        ({"tags": [True]}, {"tags": ['Give the tag\'s slug as text, such as "ferries".']}),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_not_converted(api_as, editor, draft, payload, errors):
    """DRF's fields take an object's keys as a list, "yes" or 1 as true, "1" as an id and a null item as
    the slug "None"; a client that mixed up its types hears of it, and nothing is saved."""
    AuthorFactory(slug="marta-quillon")
    TagFactory(slug="ferries")
    TagFactory(slug="storms")
    other = ArticleFactory(published=True)
    image = ImageFactory()
    payload = json.loads(json.dumps(payload).replace('"1"', f'"{other.pk}"'))
    if "lead_image" in payload:
        payload["lead_image"] = str(image.pk)
    before = database_state()
    read_before = api_as(editor).get(f"{LIST}{draft.pk}/").json()

    response = api_as(editor).patch(f"{LIST}{draft.pk}/", payload, format="json")

    body = assert_error(response, 400, "invalid")
    assert body["errors"] == errors
    assert database_state() == before
    assert api_as(editor).get(f"{LIST}{draft.pk}/").json() == read_before


def test_values_of_the_right_json_type_are_taken(api_as, editor, draft):
    TagFactory(slug="ferries")
    other = ArticleFactory(published=True)
    image = ImageFactory()
    payload = {
        "tags": ["ferries"],
        "related": [other.pk],
        "lead_image": image.pk,
        "is_featured": True,
        "comments_enabled": False,
    }

    response = api_as(editor).patch(f"{LIST}{draft.pk}/", payload, format="json")

    assert response.status_code == 200, response.content
    article = Article.objects.get(pk=draft.pk)
    assert [tag.slug for tag in article.tags.all()] == ["ferries"]
    assert (article.lead_image_id, article.is_featured, article.comments_enabled) == (image.pk, True, False)
    assert [link.related_id for link in article.related_links.all()] == [other.pk]


def test_an_id_with_a_fraction_is_refused_not_rounded_to_another_row(api_as, editor, draft):
    other = ArticleFactory(published=True)
    image = ImageFactory()
    before = database_state()
    for payload in ({"related": [other.pk + 0.5]}, {"lead_image": image.pk + 0.7}):
        (field,) = payload
        body = assert_error(
            api_as(editor).patch(f"{LIST}{draft.pk}/", payload, format="json"), 400, "invalid"
        )
        assert body["errors"] == {
            field: ["Incorrect type. Expected pk value, received a number with a fraction."]
        }
    assert database_state() == before
    response = api_as(editor).patch(f"{LIST}{draft.pk}/", {"related": [other.pk]}, format="json")
    assert response.status_code == 200 and response.json()["related"][0]["id"] == other.pk


def test_a_body_that_is_not_an_object(api_as, editor, draft):
    before = database_state()
    assert_error(api_as(editor).patch(f"{LIST}{draft.pk}/", [1, 2], format="json"), 400)
    assert database_state() == before


@pytest.mark.parametrize("field", ["colour", "status", "published_at", "created_by", "id"])
def test_unknown_and_read_only_fields_are_refused(api_as, editor, draft, field):
    before = database_state()
    body = assert_error(
        api_as(editor).patch(f"{LIST}{draft.pk}/", {"dek": "ok", field: "published"}, format="json"), 400
    )
    assert field in body["errors"]
    assert database_state() == before


def test_an_article_related_to_itself_is_refused(api_as, editor, draft):
    body = assert_error(
        api_as(editor).patch(f"{LIST}{draft.pk}/", {"related": [draft.pk]}, format="json"), 400
    )
    assert body["errors"]["related"] == ["An article cannot be related to itself."]


@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_a_story_out_or_on_the_schedule_keeps_its_byline(api_as, editor, draft, state):
    article = ArticleFactory(**{state: True})
    before = database_state()
    body = assert_error(api_as(editor).patch(f"{LIST}{article.pk}/", {"bylines": []}, format="json"), 400)
    assert body["errors"]["bylines"] == ["A published or scheduled article keeps at least one byline."]
    assert database_state() == before
    response = api_as(editor).patch(f"{LIST}{draft.pk}/", {"bylines": []}, format="json")
    assert response.status_code == 200 and response.json()["bylines"] == []  # a draft may wait for one


def test_a_huge_payload_is_refused_before_it_is_read(api_as, editor, draft, settings):
    settings.API_MAX_JSON_BYTES = 10_000
    before = database_state()
    response = api_as(editor).patch(f"{LIST}{draft.pk}/", {"body": "x" * 20_000}, format="json")
    body = assert_error(response, 413, "too_large")
    assert "10000" in body["message"]
    assert database_state() == before


def test_a_body_past_the_limit_is_refused_under_the_size_of_a_request(api_as, editor, draft):
    before = database_state()
    body = "x" * 1_000_001

    response = api_as(editor).patch(f"{LIST}{draft.pk}/", {"body": body}, format="json")

    errors = assert_error(response, 400, "invalid")["errors"]
    assert errors == {"body": ["Ensure this field has no more than 1000000 characters."]}
    assert database_state() == before


NOTHING_KEPT = (
    "Nothing is left of this body once what the site does not keep (scripts, styles, embeds, unknown markup) "
    "is removed: it needs text or a picture."
)


@pytest.mark.parametrize(
    "body",
    ["<script>alert(1)</script>", '<iframe src="https://video.example/e/1"></iframe>', " <style></style> "],
)
def test_a_body_the_sanitiser_leaves_nothing_of_is_refused_not_saved_empty(api_as, editor, draft, body):
    """It answered 200 and replaced the draft's text with nothing, where an empty body is a 400 (and the
    admin refuses the same body)."""
    draft.body = "<p>The ferry leaves at nine.</p>"
    draft.save()
    before = database_state()

    edited = api_as(editor).patch(f"{LIST}{draft.pk}/", {"body": body}, format="json")
    created = api_as(editor).post(LIST, {"headline": "Embed", "body": body, "section": "city"}, format="json")

    for response in (edited, created):
        assert assert_error(response, 400, "invalid")["errors"] == {"body": [NOTHING_KEPT]}
    assert database_state() == before
    draft.refresh_from_db()
    assert draft.body == "<p>The ferry leaves at nine.</p>"
    assert not Article.objects.filter(headline="Embed").exists()


def test_json_nested_too_deeply_is_a_400(api, api_as, editor, draft):
    """Deeper than Python's decoder goes, in a body well under the size limit: refused, nothing saved."""
    deep = "[" * 50_000 + "]" * 50_000
    article = ArticleFactory(published=True)
    before = database_state()
    response = api_as(editor).generic(
        "PATCH", f"{LIST}{draft.pk}/", f'{{"headline": {deep}}}', content_type="application/json"
    )
    body = assert_error(response, 400, "parse_error")
    assert "nested too deeply" in body["message"]
    response = api.generic(
        "POST",
        f"{LIST}{article.pk}/comments/",
        f'{{"name": "Ann", "email": "ann@example.org", "comment": {deep}}}',
        content_type="application/json",
    )
    assert_error(response, 400, "parse_error")
    assert database_state() == before


def test_unsupported_media_type(api_as, editor, draft):
    response = api_as(editor).generic("PATCH", f"{LIST}{draft.pk}/", "headline=x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def _cursor(**tokens):
    from urllib.parse import urlencode

    return base64.b64encode(urlencode(tokens).encode()).decode()


@pytest.mark.parametrize(
    "query",
    [
        "cursor=not-base64!!",
        "cursor=%00",
        "cursor=%21%21",
        "cursor=" + base64.b64encode(b"x=1").decode(),
        f"cursor={_cursor(p='yesterday')}",
        f"cursor={_cursor(p='2026-01-01 00:00:00+00:00', o='x')}",
        "cursor=" + _cursor(p="2026-01-01\x00"),
        "page_size=0",
        "page_size=abc",
        "page_size=1000",
        "published_after=yesterday",
        "updated_since=2026-13-45",
        "featured=maybe",
        "featured=",
        "updated_since=",
        "published_before=",
        "published_after=9999-12-31T23:59:59-23:59",
        "status=bogus",
        "status=",
        "section=",
        "tag=",
        "author=",
        "q=",
        "q=%20%20",
        "tag=%09",
        "q=a%00b",
        f"q={'x' * 201}",
    ],
)
def test_invalid_cursors_and_filters(api, query):
    ArticleFactory(published=True)
    body = assert_error(api.get(f"{LIST}?{query}"), 400, "invalid_query")
    assert list(body["errors"]) == [query.split("=")[0]]


@pytest.mark.parametrize("url", ["/api/v1/shares/", "/api/v1/moderation/comments/"])
@pytest.mark.parametrize("query", ["article=", "article=%20", "state=failed&article="])
def test_an_empty_article_filter_is_a_400_not_every_article(api_as, editor, url, query):
    """`?article=` listed the posts (or held comments) of every article, as if it were not there."""
    query = query.replace("failed", "held") if "moderation" in url else query
    body = assert_error(api_as(editor).get(f"{url}?{query}"), 400, "invalid_query")
    assert body["errors"] == {"article": ["Give an id, or leave the parameter out."]}


@pytest.mark.parametrize(("url", "name"), [(LIST, "updated_since"), ("/api/v1/articles/removed/", "since")])
def test_a_time_whose_plus_was_read_as_a_space_says_to_send_it_as_2b(api, url, name):
    """`+02:00` pasted into a URL arrives as ` 02:00`; the client hears why, not just "not valid"."""
    ArticleFactory(published=True)

    body = assert_error(api.get(f"{url}?{name}=2026-11-01T09:00:00+02:00"), 400, "invalid_query")

    [message] = body["errors"][name]
    assert "ISO 8601" in message and "%2B" in message
    assert api.get(f"{url}?{name}=2026-11-01T09:00:00%2B02:00").status_code == 200
    [plain] = assert_error(api.get(f"{url}?{name}=yesterday"), 400, "invalid_query")["errors"][name]
    assert "ISO 8601" in plain and "%2B" not in plain


@pytest.mark.parametrize("url", [LIST, "/api/v1/sections/", "/api/v1/tags/", "/api/v1/authors/"])
def test_a_parameter_a_list_does_not_take_is_named_in_a_400(api, url):
    ArticleFactory(published=True)
    body = assert_error(api.get(f"{url}?sectoin=city&cursor="), 400, "invalid_query")
    assert list(body["errors"]) == ["sectoin"]
    assert "takes no such parameter" in body["errors"]["sectoin"][0]
    assert "`cursor`" in body["errors"]["sectoin"][0]


def test_a_filter_given_twice_is_a_400_not_its_last_value(api):
    """`?section=a&section=b` was read as `b` alone: a client meaning "either" got half its answer."""
    ArticleFactory(published=True)
    body = assert_error(api.get(f"{LIST}?section=city&section=world&tag=x&tag=x"), 400, "invalid_query")
    assert body["errors"] == {
        "section": ["Give this parameter once; it takes one value."],
        "tag": ["Give this parameter once; it takes one value."],
    }


def test_paging_by_number_is_refused_with_the_way_to_page(api):
    ArticleFactory.create_batch(3, published=True)
    body = assert_error(api.get(f"{LIST}?page=2&page_size=1"), 400, "invalid_query")
    assert body["errors"] == {"page": ["This list pages with a cursor: follow the `next` link."]}
    first = api.get(f"{LIST}?page_size=1&format=json")
    assert first.status_code == 200 and len(first.json()["results"]) == 1
    assert api.get(first.json()["next"]).status_code == 200


@pytest.mark.parametrize("url", [LIST, "/api/v1/"])
def test_an_unknown_format_is_a_406_naming_the_formats(api, url):
    article = ArticleFactory(published=True)
    body = assert_error(api.get(f"{url}?format=xml"), 406, "not_acceptable")
    assert "'xml'" in body["message"] and "json" in body["message"]
    assert api.get(f"{LIST}{article.pk}/?format=json").json()["id"] == article.pk
    assert_error(api.get(f"{LIST}{article.pk}.xml"), 404, "not_found")  # a suffix: an address we do not have


def test_the_schema_s_unknown_format_names_each_of_its_formats_once(api):
    """It listed "formats: yaml, yaml, json, json" (two renderers a format). Its errors come as YAML, as the
    schema does unless asked otherwise."""
    response = api.get("/api/schema/?format=xml")

    assert response.status_code == 406
    assert "formats: yaml, json." in response.content.decode()


@pytest.mark.parametrize(
    "position",
    [
        "9999-12-31 23:59:59-05:00",  # past the year 9999 in UTC
        "0001-01-01 00:00:00+05:00",  # before the year 1 in UTC
        "9999-12-31 23:59:59-23:59",
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        LIST,
        "/api/v1/authors/ada/articles/",
        "/api/v1/moderation/comments/",
        "/api/v1/shares/",
        "/api/v1/images/",
    ],
)
def test_a_cursor_time_out_of_range_in_utc_is_a_400_not_a_500(api_as, editor, url, position):
    """Python's datetime ends at the year 9999; converting such a moment to UTC raised OverflowError."""
    AuthorFactory(slug="ada")
    body = assert_error(api_as(editor).get(f"{url}?cursor={_cursor(p=position)}"), 400, "invalid_query")
    assert body["errors"] == {"cursor": ["This cursor is not valid; use the `next` or `previous` link."]}


def test_a_cursor_time_with_an_offset_postgresql_refuses_pages_from_that_moment(api):
    """ISO 8601 allows offsets up to ±23:59, PostgreSQL only to ±15:59: the position is read in UTC."""
    older = ArticleFactory(published=True, published_at=datetime(2026, 1, 1, tzinfo=UTC))
    ArticleFactory(published=True, published_at=datetime(2026, 1, 3, tzinfo=UTC))
    # 2026-01-02 20:00 at +20:00 is 2026-01-02 00:00 UTC: the page starts after it, with the older one.
    response = api.get(f"{LIST}?cursor={_cursor(p='2026-01-02 20:00:00+20:00')}")
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["results"]] == [older.pk]


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        "/api/v1/sections/",
        "/api/v1/tags/",
        "/api/v1/authors/",
        "/api/v1/authors/ada/articles/",
        "/api/v1/articles/removed/",
        "comments",
    ],
)
def test_an_empty_cursor_is_a_400_not_the_first_page(api, make_comment, url):
    article = ArticleFactory(published=True, authors=[AuthorFactory(slug="ada")])
    make_comment(article)
    url = f"{LIST}{article.pk}/comments/" if url == "comments" else url

    body = assert_error(api.get(f"{url}?cursor="), 400, "invalid_query")

    assert body["errors"] == {"cursor": ["Give a value, or leave the parameter out."]}
    assert api.get(url).status_code == 200


def test_invalid_comment_cursor(api):
    article = ArticleFactory(published=True)
    body = assert_error(
        api.get(f"{LIST}{article.pk}/comments/?cursor={_cursor(p='x')}"), 400, "invalid_query"
    )
    assert "cursor" in body["errors"]


def test_the_comments_list_refuses_unknown_and_repeated_parameters_like_every_list(api, make_comment):
    article = ArticleFactory(published=True)
    make_comment(article)
    url = f"{LIST}{article.pk}/comments/"
    takes = "This list takes no such parameter; it takes `cursor`, `format`, `page_size`."

    unknown = assert_error(api.get(f"{url}?foo=1"), 400, "invalid_query")
    page = assert_error(api.get(f"{url}?page=2"), 400, "invalid_query")
    twice = assert_error(api.get(f"{url}?page_size=2&page_size=3"), 400, "invalid_query")

    assert unknown["errors"] == {"foo": [takes]}
    assert page["errors"] == {"page": ["This list pages with a cursor: follow the `next` link."]}
    assert twice["errors"] == {"page_size": ["Give this parameter once; it takes one value."]}
    listed = api.get(f"{url}?page_size=1&format=json")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1


def test_unknown_addresses_and_methods_answer_in_the_error_format(api, api_as, editor, draft):
    assert_error(api.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(api.get(f"{LIST}999999999999999999999/"), 404, "not_found")
    assert_error(api_as(editor).delete("/api/v1/sections/city/"), 405, "method_not_allowed")
    assert json.loads(api.get(f"{LIST}abc/").content)["code"] == "not_found"
    for kind in ("sections", "tags", "authors"):  # a NUL byte PostgreSQL cannot even compare
        assert_error(api.get(f"/api/v1/{kind}/%00/"), 404, "not_found")
        assert_error(api.get(f"/api/v1/{kind}/a%00b/"), 404, "not_found")


def test_a_method_an_address_does_not_take_is_a_405_without_credentials_too(api, draft):
    """Without a token, a `DELETE` of a section (which no one may do) was a 401 "Authentication credentials
    were not provided", as if a token would let it through; so was a `PUT` of an image (it takes `PATCH`)."""
    image = ImageFactory()
    before = database_state()

    refused = [
        api.delete("/api/v1/sections/city/"),
        api.put("/api/v1/sections/", {}, format="json"),
        api.put(f"/api/v1/images/{image.pk}/", {"title": "New"}, format="json"),
        api.generic("TRACE", LIST),
    ]

    for response in refused:
        assert_error(response, 405, "method_not_allowed")
    assert refused[2]["Allow"] == "GET, PATCH, DELETE, HEAD, OPTIONS"
    assert_error(api.delete(f"{LIST}{draft.pk}/"), 401, "not_authenticated")  # one it takes, from staff
    assert database_state() == before


def test_an_endpoint_typed_without_its_final_slash_is_not_said_to_be_missing(api, api_as, editor, draft):
    """`/api/v1/articles` answered "There is no API endpoint at this address" (the catch-all for unknown
    addresses shadowed Django's redirect to the address with the slash): a GET is sent there, and a write,
    whose body a redirect would drop, is told the address. Nothing is saved."""
    before = database_state()

    read = api.get("/api/v1/articles?page_size=1")
    written = api_as(editor).patch(f"{LIST}{draft.pk}", {"headline": "Changed"}, format="json")

    assert read.status_code == 301 and read["Location"] == "/api/v1/articles/?page_size=1"
    assert api.get(read["Location"]).status_code == 200
    body = assert_error(written, 404, "not_found")
    assert body["message"].endswith(f"The API's addresses end with a slash: {LIST}{draft.pk}/")
    assert database_state() == before
    unknown = assert_error(api.get("/api/v1/nothing-here"), 404, "not_found")
    assert unknown["message"] == "There is no API endpoint at this address."


def test_a_server_error_answers_in_the_error_format_not_the_sites_page(api, draft, monkeypatch):
    """A client reading `code` and `message` got the site's HTML 500 page, where a 400, a 404 and the 503 of
    a database out of reach are JSON."""
    from articles.api.views import SectionViewSet

    def broken(self):
        raise RuntimeError("boom in a view")

    monkeypatch.setattr(SectionViewSet, "get_queryset", broken)
    api.raise_request_exception = False

    response = api.get("/api/v1/sections/")

    assert response["Content-Type"] == "application/json"
    body = assert_error(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert body["errors"] == {}


def test_every_mistake_of_a_body_is_named_in_one_answer(api_as, editor):
    """Unknown fields and numbers for text come with the fields' own errors, not one round trip later."""
    SectionFactory(slug="city")
    before = database_state()

    response = api_as(editor).post(
        LIST, {"headline": 7, "section": 1, "colour": "red", "slug": "a b"}, format="json"
    )

    errors = assert_error(response, 400, "invalid")["errors"]
    assert set(errors) == {"headline", "body", "section", "colour", "slug"}
    assert errors["colour"] == ["Unknown or read-only field; it cannot be set here."]
    assert errors["section"] == ['No section has the slug "1". Sections are named by slug, not id.']
    many = api_as(editor).post(LIST, {"tags": ["t"] * 51, "colour": "red", "dek": 5}, format="json")
    assert set(assert_error(many, 400, "invalid")["errors"]) == {"tags", "colour", "dek"}
    assert errors["headline"] == ["Must be text (a JSON string), not a number."]
    objects = api_as(editor).post(
        LIST, {"bylines": [{"slug": "tomas-whitlock"}], "section": ["city"]}, format="json"
    )
    errors = assert_error(objects, 400, "invalid")["errors"]
    assert errors["bylines"] == ['Give the author\'s slug as text, such as "marta-quillon".']
    assert errors["section"] == ['Give the section\'s slug as text, such as "city".']
    assert database_state() == before


def _chunked(client, method, url, body: bytes, **extra):
    """What gunicorn passes on for `Transfer-Encoding: chunked`: the body in wsgi.input, no CONTENT_LENGTH."""
    from django.test.client import FakePayload

    extra = {"CONTENT_TYPE": "application/json", "HTTP_TRANSFER_ENCODING": "chunked"} | extra
    return client.generic(method, url, **extra, **{"wsgi.input": FakePayload(body)})


def test_a_chunked_edit_is_a_411_not_a_200_that_saved_nothing(api_as, editor, draft):
    """Django reads a body only as far as CONTENT_LENGTH, so a chunked body was read as `{}`."""
    client = api_as(editor)
    etag = client.get(f"{LIST}{draft.pk}/")["ETag"]
    before = database_state()

    response = _chunked(client, "PATCH", f"{LIST}{draft.pk}/", b'{"dek": "New."}', HTTP_IF_MATCH=etag)

    body = assert_error(response, 411, "length_required")
    assert "Content-Length" in body["message"] and "nothing was saved" in body["message"]
    assert "no-store" in response["Cache-Control"]
    assert database_state() == before
    # The same edit with its length is read and saved.
    sent = client.patch(f"{LIST}{draft.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH=etag)
    assert sent.status_code == 200 and sent.json()["dek"] == "New."


def test_a_chunked_create_is_a_411_not_field_required(api_as, editor, draft):
    before = database_state()

    response = _chunked(api_as(editor), "POST", LIST, json.dumps({"headline": "Chunked"}).encode())

    assert assert_error(response, 411, "length_required")["errors"] == {}
    assert database_state() == before


def test_a_chunked_form_on_the_site_is_a_411_page_and_saves_nothing(client_as, editor):
    response = _chunked(
        client_as(editor),
        "POST",
        "/admin/articles/article/add/",
        b"headline=Chunked",
        CONTENT_TYPE="application/x-www-form-urlencoded",
    )

    assert response.status_code == 411
    assert "That form could not be read" in response.content.decode()
    assert "nothing was saved" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not Article.objects.filter(headline="Chunked").exists()


def test_a_chunked_read_is_answered_as_usual(api):
    """A GET's body is never read, so how it was sent changes nothing."""
    article = ArticleFactory(published=True)
    response = _chunked(api, "GET", f"{LIST}{article.pk}/", b"")
    assert response.status_code == 200 and response.json()["id"] == article.pk

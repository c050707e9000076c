"""POST /api/v1/tags/: staff with the admin's `add_tag` make a tag a story needs, as the "+" beside Tags on
the admin's article form does; a name or slug another tag has is refused naming it, and nothing is saved."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission

from articles import services
from articles.fields import NO_MARKUP
from articles.models import Tag
from newsroom import page_cache
from tests.factories import ArticleFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

TAGS = "/api/v1/tags/"


def tags_held():
    return list(Tag.objects.order_by("pk").values_list("name", "slug"))


@pytest.fixture
def desk_hand(db):
    """Staff who may write articles through the API but not make tags (a custom role)."""
    user = UserFactory(username="desk_hand", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=["add_article", "change_article", "view_article"]
        )
    )
    return user


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Night ferries", "night-ferries"),
        ("Νέα γραμμή", "nea-grammi"),  # spelt in Latin letters, as an article's headline is
        ("Straße & Brücke 2027", "strasse-brucke-2027"),
        ("  Harbour\n  vote ", "harbour-vote"),  # kept on one line, as the model keeps it
    ],
)
def test_a_reporter_makes_a_tag_whose_slug_is_made_from_its_name(api_as, reporter, name, slug):
    response = api_as(reporter).post(TAGS, {"name": name}, format="json")

    assert response.status_code == 201, response.content
    tag = Tag.objects.get()
    assert (tag.name, tag.slug) == (" ".join(name.split()), slug)
    assert response.json() == {
        "id": tag.pk,
        "name": tag.name,
        "slug": slug,
        "url": f"http://testserver/api/v1/tags/{slug}/",
        "page_url": f"http://127.0.0.1:8000/tag/{slug}/",
        "articles_url": f"http://testserver/api/v1/articles/?tag={slug}",
    }
    assert response["Location"] == f"http://testserver/api/v1/tags/{slug}/"
    assert response["Cache-Control"] == "no-store"
    # Logged as the admin logs an addition: the tag's History in the admin names who made it.
    entry = LogEntry.objects.get(object_id=str(tag.pk))
    assert (entry.user, entry.action_flag, entry.object_repr) == (reporter, ADDITION, tag.name)
    # The writer can use it at once, and read it back where Location says.
    assert api_as(reporter).get(response["Location"]).json() == response.json()


def test_a_slug_given_is_kept_and_a_long_name_makes_one_that_fits(api_as, editor):
    desk = api_as(editor)

    given = desk.post(TAGS, {"name": "Harbour vote 2027", "slug": "harbour-vote"}, format="json")
    long_name = "港口" * 30  # 60 characters, each spelt in several Latin letters
    made = desk.post(TAGS, {"name": long_name}, format="json")

    assert given.status_code == 201 and given.json()["slug"] == "harbour-vote"
    assert made.status_code == 201, made.content
    assert made.json()["slug"] == services.tag_slug(long_name)
    assert len(made.json()["slug"]) <= 60 and not made.json()["slug"].endswith("-")
    assert tags_held() == [("Harbour vote 2027", "harbour-vote"), (long_name, made.json()["slug"])]


NAME_TAKEN = (
    'The tag “Ferries” already has this name; its slug is "harbour-boats": tag articles with that, or choose '
    "another name."
)
SLUG_TAKEN = (
    'The tag “Ferries” already has {}, "harbour-boats": tag articles with that, or give another slug.'
)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "Ferries"}, "name", NAME_TAKEN),
        ({"name": "FERRIES", "slug": "ferries-again"}, "name", NAME_TAKEN),
        ({"name": "Harbour boats"}, "slug", SLUG_TAKEN.format("the slug this name makes")),
        ({"name": "Boats", "slug": "harbour-boats"}, "slug", SLUG_TAKEN.format("this slug")),
    ],
)
def test_a_name_or_slug_another_tag_has_is_refused_naming_its_slug(api_as, reporter, payload, field, message):
    TagFactory(name="Ferries", slug="harbour-boats")
    before = tags_held()

    response = api_as(reporter).post(TAGS, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": f"Some input is not valid: {field}.",
        "errors": {field: [message]},
    }
    assert tags_held() == before
    assert not LogEntry.objects.exists()


def test_a_tag_made_by_another_request_meanwhile_is_named_not_a_500(api_as, reporter, monkeypatch):
    """Both requests found the name free; the unique index decides, and the loser hears which tag won."""
    create_tag = services.create_tag

    def racing(*, name, slug, by):
        Tag.objects.create(name=name, slug=slug)  # the other request, committed first
        return create_tag(name=name, slug=slug, by=by)

    monkeypatch.setattr(services, "create_tag", racing)

    response = api_as(reporter).post(TAGS, {"name": "Night ferries"}, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"name", "slug"}
    assert '"night-ferries"' in response.json()["errors"]["name"][0]
    assert tags_held() == [("Night ferries", "night-ferries")]
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("reader", 403, "permission_denied"),
        ("moderator", 403, "permission_denied"),
        ("desk_hand", 403, "permission_denied"),
    ],
)
def test_an_account_without_add_tag_makes_none(request, api_as, who, status, code):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = api_as(user).post(TAGS, {"name": "Night ferries"}, format="json")

    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "errors"} and body["code"] == code and body["errors"] == {}
    assert not Tag.objects.exists()


def test_the_service_refuses_an_account_without_add_tag_whatever_calls_it(desk_hand):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_tag(name="Night ferries", slug="night-ferries", by=desk_hand)
    assert not Tag.objects.exists()


NOT_TEXT = "Must be text (a JSON string), not {}."
TOO_LONG = "Ensure this field has no more than 60 characters."
NOT_LOWER_CASE = "Use lower-case letters, numbers, hyphens or underscores only."


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": " \n\u200b "}, {"name": ["This field may not be blank."]}),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"name": "x" * 61}, {"name": [TOO_LONG]}),
        ({"name": "Ferries", "slug": "f" * 61}, {"slug": [TOO_LONG]}),
        ({"name": 12}, {"name": [NOT_TEXT.format("a number")]}),
        ({"name": ["Ferries"]}, {"name": [NOT_TEXT.format("a list")]}),
        ({"name": {"en": "Ferries"}}, {"name": [NOT_TEXT.format("an object")]}),
        ({"name": "Ferries", "slug": True}, {"slug": [NOT_TEXT.format("true or false")]}),
        ({"name": "<b>Ferries</b>"}, {"name": [NO_MARKUP % {"markup": "<b>"}]}),
        ({"name": "Ferries &amp; boats"}, {"name": [NO_MARKUP % {"markup": "&amp;"}]}),
        ({"name": "Ferries", "slug": "Night-Ferries"}, {"slug": [NOT_LOWER_CASE]}),
        ({"name": "Ferries", "slug": ""}, {"slug": ["This field may not be blank."]}),
        ({"name": "🚢 ⚓"}, {"slug": [services.NO_SLUG_FROM_NAME]}),
        ({"name": "Ferries\x00"}, {"name": ["Null characters are not allowed."]}),
        ({"name": "Ferries", "id": 4}, {"id": ["Unknown or read-only field; it cannot be set here."]}),
    ],
)  # fmt: skip
def test_bad_input_is_refused_beside_its_field_and_saves_nothing(api_as, reporter, payload, errors):
    response = api_as(reporter).post(TAGS, payload, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and response.json()["errors"] == errors
    assert not Tag.objects.exists() and not LogEntry.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"Ferries"', "{", ""])
def test_a_body_that_is_not_an_object_is_refused(api_as, reporter, body):
    response = api_as(reporter).post(TAGS, body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert set(response.json()) == {"code", "message", "errors"}
    assert not Tag.objects.exists()


def test_ordinary_text_with_angle_brackets_and_ampersands_is_a_name(api_as, reporter):
    response = api_as(reporter).post(TAGS, {"name": "R&D <3"}, format="json")

    assert response.status_code == 201, response.content
    assert tags_held() == [("R&D <3", "rd-3")]


def test_tags_are_not_changed_or_deleted_through_the_api(api_as, editor):
    """Renaming a tag (its page's address) and deleting one (it leaves every story) are the admin's."""
    tag = TagFactory(name="Ferries", slug="ferries")
    desk = api_as(editor)

    answers = [
        desk.patch(f"{TAGS}ferries/", {"name": "Boats"}, format="json"),
        desk.put(f"{TAGS}ferries/", {"name": "Boats", "slug": "boats"}, format="json"),
        desk.delete(f"{TAGS}ferries/"),
    ]

    assert [a.status_code for a in answers] == [405, 405, 405]
    assert all(a.json()["code"] == "method_not_allowed" for a in answers)
    assert tags_held() == [(tag.name, tag.slug)]


def test_an_unknown_tag_on_an_article_tells_an_account_that_may_make_it_where(api_as, reporter, desk_hand):
    section = ArticleFactory().section
    story = {
        "headline": "Night crossings",
        "body": "<p>Text.</p>",
        "section": section.slug,
        "tags": ["night"],
    }
    known = 'No tag has the slug "night". Tags are named by slug, not id.'

    may = api_as(reporter).post("/api/v1/articles/", story, format="json")
    may_not = api_as(desk_hand).post("/api/v1/articles/", story, format="json")

    assert may.status_code == may_not.status_code == 400
    assert may.json()["errors"] == {
        "tags": [f"{known} To make it, POST its name and this slug to /api/v1/tags/, then send this again."]
    }
    assert may_not.json()["errors"] == {"tags": [known]}


def test_a_wire_story_files_with_a_new_tag_and_readers_see_it_at_once(api, api_as, editor, settings):
    """The walkthrough: make the tag, file and publish the story with it. The pages that were cached show it
    (its page, the story's, a search for its name, the API's tags list and the story's cached answer)."""
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 600
    page_cache._local.clear()
    story = ArticleFactory(published=True, headline="Ferry runs all night")
    desk = api_as(editor)
    reader_paths = [story.get_absolute_url(), "/search/?q=nightlife", f"/api/v1/articles/{story.pk}/", TAGS]
    for path in reader_paths:  # warm: each a hit the second time
        assert api.get(path).status_code == 200, path
    assert api.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    assert api.get("/tag/nightlife/").status_code == 404

    made = desk.post(TAGS, {"name": "Nightlife"}, format="json")
    assert made.status_code == 201, made.content
    assert api.get("/tag/nightlife/").status_code == 404  # on no published story: readers do not see it yet
    assert "nightlife" not in api.get(TAGS).content.decode()
    tagged = desk.patch(f"/api/v1/articles/{story.pk}/", {"tags": ["nightlife"]}, format="json")
    assert tagged.status_code == 200, tagged.content

    tag_page = api.get("/tag/nightlife/")
    assert tag_page.status_code == 200 and story.headline in tag_page.content.decode()
    assert "/tag/nightlife/" in api.get(story.get_absolute_url()).content.decode()
    assert story.headline in api.get("/search/?q=nightlife").content.decode()
    assert [t["slug"] for t in api.get(f"/api/v1/articles/{story.pk}/").json()["tags"]] == ["nightlife"]
    assert [t["slug"] for t in api.get(TAGS).json()["results"]] == ["nightlife"]

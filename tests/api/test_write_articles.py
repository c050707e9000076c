"""Staff writes: drafts with ordered bylines, tags and related articles; images; the workflow actions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import Article, Correction, Image, WorkflowEvent
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    image_bytes,
    uploaded_image,
)

from .snapshots import database_state

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
UNKNOWN_FIELD = "Unknown or read-only field; it cannot be set here."


@pytest.fixture
def parts():
    return {
        "section": SectionFactory(slug="city"),
        "ada": AuthorFactory(slug="ada"),
        "ben": AuthorFactory(slug="ben"),
        "tags": [TagFactory(slug="ferries"), TagFactory(slug="harbour")],
        "older": ArticleFactory(published=True, slug="older"),
        "oldest": ArticleFactory(published=True, slug="oldest"),
        "image": ImageFactory(file=uploaded_image(width=300, height=200)),
    }


def draft_payload(parts, **changes):
    return {
        "headline": "Ferries return",
        "slug": "ferries-return",
        "dek": "Two new piers.",
        "body": "<p>They are back.</p><script>alert(1)</script>",
        "section": "city",
        "tags": ["harbour", "ferries"],
        "bylines": ["ben", "ada"],
        "related": [parts["oldest"].pk, parts["older"].pk],
        "lead_image": parts["image"].pk,
        "lead_image_caption": "The new pier",
    } | changes


def test_a_reporter_creates_a_draft_with_ordered_bylines_and_related(api_as, reporter, parts):
    parts["ada"].user = reporter  # the reporter writes as Ada, with Ben
    parts["ada"].save()
    response = api_as(reporter).post(LIST, draft_payload(parts), format="json")

    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug="ferries-return")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter
    assert "<script>" not in article.body
    assert [b.author.slug for b in article.bylines.all()] == ["ben", "ada"]
    assert [r.related.slug for r in article.related_links.all()] == ["oldest", "older"]
    assert sorted(article.tags.values_list("slug", flat=True)) == ["ferries", "harbour"]
    body = response.json()
    assert body["id"] == article.pk and body["status"] == "draft"
    assert article.version == body["version"] == 1 and response["ETag"] == '"v1"'  # a new story is version 1
    assert [b["slug"] for b in body["bylines"]] == ["ben", "ada"]
    assert [r["id"] for r in body["related"]] == [parts["oldest"].pk, parts["older"].pk]
    assert body["lead_image"]["caption"] == "The new pier"
    assert response["Cache-Control"] == "no-store"
    assert response["Location"] == f"http://testserver{LIST}{article.pk}/" == body["url"]
    assert type(response["Location"]) is str  # Django's development server refuses any other type


def test_without_a_slug_one_is_made_from_the_headline_and_kept_unique(api_as, editor, parts):
    client = api_as(editor)
    payload = draft_payload(parts, headline="Night ferry: runs all winter!", related=[])
    del payload["slug"]

    first = client.post(LIST, payload, format="json")
    second = client.post(LIST, payload, format="json")
    assert first.status_code == second.status_code == 201, second.json()
    assert first.json()["slug"] == "night-ferry-runs-all-winter"
    assert second.json()["slug"] == "night-ferry-runs-all-winter-2"
    assert list(
        Article.objects.filter(headline=payload["headline"]).order_by("pk").values_list("slug", flat=True)
    ) == [
        "night-ferry-runs-all-winter",
        "night-ferry-runs-all-winter-2",
    ]

    unsluggable = client.post(LIST, payload | {"headline": "?!"}, format="json")
    assert unsluggable.status_code == 400
    assert list(unsluggable.json()["errors"]) == ["slug"]
    taken = client.post(LIST, payload | {"slug": "night-ferry-runs-all-winter"}, format="json")
    assert taken.status_code == 400 and list(taken.json()["errors"]) == ["slug"]
    assert Article.objects.filter(headline__in=["?!", payload["headline"]]).count() == 2


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Νέα γραμμή λεωφορείων", "nea-grammi-leoforeion"),
        ("Новости дня", "novosti-dnya"),
        ("北京港口", "beijinggangkou"),
        ("Straße gesperrt 🚧", "strasse-gesperrt"),
        ("Port Aldery’s ferry — on time", "port-alderys-ferry-on-time"),
    ],
)
def test_a_headline_in_any_script_makes_a_readable_latin_slug(api_as, editor, parts, headline, slug):
    """slugify alone kept nothing of Greek or Cyrillic, so such a headline needed a slug given, while the
    admin's slug field spells it in Latin letters as it is typed. Emoji and other symbols are left out."""
    payload = draft_payload(parts, headline=headline, related=[])
    del payload["slug"]

    first = api_as(editor).post(LIST, payload, format="json")
    second = api_as(editor).post(LIST, payload, format="json")

    assert first.status_code == second.status_code == 201, first.json()
    assert [first.json()["slug"], second.json()["slug"]] == [slug, f"{slug}-2"]
    assert list(Article.objects.filter(headline=headline).order_by("pk").values_list("slug", flat=True)) == [
        slug,
        f"{slug}-2",
    ]


@pytest.mark.parametrize("headline", ["🚢🌊", "🏳️‍🌈 ⛴️", "?!", "«…»"])
def test_a_headline_with_no_letters_or_digits_and_no_slug_is_refused_asking_for_a_slug(
    api_as, editor, parts, headline
):
    """Emoji and punctuation make no slug: the client is told to give one, not that the headline has no
    letters."""
    payload = draft_payload(parts, headline=headline)
    del payload["slug"]
    before = database_state()

    response = api_as(editor).post(LIST, payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    [message] = response.json()["errors"]["slug"]
    assert message.startswith("Give a slug") and "headline's letters and digits" in message
    assert list(response.json()["errors"]) == ["slug"]
    assert database_state() == before
    assert not Article.objects.filter(headline=headline).exists()
    given = api_as(editor).post(LIST, payload | {"slug": "news-of-the-day"}, format="json")
    assert given.status_code == 201 and given.json()["headline"] == headline


def test_a_patch_replaces_lists_in_the_given_order(api_as, editor, parts):
    article = ArticleFactory(authors=[parts["ada"]])
    response = api_as(editor).patch(
        f"{LIST}{article.pk}/", {"bylines": ["ben", "ada"], "related": [parts["older"].pk]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert [b.author.slug for b in article.bylines.all()] == ["ben", "ada"]
    assert [r.related_id for r in article.related_links.all()] == [parts["older"].pk]


@pytest.mark.parametrize(
    ("body", "content_type"), [("{}", "application/json"), ("", None)], ids=["{}", "no body"]
)
def test_a_patch_that_names_no_field_saves_nothing_and_keeps_the_version(
    api_as, editor, parts, body, content_type
):
    """A save for nothing raised the version, so every other editor's If-Match became a 412."""
    client = api_as(editor)
    article = ArticleFactory(created_by=editor, authors=[parts["ada"]])
    read = client.get(f"{LIST}{article.pk}/")
    before = database_state()

    response = client.generic(
        "PATCH", f"{LIST}{article.pk}/", body, content_type=content_type, HTTP_IF_MATCH=read["ETag"]
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"v{article.version}"' == f'"v{read.json()["version"]}"'
    assert response.json() == read.json()
    assert database_state() == before
    edited = client.patch(f"{LIST}{article.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert edited.status_code == 200 and edited.json()["version"] == article.version + 1


def test_a_put_or_patch_resending_what_the_article_holds_saves_nothing(api_as, editor, parts):
    """A client that writes back what it read (a sync tool's PUT, a form sent unchanged) leaves the version,
    the revisions and `updated_at` alone; one different value, the order of the bylines included, saves."""
    client = api_as(editor)
    created = client.post(LIST, draft_payload(parts), format="json")
    assert created.status_code == 201, created.content
    url = created["Location"]
    read = client.get(url)
    before = database_state()

    # The body as sent before it was sanitised (its script is dropped on saving), the tags in another order.
    same = draft_payload(parts, tags=["ferries", "harbour"])
    put = client.put(url, same, format="json", HTTP_IF_MATCH=read["ETag"])
    patch = client.patch(url, {"headline": "Ferries return", "bylines": ["ben", "ada"]}, format="json")

    for response in (put, patch):
        assert response.status_code == 200, response.content
        assert response["ETag"] == f'"v{read.json()["version"]}"' and response.json() == read.json()
    assert database_state() == before
    reordered = client.patch(url, {"bylines": ["ada", "ben"]}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert reordered.status_code == 200
    assert [b["slug"] for b in reordered.json()["bylines"]] == ["ada", "ben"]
    assert reordered.json()["version"] == read.json()["version"] + 1


def test_a_reporter_cannot_mark_a_story_featured(api_as, reporter, parts):
    before = database_state()
    response = api_as(reporter).post(LIST, draft_payload(parts, is_featured=True), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert database_state() == before


def test_a_reporter_cannot_edit_another_reporters_draft(api_as, reporter, other_reporter, parts):
    article = ArticleFactory(created_by=other_reporter)
    before = database_state()
    response = api_as(reporter).patch(f"{LIST}{article.pk}/", {"headline": "Mine now"}, format="json")
    assert response.status_code == 403
    assert database_state() == before


def test_the_workflow_through_the_api(api_as, reporter, editor, parts):
    article = ArticleFactory(created_by=reporter, authors=[parts["ada"]])
    assert api_as(reporter).post(f"{LIST}{article.pk}/submit/").json()["status"] == "review"
    # Once in review the reporter may no longer edit it, exactly as in the admin.
    assert api_as(reporter).patch(f"{LIST}{article.pk}/", {"dek": "x"}, format="json").status_code == 403
    # Sent twice, it is told where it stands (it was "You can only submit your own drafts", a 403).
    again = api_as(reporter).post(f"{LIST}{article.pk}/submit/")
    assert again.status_code == 400 and "already in review" in again.json()["message"]
    other = ArticleFactory(created_by=editor, authors=[parts["ada"]], in_review=True)
    assert api_as(reporter).post(f"{LIST}{other.pk}/submit/").status_code == 403  # not theirs: refused
    at = timezone.now() + timedelta(days=1)
    response = api_as(editor).post(
        f"{LIST}{article.pk}/schedule/", {"publish_at": at.isoformat()}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    response = api_as(editor).post(f"{LIST}{article.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert api_as(None).get(f"{LIST}{article.pk}/").status_code == 200
    assert api_as(editor).post(f"{LIST}{article.pk}/unpublish/").json()["status"] == "unpublished"
    assert api_as(None).get(f"{LIST}{article.pk}/").status_code == 410  # gone: listed in articles/removed/
    actions = list(
        WorkflowEvent.objects.filter(article=article).order_by("at", "id").values_list("action", "actor")
    )
    assert actions == [
        ("submitted", reporter.pk),
        ("scheduled", editor.pk),
        ("published", editor.pk),
        ("unpublished", editor.pk),
    ]


@pytest.mark.parametrize("step", ["submit", "publish", "unpublish"])
@pytest.mark.parametrize(
    ("body", "content_type", "status", "error"),
    [
        ('{"publish_at": "2030-01-01T09:00:00Z"}', "application/json", 400, "publish_at"),
        ("{broken", "application/json", 400, None),
        ('{"publish_at": "2030-01-01T09:00:00Z"}', "text/plain", 415, None),
    ],
    ids=["a field", "broken JSON", "not JSON"],
)
def test_a_step_that_takes_no_body_refuses_one_and_changes_nothing(
    api_as, editor, step, body, content_type, status, error
):
    """`publish` with a `publish_at` published at once, breaking the embargo the client meant to set."""
    article = ArticleFactory(
        in_review=step == "publish", published=step == "unpublish", authors=[AuthorFactory()]
    )
    before = database_state()

    response = api_as(editor).generic("POST", f"{LIST}{article.pk}/{step}/", body, content_type=content_type)

    assert response.status_code == status
    if error:
        assert list(response.json()["errors"]) == [error]
    assert database_state() == before


def test_workflow_rules_of_the_services_answer_400(api_as, editor, parts):
    article = ArticleFactory(authors=[])
    before = database_state()
    response = api_as(editor).post(f"{LIST}{article.pk}/publish/")
    assert response.status_code == 400
    assert response.json()["message"] == "An article needs at least one byline before it is published."
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    ArticleFactory  # noqa: B018 - the byline-less draft stays a draft
    response = api_as(editor).post(
        f"{LIST}{parts['older'].pk}/schedule/", {"publish_at": past}, format="json"
    )
    assert response.status_code == 400
    assert database_state() == before


def test_image_upload(api_as, reporter):
    response = api_as(reporter).post(
        "/api/v1/images/",
        {"file": uploaded_image(width=640, height=480), "title": "Pier", "alt_text": "A pier at dusk"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    image = Image.objects.get()
    assert image.uploaded_by == reporter and (image.width, image.height) == (640, 480)
    assert response.json()["renditions"][0]["width"] == 480
    assert response["Location"] == f"http://testserver/api/v1/images/{image.pk}/"  # as an article's 201
    assert api_as(reporter).get(response["Location"]).json()["title"] == "Pier"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _file(b"%PDF-1.4 not an image", "doc.pdf"), "This file is not an image we can read."),
        (lambda: _file(image_bytes(width=100, height=100), "tiny.jpg"), "at least 200"),
        (
            lambda: _file(image_bytes(width=400, height=300) + b"\0" * 4000, "big.jpg"),
            "the largest accepted is",
        ),
        (lambda: _file(image_bytes(width=400, height=300)[:1200], "cut.jpg"), "damaged or incomplete"),
    ],
    ids=["not an image", "too small", "too large", "truncated"],
)
def test_bad_uploads_are_refused_with_400(api_as, reporter, settings, upload, message):
    settings.IMAGE_MAX_UPLOAD_BYTES = 3000
    response = api_as(reporter).post(
        "/api/v1/images/", {"file": upload(), "title": "x", "alt_text": "x"}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and message in " ".join(body["errors"]["file"])
    assert not Image.objects.exists()


def test_an_api_upload_over_the_limit_is_a_413_in_the_error_format(api_as, reporter, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_as(reporter)
    client.raise_request_exception = False
    upload = {
        "file": _file(image_bytes(width=400, height=300), "pier.jpg"),
        "title": "x" * 2000,
        "alt_text": "x",
    }

    response = client.post("/api/v1/images/", upload, format="multipart")

    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "message": "The request body is too large.", "errors": {}}
    assert not Image.objects.exists()


def _file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/jpeg")


# serialized_rollback as every other committing test: a plain transactional test's flush runs post_migrate,
# which makes content types again under new ids, and the next serialized test's reload then clashes with them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_articles_created_at_once_with_one_headline_each_get_their_own_slug(api_as, editor):
    """Each request finds `race-headline` free, then all insert: the unique index refuses all but one, and
    the others take the next free slug instead of failing with a 500."""
    import threading

    from django.db import connections

    SectionFactory(slug="city")
    api_as(editor)  # the token, made before the threads start
    barrier = threading.Barrier(6)
    answers = []

    def create():
        try:
            client = api_as(editor)
            barrier.wait()
            response = client.post(LIST, {"headline": "Race headline", "body": "<p>b</p>", "section": "city"})
            answers.append((response.status_code, response.json().get("slug") or response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == sorted((201, slug) for slug in Article.objects.values_list("slug", flat=True))
    assert sorted(Article.objects.values_list("slug", flat=True)) == sorted(
        ["race-headline"] + [f"race-headline-{n}" for n in range(2, 7)]
    )


def test_a_slug_taken_between_the_check_and_the_save_is_a_400(api_as, editor, monkeypatch):
    """Another request saves the same slug after this one's checks passed: a 400 naming the field."""
    from articles.api.serializers import ArticleWriteSerializer

    SectionFactory(slug="city")
    checked_create = ArticleWriteSerializer.create

    def create_after_a_rival(self, validated_data):
        ArticleFactory(slug="taken-meanwhile")  # the rival's insert, committed in between
        return checked_create(self, validated_data)

    monkeypatch.setattr(ArticleWriteSerializer, "create", create_after_a_rival)
    response = api_as(editor).post(
        LIST, {"headline": "Race", "slug": "taken-meanwhile", "body": "b", "section": "city"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"slug": ["An article with this slug already exists."]}
    assert not Article.objects.filter(headline="Race").exists()


@pytest.mark.parametrize("body", ["", "<script>alert(1)</script>", "<p>&nbsp;</p><p> </p>"])
def test_a_story_with_nothing_in_its_body_is_not_published_nor_scheduled(api_as, editor, body):
    article = ArticleFactory(in_review=True)
    Article.objects.filter(pk=article.pk).update(body="")
    api_as(editor).patch(f"{LIST}{article.pk}/", {"body": body}, format="json")
    message = "An article needs a body with text or a picture before it is {}."
    response = api_as(editor).post(f"{LIST}{article.pk}/publish/")
    assert response.status_code == 400 and response.json()["message"] == message.format("published")
    later = (timezone.now() + timedelta(days=1)).isoformat()
    response = api_as(editor).post(f"{LIST}{article.pk}/schedule/", {"publish_at": later}, format="json")
    assert response.status_code == 400 and response.json()["message"] == message.format("scheduled")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and article.published_at is None

    api_as(editor).patch(
        f"{LIST}{article.pk}/", {"body": '<p><img src="/media/x.jpg" alt="Map"></p>'}, format="json"
    )
    assert api_as(editor).post(f"{LIST}{article.pk}/publish/").status_code == 200


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59Z", "2040-01-01T00:00:00+01:00"])
def test_a_schedule_more_than_ten_years_ahead_is_refused(api_as, editor, when):
    article = ArticleFactory(in_review=True)
    response = api_as(editor).post(f"{LIST}{article.pk}/schedule/", {"publish_at": when}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "The scheduled time must be within ten years from now."
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Article.Status.IN_REVIEW, None)
    assert api_as(editor).get(LIST + "?status=review").status_code == 200


def test_a_slug_with_capitals_is_refused_with_the_rule(api_as, editor):
    SectionFactory(slug="city")
    ArticleFactory(slug="storm-surge")
    response = api_as(editor).post(
        LIST, {"headline": "Storm", "slug": "Storm-Surge", "body": "b", "section": "city"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "slug": ["Use lower-case letters, numbers, hyphens or underscores only."]
    }
    assert list(Article.objects.values_list("slug", flat=True)) == ["storm-surge"]


@pytest.mark.parametrize("slug", ["bad slug!", "Storm-Surge", "storm/surge"])
def test_a_slug_that_breaks_the_rule_is_refused_with_one_message(api_as, editor, slug):
    """DRF's SlugField added Django's "Enter a valid “slug”…" to ours: two messages for one mistake, and
    the second one allows capitals."""
    article = ArticleFactory(slug="storm-surge")

    response = api_as(editor).patch(f"{LIST}{article.pk}/", {"slug": slug}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "slug": ["Use lower-case letters, numbers, hyphens or underscores only."]
    }
    article.refresh_from_db()
    assert article.slug == "storm-surge"


# --- Corrections --------------------------------------------------------------------------------------


# Characters that show nothing but that `.strip()` keeps: zero-width space, non-joiner and joiner, word
# joiner, byte-order mark, soft hyphen (and a mix with an ideographic space and an entity).
UNSEEN_BODIES = [
    "<p>\u200b</p>",
    "<p>\u200c\u200d</p>",
    "<p>\u2060</p>",
    "<p>\ufeff</p>",
    "<p>\u00ad</p>",
    "<p>\u3000&#8203;\u200b&nbsp;</p>",
]


@pytest.mark.parametrize("body", UNSEEN_BODIES)
def test_a_body_of_characters_that_show_nothing_is_not_published(api_as, editor, body):
    article = ArticleFactory(in_review=True)
    assert api_as(editor).patch(f"{LIST}{article.pk}/", {"body": body}, format="json").status_code == 200
    before = database_state()

    response = api_as(editor).post(f"{LIST}{article.pk}/publish/")

    assert response.status_code == 400
    assert response.json()["message"] == (
        "An article needs a body with text or a picture before it is published."
    )
    assert database_state() == before
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and article.published_at is None


@pytest.mark.parametrize("body", UNSEEN_BODIES)
def test_a_published_story_is_not_emptied_to_characters_that_show_nothing(api_as, editor, body):
    article = ArticleFactory(published=True, body="<p>The ferry runs again.</p>")
    before = database_state()

    response = api_as(editor).patch(f"{LIST}{article.pk}/", {"body": body}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"body": [services.BODY_KEPT]}
    assert database_state() == before
    assert api_as(editor).get(f"{LIST}{article.pk}/").json()["body"] == "<p>The ferry runs again.</p>"


def test_a_body_with_a_word_among_unseen_characters_has_content():
    assert services.has_content("<p>\u200bFerry\u00ad</p>")
    assert not services.has_content("<p>\u200b\u2060</p><p>&shy;</p>")


@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_a_story_out_or_due_keeps_a_body(api_as, editor, state):
    article = ArticleFactory(**{state: True}, body="<p>The ferry runs again.</p>")
    before = database_state()

    response = api_as(editor).patch(f"{LIST}{article.pk}/", {"body": "<p></p><p>   </p>"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["body"] == [services.BODY_KEPT]
    assert database_state() == before


def test_an_editor_corrects_a_published_story_and_readers_see_it_at_once(api_as, client, editor, parts):
    article = parts["older"]
    page_before = client.get(article.get_absolute_url()).content.decode()  # now in the page cache
    version = Article.objects.get(pk=article.pk).version
    note = "An earlier version gave the pier as 90 m long. It is 120 m: > 100 m & < 150 m."

    response = api_as(editor).post(
        f"{LIST}{article.pk}/corrections/", {"kind": "correction", "note": note}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert [(c["kind"], c["note"]) for c in body["corrections"]] == [("correction", note)]
    assert body["version"] == version + 1
    correction = Correction.objects.get(article=article)
    assert (correction.kind, correction.note) == ("correction", note)
    assert "It is 120 m." not in page_before
    page = client.get(article.get_absolute_url()).content.decode()
    assert "It is 120 m: &gt; 100 m &amp; &lt; 150 m." in page  # plain text, shown as typed
    reader = api_as(None).get(f"{LIST}{article.pk}/").json()
    assert [c["note"] for c in reader["corrections"]] == [note]
    revision = Version.objects.get_for_object(article).first().revision
    assert (revision.comment, revision.user) == ("Correction added", editor)
    assert [v.object_repr for v in revision.version_set.filter(content_type__model="correction")] == [
        str(correction)
    ]


def test_an_update_note_is_its_own_kind(api_as, editor, parts):
    article = parts["older"]
    response = api_as(editor).post(
        f"{LIST}{article.pk}/corrections/", {"kind": "update", "note": "The ferry now sails."}, format="json"
    )
    assert response.status_code == 201
    assert list(Correction.objects.values_list("kind", "note")) == [("update", "The ferry now sails.")]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "note", "This field is required."),
        ({"note": "   "}, "note", "This field may not be blank."),
        ({"note": "x" * 1001}, "note", "Ensure this field has no more than 1000 characters."),
        ({"note": "Fixed.", "kind": "retraction"}, "kind", '"retraction" is not a valid choice.'),
        ({"note": "Fixed.\x00"}, "note", "Null characters are not allowed."),
        ({"note": "Fixed.", "noted_at": "2020-01-01T00:00:00Z"}, "noted_at", UNKNOWN_FIELD),
    ],
)
def test_a_bad_correction_is_refused_with_the_rule_and_nothing_is_saved(
    api_as, editor, parts, payload, field, message
):
    before = database_state()
    response = api_as(editor).post(f"{LIST}{parts['older'].pk}/corrections/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert database_state() == before
    assert not Correction.objects.exists()


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_a_story_not_yet_published_takes_no_correction(api_as, editor, state):
    """Dated before the story ran, it read on the page as a fix to something no reader had seen."""
    article = ArticleFactory(scheduled=state == "scheduled")
    before = database_state()

    response = api_as(editor).post(
        f"{LIST}{article.pk}/corrections/", {"kind": "correction", "note": "Draft fix."}, format="json"
    )

    assert response.status_code == 400 and response.json()["message"] == services.NOT_YET_PUBLISHED
    assert database_state() == before


def test_a_correction_made_from_a_stale_read_is_a_412(api_as, editor, parts):
    article = parts["older"]
    etag = api_as(editor).get(f"{LIST}{article.pk}/")["ETag"]
    Article.objects.get(pk=article.pk).save()  # someone else saved it since
    before = database_state()

    response = api_as(editor).post(
        f"{LIST}{article.pk}/corrections/", {"note": "Fixed."}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert response.json()["code"] == "edit_conflict"
    assert database_state() == before and not Correction.objects.exists()
    fresh = api_as(editor).get(f"{LIST}{article.pk}/")["ETag"]
    response = api_as(editor).post(
        f"{LIST}{article.pk}/corrections/", {"note": "Fixed."}, format="json", HTTP_IF_MATCH=fresh
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("read_query", "write_query"),
    [("?format=json", ""), ("", "?format=json"), ("?format=json", "?format=json")],
)
def test_the_etag_of_a_get_with_or_without_format_json_matches_an_edit_either_way(
    api_as, editor, parts, read_query, write_query
):
    """The links of a `?format=json` answer carry it, so its ETag hashes another body: an edit sent
    without it got "someone changed this article" when no one had."""
    article = parts["older"]
    client = api_as(editor)
    read = client.get(f"{LIST}{article.pk}/{read_query}")
    assert read.status_code == 200 and read["ETag"] != f'"v{article.version}"'

    edited = client.patch(
        f"{LIST}{article.pk}/{write_query}", {"dek": "New."}, format="json", HTTP_IF_MATCH=read["ETag"]
    )

    assert edited.status_code == 200, edited.json()
    assert Article.objects.get(pk=article.pk).dek == "New."
    stale = client.patch(
        f"{LIST}{article.pk}/{write_query}", {"dek": "Newer."}, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    assert stale.status_code == 412 and stale.json()["code"] == "edit_conflict"
    assert Article.objects.get(pk=article.pk).dek == "New."


@pytest.mark.parametrize("if_match", ["v1", "1", "W/v1", "garbage, more"])
def test_an_if_match_that_is_no_etag_is_a_400_that_shows_the_form_and_saves_nothing(
    api_as, editor, parts, if_match
):
    article = parts["older"]
    before = database_state()
    client = api_as(editor)

    edited = client.patch(f"{LIST}{article.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH=if_match)
    unpublished = client.post(f"{LIST}{article.pk}/unpublish/", HTTP_IF_MATCH=if_match)

    for response in (edited, unpublished):
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "malformed_if_match"
        assert (
            f'(such as "v{article.version}"); what was sent, {if_match} (its quotes missing?)'
            in body["message"]
        )
    assert database_state() == before
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


@pytest.mark.parametrize("weakened", ["version", "read"], ids=['W/"v<version>"', "W/ETag of a GET"])
def test_a_weak_etag_in_if_match_never_matches_and_saves_nothing(api_as, editor, parts, weakened):
    """If-Match compares ETags strongly (RFC 9110): `W/"v7"` was taken for `"v7"` and the write went ahead.
    Now it is a 412, as a stale version is, saying why; a strong ETag beside it in the list still matches."""
    article = parts["older"]
    client = api_as(editor)
    etag = f'"v{article.version}"' if weakened == "version" else client.get(f"{LIST}{article.pk}/")["ETag"]
    before = database_state()

    edited = client.patch(f"{LIST}{article.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH=f"W/{etag}")
    unpublished = client.post(f"{LIST}{article.pk}/unpublish/", HTTP_IF_MATCH=f"W/{etag}")
    deleted = client.delete(f"{LIST}{article.pk}/", HTTP_IF_MATCH=f"W/{etag}")

    for response in (edited, unpublished, deleted):
        assert response.status_code == 412
        body = response.json()
        assert body["code"] == "edit_conflict"
        assert body["message"].startswith(f"If-Match names only weak ETags (W/{etag}), and a weak ETag never")
        assert "this article's ETags are strong" in body["message"]
    assert database_state() == before
    both = client.patch(
        f"{LIST}{article.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH=f"W/{etag}, {etag}"
    )
    assert both.status_code == 200 and Article.objects.get(pk=article.pk).dek == "New."


def test_every_etag_the_api_sends_is_strong(api, api_as, editor, parts):
    """A weak ETag never matches If-Match, so the API sends none: a client sends back what it was given."""
    article = parts["older"]
    client = api_as(editor)
    sent = [
        client.get(f"{LIST}{article.pk}/")["ETag"],
        client.get(f"{LIST}{article.pk}/?format=json")["ETag"],
        api.get(f"{LIST}{article.pk}/")["ETag"],
        api.get(LIST)["ETag"],
        client.patch(f"{LIST}{article.pk}/", {"dek": "New."}, format="json")["ETag"],
        client.post(f"{LIST}{article.pk}/unpublish/")["ETag"],
        client.post(LIST, draft_payload(parts), format="json")["ETag"],
    ]

    assert all(etag.startswith('"') and etag.endswith('"') for etag in sent), sent


def test_an_if_match_naming_a_version_never_sent_says_so_not_who_changed_it(api_as, editor, parts):
    """ "v999" of an article at version 3 was never read by anyone: the 412 says so, and which ETag is
    current, instead of naming the last saver as if they had changed it meanwhile."""
    article = parts["older"]
    before = database_state()

    response = api_as(editor).patch(
        f"{LIST}{article.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH='"v999"'
    )

    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "edit_conflict"
    assert body["message"] == (
        "If-Match names a version of this article that was never sent (its current ETag is "
        f'"v{article.version}"). Read it (GET) and send the ETag it answers with. Nothing was saved.'
    )
    assert database_state() == before


@pytest.mark.parametrize("read_query", ["", "?format=json"])
def test_an_if_match_from_a_read_without_the_token_says_so_not_that_someone_changed_it(
    api, api_as, editor, parts, read_query
):
    """The ETag of the public answer (read without a token, as the docs' examples read) is not one of the
    staff answer's: the 412 said someone had changed the article "after you opened it" when no one had, and
    reading it again the same way gave the same ETag and the same 412, for ever."""
    article = parts["older"]
    public = api.get(f"{LIST}{article.pk}/{read_query}")["ETag"]
    desk = api_as(editor)
    before = database_state()

    edited = desk.patch(f"{LIST}{article.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH=public)
    unpublished = desk.post(f"{LIST}{article.pk}/unpublish/", HTTP_IF_MATCH=public)

    for response in (edited, unpublished):
        assert response.status_code == 412
        assert response.json()["message"] == (
            "If-Match holds the ETag of this article as readers get it (a GET without a token), which leaves "
            "out what staff see. Read it with the token you write with (GET) and send the ETag that answers "
            "with. Nothing was saved."
        )
    assert database_state() == before
    staff = desk.get(f"{LIST}{article.pk}/")["ETag"]
    edited = desk.patch(f"{LIST}{article.pk}/", {"dek": "New."}, format="json", HTTP_IF_MATCH=staff)
    assert edited.status_code == 200 and Article.objects.get(pk=article.pk).dek == "New."


def test_every_write_answers_with_the_etag_its_next_step_sends(api_as, editor, parts):
    """A client chains create, edit, publish, correct and unpublish without reading the article again."""
    client = api_as(editor)
    created = client.post(LIST, draft_payload(parts), format="json")
    assert created.status_code == 201 and created["ETag"] == f'"v{created.json()["version"]}"'
    url = f"{LIST}{created.json()['id']}/"

    edited = client.patch(url, {"dek": "Three new piers."}, format="json", HTTP_IF_MATCH=created["ETag"])
    published = client.post(f"{url}publish/", HTTP_IF_MATCH=edited["ETag"])
    corrected = client.post(
        f"{url}corrections/", {"note": "Three, not two."}, format="json", HTTP_IF_MATCH=published["ETag"]
    )
    stale = client.post(f"{url}unpublish/", HTTP_IF_MATCH=published["ETag"])
    unpublished = client.post(f"{url}unpublish/", HTTP_IF_MATCH=corrected["ETag"])

    assert [r.status_code for r in (edited, published, corrected, stale, unpublished)] == [
        200,
        200,
        201,
        412,
        200,
    ]
    assert unpublished.json()["status"] == "unpublished"
    assert corrected["ETag"] == f'"v{corrected.json()["version"]}"' != published["ETag"]


def test_a_new_article_starts_with_its_writer_s_byline_and_goes_to_review_only_with_one(
    api_as, reporter, other_reporter, editor, parts
):
    AuthorFactory(slug="rita", user=reporter)
    payload = {"headline": "Ferry fares", "body": "<p>Up by a tenth.</p>", "section": "city"}

    mine = api_as(reporter).post(LIST, payload, format="json")
    bare = api_as(editor).post(LIST, {**payload, "headline": "Bus fares"}, format="json")

    assert mine.status_code == 201 and [b["slug"] for b in mine.json()["bylines"]] == ["rita"]
    assert bare.status_code == 201 and bare.json()["bylines"] == []
    refused = api_as(editor).post(f"{LIST}{bare.json()['id']}/submit/")
    assert refused.status_code == 400
    assert refused.json()["message"] == "An article needs at least one byline before it is sent for review."
    assert Article.objects.get(pk=bare.json()["id"]).status == "draft"
    assert api_as(reporter).post(f"{LIST}{mine.json()['id']}/submit/").json()["status"] == "review"
    # A reporter no author is linked to has no byline of their own to start with.
    unlinked = api_as(other_reporter).post(LIST, {**payload, "headline": "Tram fares"}, format="json")
    assert unlinked.status_code == 400
    assert unlinked.json()["errors"] == {"bylines": [services.OWN_BYLINE + services.NO_AUTHOR_OF_YOURS]}


def test_a_reporter_cannot_file_a_story_under_a_colleagues_byline_alone(
    api_as, reporter, other_reporter, editor, parts
):
    """It sat in the colleague's "My drafts", who could submit it. Beside their own byline, it goes; an
    editor bylines anyone."""
    AuthorFactory(slug="rita", user=reporter)
    AuthorFactory(slug="idris-okafor", user=other_reporter)
    client = api_as(reporter)
    payload = {
        "headline": "Ferry fares",
        "body": "<p>Up.</p>",
        "section": "city",
        "bylines": ["idris-okafor"],
    }

    refused = client.post(LIST, payload, format="json")

    assert refused.status_code == 400
    assert refused.json()["errors"] == {"bylines": [services.OWN_BYLINE]}
    assert not Article.objects.filter(headline="Ferry fares").exists()
    shared = client.post(LIST, payload | {"bylines": ["idris-okafor", "rita"]}, format="json")
    assert shared.status_code == 201
    assert [b["slug"] for b in shared.json()["bylines"]] == ["idris-okafor", "rita"]
    handed = client.patch(f"{LIST}{shared.json()['id']}/", {"bylines": ["idris-okafor"]}, format="json")
    assert handed.status_code == 400 and handed.json()["errors"] == {"bylines": [services.OWN_BYLINE]}
    article = Article.objects.get(pk=shared.json()["id"])
    assert [b.author.slug for b in article.bylines.all()] == ["idris-okafor", "rita"]
    by_editor = api_as(editor).post(LIST, payload | {"headline": "Bus fares"}, format="json")
    assert by_editor.status_code == 201 and [b["slug"] for b in by_editor.json()["bylines"]] == [
        "idris-okafor"
    ]


def test_a_reporter_edits_the_words_of_a_draft_whose_bylines_an_editor_set(api_as, reporter, editor, parts):
    """Assigned to them (their byline, on an editor's draft), or given another byline by an editor: the
    reporter edits it as long as they leave the bylines as they are or keep their own among them."""
    rita = AuthorFactory(slug="rita", user=reporter)
    assigned = ArticleFactory(created_by=editor, authors=[rita])
    rebylined = ArticleFactory(created_by=reporter, authors=[parts["ada"]])
    client = api_as(reporter)

    assert client.patch(f"{LIST}{assigned.pk}/", {"dek": "Up."}, format="json").status_code == 200
    with_ada = client.patch(f"{LIST}{assigned.pk}/", {"bylines": ["rita", "ada"]}, format="json")
    assert with_ada.status_code == 200
    assert client.patch(f"{LIST}{rebylined.pk}/", {"dek": "Up."}, format="json").status_code == 200
    same = client.patch(f"{LIST}{rebylined.pk}/", {"bylines": ["ada"], "dek": "Down."}, format="json")
    assert same.status_code == 200
    assert [b.author.slug for b in rebylined.bylines.all()] == ["ada"]


def test_a_version_saved_through_the_api_holds_what_was_written_and_restores_in_the_admin(
    api_as, client_as, editor, parts
):
    """The history's versions are taken after the bylines, tags and related links are written: a version
    taken before them held the old bylines (none, on a create), and the admin could not restore it."""

    def bylines_of(version):
        rows = [v.field_dict for v in version.revision.version_set.all() if v.content_type.model == "byline"]
        return [row["author_id"] for row in sorted(rows, key=lambda row: row["position"])]

    from django.urls import reverse

    from tests.articles.admin_forms import form_data

    client = api_as(editor)
    created = client.post(LIST, draft_payload(parts, tags=["ferries"], related=[]), format="json").json()
    edited = client.patch(
        f"{LIST}{created['id']}/",
        {"headline": "Ferries return at last", "bylines": ["ada"], "tags": ["harbour"]},
        format="json",
    )
    assert edited.status_code == 200
    article = Article.objects.get(pk=created["id"])

    first, latest = sorted(Version.objects.get_for_object(article), key=lambda v: v.pk)
    assert bylines_of(first) == [parts["ben"].pk, parts["ada"].pk]
    assert bylines_of(latest) == [parts["ada"].pk]
    assert latest.field_dict["tags"] == [parts["tags"][1].pk]

    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    admin = client_as(editor)
    restored = admin.post(url, form_data(admin.get(url)))

    assert restored.status_code == 302, restored.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.headline == "Ferries return"
    assert [b.author.slug for b in article.bylines.all()] == ["ben", "ada"]
    assert list(article.tags.values_list("slug", flat=True)) == ["ferries"]

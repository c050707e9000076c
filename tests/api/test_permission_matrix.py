"""Every write endpoint against every kind of user: the expected status, and nothing changed when refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, uploaded_image

from .snapshots import database_state

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "reporter", "editor", "moderator"]


@pytest.fixture
def world(reporter):
    section = SectionFactory(slug="city")
    AuthorFactory(user=reporter)  # the byline a reporter's new story starts with (and needs)
    return {
        "section": section,
        "own_draft": ArticleFactory(section=section, created_by=reporter, slug="own-draft"),
        "published": ArticleFactory(published=True, section=section, created_by=reporter, slug="live"),
        "image": ImageFactory(file=uploaded_image(width=300, height=200)),
    }


def _new_article():
    return {"headline": "A new story", "slug": "a-new-story", "body": "<p>Text.</p>", "section": "city"}


def _full_edit():
    return {"headline": "Rewritten", "slug": "own-draft", "body": "<p>New text.</p>", "section": "city"}


# (name, method, path, payload, format, expected status per role)
ENDPOINTS = [
    ("create article", "post", "/api/v1/articles/", _new_article, "json",
     {"anonymous": 401, "reader": 403, "reporter": 201, "editor": 201, "moderator": 403}),
    ("patch own draft", "patch", "/api/v1/articles/{own_draft}/", lambda: {"dek": "Changed"}, "json",
     {"anonymous": 401, "reader": 403, "reporter": 200, "editor": 200, "moderator": 403}),
    ("put own draft", "put", "/api/v1/articles/{own_draft}/", _full_edit, "json",
     {"anonymous": 401, "reader": 403, "reporter": 200, "editor": 200, "moderator": 403}),
    ("patch published article", "patch", "/api/v1/articles/{published}/", lambda: {"dek": "Changed"}, "json",
     {"anonymous": 401, "reader": 403, "reporter": 403, "editor": 200, "moderator": 403}),
    ("submit own draft", "post", "/api/v1/articles/{own_draft}/submit/", dict, "json",
     {"anonymous": 401, "reader": 403, "reporter": 200, "editor": 200, "moderator": 403}),
    ("publish draft", "post", "/api/v1/articles/{own_draft}/publish/", dict, "json",
     {"anonymous": 401, "reader": 403, "reporter": 403, "editor": 200, "moderator": 403}),
    ("schedule draft", "post", "/api/v1/articles/{own_draft}/schedule/",
     lambda: {"publish_at": (timezone.now() + timedelta(days=1)).isoformat()}, "json",
     {"anonymous": 401, "reader": 403, "reporter": 403, "editor": 200, "moderator": 403}),
    ("unpublish", "post", "/api/v1/articles/{published}/unpublish/", dict, "json",
     {"anonymous": 401, "reader": 403, "reporter": 403, "editor": 200, "moderator": 403}),
    # (A draft takes no correction at all: tests/api/test_write_articles.py.)
    ("correct published article", "post", "/api/v1/articles/{published}/corrections/",
     lambda: {"note": "Fixed."}, "json",
     {"anonymous": 401, "reader": 403, "reporter": 403, "editor": 201, "moderator": 403}),
    ("upload image", "post", "/api/v1/images/",
     lambda: {"file": uploaded_image(width=300, height=200), "title": "Pier", "alt_text": "A pier"},
     "multipart",
     {"anonymous": 401, "reader": 403, "reporter": 201, "editor": 201, "moderator": 403}),
    ("post comment", "post", "/api/v1/articles/{published}/comments/",
     lambda: {"name": "Sam", "email": "sam@example.org", "comment": "Well done."}, "json",
     {"anonymous": 202, "reader": 201, "reporter": 201, "editor": 201, "moderator": 201}),
    ("create tag", "post", "/api/v1/tags/", lambda: {"name": "Night ferries"}, "json",
     {"anonymous": 401, "reader": 403, "reporter": 201, "editor": 201, "moderator": 403}),
    ("edit image", "patch", "/api/v1/images/{image}/", lambda: {"caption": "New caption"}, "json",
     {"anonymous": 401, "reader": 403, "reporter": 403, "editor": 200, "moderator": 403}),  # not their upload
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "payload", "fmt", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ENDPOINTS],
)
def test_write_permission_matrix(request, api_as, world, role, method, path, payload, fmt, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = api_as(user)
    ids = {name: obj.pk for name, obj in world.items()}
    before = database_state()

    response = getattr(client, method)(path.format(**ids), payload(), format=fmt)

    assert response.status_code == expected[role], response.content
    if expected[role] >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "errors"}
        assert body["code"] in {"not_authenticated", "permission_denied"}
        assert database_state() == before
    else:
        assert database_state() != before


def test_session_authentication_needs_a_csrf_token(client, editor, world):
    """A browser session may write only with the CSRF token, so another site cannot post for it."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    before = database_state()
    response = browser.post(
        f"/api/v1/articles/{world['own_draft'].pk}/publish/", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert database_state() == before

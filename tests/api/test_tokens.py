"""Tokens for scripts are made and revoked in the admin, and the API honours exactly that."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_made_in_the_admin_works_until_it_is_revoked_there(client, editor):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    article = ArticleFactory(created_by=editor)

    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": editor.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    token = Token.objects.get(user=editor)

    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert (
        script.patch(f"/api/v1/articles/{article.pk}/", {"dek": "By script"}, format="json").status_code
        == 200
    )

    # The admin addresses a token by its user (TokenProxy.pk is the user id).
    response = client.post(f"/admin/authtoken/tokenproxy/{editor.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = script.patch(f"/api/v1/articles/{article.pk}/", {"dek": "Again"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    article.refresh_from_db()
    assert article.dek == "By script"


def test_a_deactivated_account_cannot_use_its_token(api_as, editor):
    article = ArticleFactory(created_by=editor)
    client = api_as(editor)
    editor.is_active = False
    editor.save()
    assert client.patch(f"/api/v1/articles/{article.pk}/", {"dek": "x"}, format="json").status_code == 401


def test_a_token_sent_as_bearer_works_as_one_sent_as_token(editor):
    """Most HTTP clients send `Bearer`; the API read such a request as anonymous: public data and a 200
    that hid the mistake, or a 401 "not provided" for a write."""
    article = ArticleFactory(created_by=editor)
    token = Token.objects.create(user=editor).key
    script = APIClient()

    script.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    mine = script.get("/api/v1/articles/?status=draft")
    edited = script.patch(f"/api/v1/articles/{article.pk}/", {"dek": "By Bearer"}, format="json")
    script.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    wrong = script.get("/api/v1/articles/")

    assert mine.status_code == 200 and [a["id"] for a in mine.json()["results"]] == [article.pk]
    assert edited.status_code == 200 and edited.json()["dek"] == "By Bearer"
    assert wrong.status_code == 401 and wrong.json()["code"] == "authentication_failed"

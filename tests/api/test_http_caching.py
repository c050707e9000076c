"""Public GETs carry validators and CDN-friendly Cache-Control; conditional requests get 304."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/articles/", "/api/v1/articles/{pk}/", "/api/v1/articles/{pk}/comments/", "/api/v1/sections/",
     "/api/v1/tags/", "/api/v1/authors/", "/api/v1/authors/{author}/articles/"],
)  # fmt: skip
def test_every_public_get_has_an_etag_and_answers_304(api, path):
    article = ArticleFactory(published=True)
    url = path.format(pk=article.pk, author=article.bylines.first().author.slug)

    response = api.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"  # as the pages
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    etag = response["ETag"]
    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert api.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_change_changes_the_etag_and_last_modified(api, make_comment):
    article = ArticleFactory(published=True)
    url = f"/api/v1/articles/{article.pk}/"
    first = api.get(url)
    last_modified = first["Last-Modified"]
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    make_comment(article)
    second = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["comment_count"] == 1

    Article.objects.filter(pk=article.pk).update(headline="Corrected headline", updated_at=timezone.now())
    third = api.get(url, HTTP_IF_NONE_MATCH=second["ETag"], HTTP_IF_MODIFIED_SINCE=second["Last-Modified"])
    assert third.status_code == 200 and third.json()["headline"] == "Corrected headline"
    old = http_date((timezone.now() - timedelta(days=1)).timestamp())
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_approving_a_held_comment_moves_last_modified(api, make_comment, moderator):
    from comments.models import Moderation
    from comments.services import approve_comments

    article = ArticleFactory(published=True)
    held = make_comment(article, is_public=False)
    Moderation.objects.create(comment=held, held_reason="links")
    url = f"/api/v1/articles/{article.pk}/"
    first = api.get(url)
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    approve_comments(comments=[held], by=moderator)
    # The decision comes a little later than the copy the client holds.
    Moderation.objects.filter(comment=held).update(decided_at=timezone.now() + timedelta(seconds=2))
    response = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 200 and response.json()["comment_count"] == 1


def test_a_held_comment_leaves_the_validators_as_they_were(api, make_comment):
    """When an unseen comment was posted is not a reader's to learn, from a header either."""
    from comments.models import Moderation

    article = ArticleFactory(published=True)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    url = f"/api/v1/articles/{article.pk}/"
    first = api.get(url)
    held = make_comment(article, is_public=False, submit_date=timezone.now() - timedelta(minutes=1))
    Moderation.objects.create(comment=held, held_reason="links")
    second = api.get(url)
    assert (second["Last-Modified"], second["ETag"]) == (first["Last-Modified"], first["ETag"])
    assert second.json()["comment_count"] == 0


def test_staff_answers_are_private_and_writes_are_not_stored(api_as, editor):
    article = ArticleFactory(published=True)
    response = api_as(editor).get(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    response = api_as(editor).patch(f"/api/v1/articles/{article.pk}/", {"dek": "New"}, format="json")
    assert response["Cache-Control"] == "no-store"


def test_errors_are_not_cached_publicly(api):
    response = api.get("/api/v1/articles/12345/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")

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


def test_a_change_changes_the_etag(api, make_comment):
    article = ArticleFactory(published=True)
    url = f"/api/v1/articles/{article.pk}/"
    first = api.get(url)

    make_comment(article)
    second = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["comment_count"] == 1

    Article.objects.filter(pk=article.pk).update(headline="Corrected headline", updated_at=timezone.now())
    third = api.get(url, HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200 and third.json()["headline"] == "Corrected headline"


def test_what_an_article_shows_of_other_rows_is_never_answered_304_by_date(api, editor):
    """No Last-Modified: an answer changes with an author renamed or a related story withdrawn, which no
    time of the article's covers. `If-Modified-Since` alone gets the answer, never a 304 with old data."""
    from articles import services
    from articles.models import RelatedArticle

    article = ArticleFactory(published=True)
    related = ArticleFactory(published=True, headline="Ferry timetable")
    RelatedArticle.objects.create(article=article, related=related)
    url = f"/api/v1/articles/{article.pk}/"
    first = api.get(url)
    assert "Last-Modified" not in first and first.json()["related"]
    author = article.bylines.first().author
    author.display_name = "Renamed Writer"
    author.save()
    services.unpublish_article(article=related, by=editor)

    later = http_date((timezone.now() + timedelta(minutes=1)).timestamp())
    again = api.get(url, HTTP_IF_MODIFIED_SINCE=later)

    assert again.status_code == 200
    assert again.json()["bylines"][0]["display_name"] == "Renamed Writer" and again.json()["related"] == []
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_approving_a_held_comment_changes_the_etag(api, make_comment, moderator):
    from comments.models import Moderation
    from comments.services import approve_comments

    article = ArticleFactory(published=True)
    held = make_comment(article, is_public=False)
    Moderation.objects.create(comment=held, held_reason="links")
    url = f"/api/v1/articles/{article.pk}/"
    first = api.get(url)
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    approve_comments(comments=[held], by=moderator)
    response = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200 and response.json()["comment_count"] == 1


def test_a_held_comment_leaves_the_etag_as_it_was(api, make_comment):
    """When an unseen comment was posted is not a reader's to learn, from a header either."""
    from comments.models import Moderation

    article = ArticleFactory(published=True)
    url = f"/api/v1/articles/{article.pk}/"
    first = api.get(url)
    held = make_comment(article, is_public=False, submit_date=timezone.now() - timedelta(minutes=1))
    Moderation.objects.create(comment=held, held_reason="links")
    second = api.get(url)
    assert second["ETag"] == first["ETag"] and "Last-Modified" not in second
    assert second.json()["comment_count"] == 0


def test_the_browsable_api_is_never_stored(api):
    """Its pages carry a CSRF token and set its cookie: not to be kept by a CDN and handed to others."""
    article = ArticleFactory(published=True)

    response = api.get(f"/api/v1/articles/{article.pk}/comments/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "ETag" not in response


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

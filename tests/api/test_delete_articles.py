"""`DELETE articles/{id}/`: the admin's delete page through the API, under the same rules: editors delete
any story, a reporter only a draft of their own that never ran, a story posted to social networks stays,
and "Recover deleted articles" names who deleted it and when."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, RemovedArticle
from comments.models import ReaderComment
from sharing.models import ShareRecord
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .snapshots import database_state

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def new_article(api, **fields):
    """An article as the desk makes one through the API (so it has a version to recover from)."""
    SectionFactory(slug="city")
    payload = {"headline": "Quay reopens", "body": "<p>Boats are back.</p>", "section": "city", **fields}
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 201, response.content
    return Article.objects.get(pk=response.json()["id"])


def assert_refused(response, status, code, message):
    assert response.status_code == status, response.content
    assert response.json() == {"code": code, "message": message, "errors": {}}


def test_an_editor_deletes_a_published_story_which_leaves_the_site_and_can_be_recovered(
    api, api_as, client_as, editor, make_comment
):
    editor.first_name, editor.last_name = "Erin", "Desk"
    editor.save()
    desk = api_as(editor)
    article = new_article(desk, bylines=[AuthorFactory(slug="erin").slug], share_on_publish=False)
    published = desk.post(f"{LIST}{article.pk}/publish/")
    assert published.status_code == 200, published.content
    assert api.get(f"{LIST}{article.pk}/").status_code == 200
    make_comment(article, "Good news for the quay.")
    kept = make_comment(ArticleFactory(published=True), "Another story's comment.")

    response = desk.delete(f"{LIST}{article.pk}/")

    assert response.status_code == 204 and response.content == b""
    assert not Article.objects.filter(pk=article.pk).exists()
    assert api.get(f"{LIST}{article.pk}/").status_code == 410
    again = desk.delete(f"{LIST}{article.pk}/")  # gone, as a GET says, not "not found"
    assert again.status_code == 410 and again.json()["code"] == "gone"
    assert list(RemovedArticle.objects.values_list("article_id", "slug")) == [(article.pk, "quay-reopens")]
    assert list(ReaderComment.objects.values_list("pk", flat=True)) == [kept.pk]  # its comments went with it
    [entry] = LogEntry.objects.filter(action_flag=DELETION)
    assert (entry.user, entry.object_id, entry.object_repr) == (editor, str(article.pk), "Quay reopens")
    page = client_as(editor).get(reverse("admin:articles_article_recoverlist"))
    [row] = BeautifulSoup(page.content, "html.parser").select("#change-history tbody tr")
    assert row.th.a.get_text(strip=True) == "Quay reopens"
    assert row.select("td")[0].get_text(strip=True).endswith("UTC by Erin Desk")
    assert Version.objects.get_deleted(Article).filter(object_id=str(article.pk)).exists()


def test_a_reporter_deletes_an_own_draft_that_never_ran_and_nothing_is_listed_as_removed(api_as, reporter):
    AuthorFactory(user=reporter)  # their byline, which their story starts with
    desk = api_as(reporter)
    article = new_article(desk)

    assert desk.delete(f"{LIST}{article.pk}/").status_code == 204

    assert not Article.objects.filter(pk=article.pk).exists()
    assert not RemovedArticle.objects.exists()  # readers never knew it
    assert LogEntry.objects.get(action_flag=DELETION).user == reporter


@pytest.mark.parametrize("whose", ["a colleague's draft", "an own story that ran"])
def test_a_reporter_may_not_delete_past_an_own_draft_and_nothing_changes(api_as, reporter, whose):
    if whose == "a colleague's draft":
        article = ArticleFactory()
    else:
        article = ArticleFactory(unpublished=True, created_by=reporter)
        article.first_published_at = article.published_at
        article.save()
    before = database_state()

    response = api_as(reporter).delete(f"{LIST}{article.pk}/")

    assert_refused(
        response,
        403,
        "permission_denied",
        "You may not delete this article: you may delete only your own drafts that were never published.",
    )
    assert database_state() == before
    assert not LogEntry.objects.exists()


def test_a_story_posted_to_social_networks_is_kept_as_the_admin_keeps_it(api_as, editor):
    article = ArticleFactory(published=True)
    ShareRecord.objects.create(article=article, account="desk-log", network="log")
    before = database_state()

    response = api_as(editor).delete(f"{LIST}{article.pk}/")

    assert_refused(
        response,
        409,
        "shared",
        "This article cannot be deleted: a story posted (or queued to be posted) on social networks stays "
        "in the archive, because the posts link to it. Unpublish it instead.",
    )
    assert database_state() == before
    assert not RemovedArticle.objects.exists()


def test_a_story_changed_since_it_was_read_is_not_deleted(api_as, editor, reporter):
    AuthorFactory(user=reporter)
    article = new_article(api_as(reporter))
    read = api_as(editor).get(f"{LIST}{article.pk}/")["ETag"]
    assert (
        api_as(reporter)
        .patch(f"{LIST}{article.pk}/", {"headline": "Quay reopens at dawn"}, format="json")
        .status_code
        == 200
    )

    response = api_as(editor).delete(f"{LIST}{article.pk}/", HTTP_IF_MATCH=read)

    assert response.status_code == 412, response.content
    assert response.json()["code"] == "edit_conflict"
    assert Article.objects.get(pk=article.pk).headline == "Quay reopens at dawn"
    now = api_as(editor).get(f"{LIST}{article.pk}/")["ETag"]
    assert api_as(editor).delete(f"{LIST}{article.pk}/", HTTP_IF_MATCH=now).status_code == 204


def test_readers_and_anonymous_clients_cannot_delete(api, api_as, reader):
    article = ArticleFactory(published=True)

    assert api.delete(f"{LIST}{article.pk}/").status_code == 401
    assert api_as(reader).delete(f"{LIST}{article.pk}/").status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
    assert api.get(f"{LIST}{article.pk}/").status_code == 200

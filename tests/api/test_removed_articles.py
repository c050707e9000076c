"""`articles/removed/`: a client that syncs with `articles/?updated_since=` learns which articles it holds
have left the site (unpublished or deleted), by every path that takes a story off it, and nothing more."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import services
from articles.models import Article, RemovedArticle
from articles.tasks import publish_due_articles
from tests.articles.admin_forms import form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
URL = f"{LIST}removed/"
CHANGELIST_URL = reverse("admin:articles_article_changelist")


def removed(api, query=""):
    response = api.get(URL + query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


def test_an_article_unpublished_through_the_api_is_listed_with_its_id_slug_and_time_only(api, api_as, editor):
    article = ArticleFactory(published=True, slug="ferry-strike-called-off")
    before = timezone.now()

    answer = api_as(editor).post(f"/api/v1/articles/{article.pk}/unpublish/")

    assert answer.status_code == 200
    [entry] = removed(api)
    assert set(entry) == {"id", "slug", "removed_at"}
    assert (entry["id"], entry["slug"]) == (article.pk, "ferry-strike-called-off")
    assert before <= parse_datetime(entry["removed_at"]) <= timezone.now()
    assert api.get("/api/v1/articles/").json()["results"] == []


def test_the_admin_s_unpublish_button_lists_the_article(api, client_as, editor):
    article = ArticleFactory(published=True)
    client = client_as(editor)
    data = form_data(client.get(change_url(article))) | {"_unpublish": "1"}

    assert client.post(change_url(article), data).status_code == 302

    assert [entry["id"] for entry in removed(api)] == [article.pk]


def test_a_slug_typed_with_the_unpublish_button_is_not_the_one_listed(api, client_as, editor):
    """The form is saved before the story comes off the site: the list named the new slug, which readers
    never saw, and not the one a client holding the story knew it by."""
    article = ArticleFactory(published=True, slug="pier-reopens")
    client = client_as(editor)
    renamed = {"slug": "pier-sold-to-harbour-chief", "_unpublish": "1"}

    assert (
        client.post(change_url(article), form_data(client.get(change_url(article))) | renamed).status_code
        == 302
    )

    assert Article.objects.filter(
        pk=article.pk, slug="pier-sold-to-harbour-chief", status="unpublished"
    ).exists()
    assert [(entry["id"], entry["slug"]) for entry in removed(api)] == [(article.pk, "pier-reopens")]


def test_the_admin_s_bulk_unpublish_lists_each_article(api, client_as, editor):
    first, second = ArticleFactory(published=True), ArticleFactory(published=True)
    kept = ArticleFactory(published=True)

    client_as(editor).post(
        CHANGELIST_URL,
        {"action": "unpublish_selected", "_selected_action": [first.pk, second.pk], "index": "0"},
    )

    assert sorted(entry["id"] for entry in removed(api)) == sorted([first.pk, second.pk])
    assert [a["id"] for a in api.get("/api/v1/articles/").json()["results"]] == [kept.pk]


def test_a_published_article_deleted_in_the_admin_is_listed(api, client_as, editor):
    article = ArticleFactory(published=True, slug="pier-reopens")

    response = client_as(editor).post(delete_url(article), {"post": "yes"})

    assert response.status_code == 302 and not Article.objects.filter(pk=article.pk).exists()
    assert [(e["id"], e["slug"]) for e in removed(api)] == [(article.pk, "pier-reopens")]


def test_the_admin_s_bulk_delete_lists_the_published_article_and_not_the_draft(api, client_as, editor):
    live = ArticleFactory(published=True)
    draft = ArticleFactory()

    client_as(editor).post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": [live.pk, draft.pk], "post": "yes", "index": "0"},
    )

    assert not Article.objects.filter(pk__in=[live.pk, draft.pk]).exists()
    assert [entry["id"] for entry in removed(api)] == [live.pk]


def test_a_draft_that_never_ran_and_is_deleted_leaves_no_trace(api, client_as, reporter):
    draft = ArticleFactory(created_by=reporter, slug="secret-council-deal")

    response = client_as(reporter).post(delete_url(draft), {"post": "yes"})

    assert response.status_code == 302 and not Article.objects.filter(pk=draft.pk).exists()
    assert removed(api) == []
    assert not RemovedArticle.objects.exists()


def test_a_scheduled_story_taken_off_the_schedule_is_not_listed(api, api_as, editor):
    article = ArticleFactory(scheduled=True)

    assert api_as(editor).post(f"/api/v1/articles/{article.pk}/unpublish/").status_code == 200

    assert removed(api) == []


def test_a_withdrawn_article_keeps_the_slug_readers_knew_when_renamed_and_then_deleted(api, editor):
    article = ArticleFactory(published=True, slug="harbour-plan")
    services.unpublish_article(article=article, by=editor)
    [first] = removed(api)
    article.refresh_from_db()
    article.slug = "harbour-plan-rewritten-in-draft"
    article.save()

    article.delete()

    [entry] = removed(api)
    assert entry == first  # the slug and time it left the site, not the draft's new slug
    assert entry["slug"] == "harbour-plan"


def test_a_republished_article_leaves_the_list_and_comes_back_through_updated_since(api, api_as, editor):
    article = ArticleFactory(published=True)
    client = api_as(editor)
    client.post(f"/api/v1/articles/{article.pk}/unpublish/")
    assert [entry["id"] for entry in removed(api)] == [article.pk]
    last_sync = timezone.now()

    assert client.post(f"/api/v1/articles/{article.pk}/publish/").status_code == 200

    assert removed(api) == []
    since = last_sync.isoformat().replace("+00:00", "Z")
    updated = api.get("/api/v1/articles/", {"updated_since": since}).json()["results"]
    assert [entry["id"] for entry in updated] == [article.pk]


def test_a_withdrawn_article_published_again_by_the_schedule_leaves_the_list(api, editor):
    article = ArticleFactory(published=True)
    services.unpublish_article(article=article, by=editor)
    services.schedule_article(article=article, by=editor, at=timezone.now() + timedelta(minutes=1))
    assert [entry["id"] for entry in removed(api)] == [article.pk]  # still off the site
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))

    assert publish_due_articles() == [article.pk]

    assert removed(api) == []


def test_since_lists_only_what_left_at_or_after_it_newest_first_in_pages(api, editor):
    old, newer, newest = (ArticleFactory(published=True) for _ in range(3))
    services.unpublish_article(article=old, by=editor)
    RemovedArticle.objects.filter(article_id=old.pk).update(removed_at=timezone.now() - timedelta(days=2))
    services.unpublish_article(article=newer, by=editor)
    services.unpublish_article(article=newest, by=editor)
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")

    first = api.get(URL, {"since": since, "page_size": 1}).json()
    second = api.get(first["next"]).json()

    assert [e["id"] for e in first["results"]] == [newest.pk]
    assert [e["id"] for e in second["results"]] == [newer.pk] and second["next"] is None
    assert [e["id"] for e in removed(api)] == [newest.pk, newer.pk, old.pk]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("?since=yesterday", "since"), ("?since=", "since"), ("?page=2", "page"), ("?page_size=0", "page_size"),
     ("?updated_since=2026-01-01T00:00:00Z", "updated_since")],
)  # fmt: skip
def test_a_bad_query_is_a_400_naming_the_parameter(api, query, parameter):
    response = api.get(URL + query)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_query" and parameter in body["errors"]


def test_the_list_costs_one_query_whatever_its_length(api, editor, django_assert_max_num_queries):
    for count in (1, 30):
        for article in ArticleFactory.create_batch(count, published=True):
            services.unpublish_article(article=article, by=editor)
        with django_assert_max_num_queries(1):
            response = api.get(URL, {"page_size": 100})
        assert response.status_code == 200 and len(response.json()["results"]) >= count


def test_the_list_is_cacheable_and_answers_304_until_something_else_leaves(api, editor):
    services.unpublish_article(article=ArticleFactory(published=True), by=editor)
    response = api.get(URL)
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    etag = response["ETag"]
    assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304

    services.unpublish_article(article=ArticleFactory(published=True), by=editor)

    again = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and len(again.json()["results"]) == 2


def test_the_list_is_throttled_like_every_public_read(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min"}}

    assert [api.get(URL).status_code for _ in range(3)] == [200, 200, 429]


def test_the_api_root_and_the_contract_name_the_list(api):
    assert api.get("/api/v1/").json()["articles/removed"].endswith(URL)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"since", "cursor", "page_size"}
    item = schema["components"]["schemas"]["RemovedArticle"]
    assert set(item["properties"]) == {"id", "slug", "removed_at"}


def test_an_article_that_left_the_site_answers_410_a_draft_that_never_ran_404(api, api_as, editor):
    withdrawn, deleted = ArticleFactory.create_batch(2, published=True)
    draft = ArticleFactory()
    assert api.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 200  # cached as it was
    services.unpublish_article(article=withdrawn, by=editor)
    deleted_pk = deleted.pk
    deleted.delete()

    for pk in (withdrawn.pk, deleted_pk):
        response = api.get(f"/api/v1/articles/{pk}/")
        assert response.status_code == 410, pk
        body = response.json()
        assert body["code"] == "gone" and "drop your copy" in body["message"]
        assert "no-store" in response["Cache-Control"]
    assert api.get(f"/api/v1/articles/{draft.pk}/").json()["code"] == "not_found"
    assert api.get(f"/api/v1/articles/{draft.pk}/").status_code == 404
    assert api_as(editor).get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 200  # staff see it

    services.publish_article(article=withdrawn, by=editor)

    assert api.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 200


def test_the_by_path_address_of_an_article_that_left_the_site_answers_410_as_its_id_does(api, editor):
    withdrawn = ArticleFactory(published=True, slug="pier-sold")
    deleted = ArticleFactory(published=True, slug="ferry-fares-rise")
    paths = {story.pk: f"{LIST}by-path{story.get_absolute_url()}" for story in (withdrawn, deleted)}
    assert api.get(paths[withdrawn.pk]).status_code == 200
    services.unpublish_article(article=withdrawn, by=editor)
    deleted.delete()

    for path in paths.values():
        response = api.get(path)
        assert response.status_code == 410, path
        body = response.json()
        assert body["code"] == "gone" and "drop your copy" in body["message"]
        assert "articles/removed/" in body["message"] and "no-store" in response["Cache-Control"]
    unknown = api.get(paths[withdrawn.pk].replace("pier-sold", "no-such-story"))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")

    services.publish_article(article=withdrawn, by=editor)
    withdrawn.refresh_from_db()

    again = api.get(f"{LIST}by-path{withdrawn.get_absolute_url()}")
    assert again.status_code == 200 and again.json()["id"] == withdrawn.pk


def test_the_contract_documents_the_410(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    responses = schema["paths"]["/api/v1/articles/{id}/"]["get"]["responses"]
    assert "410" in responses and "404" in responses
    by_path = schema["paths"]["/api/v1/articles/by-path/{section}/{year}/{month}/{day}/{slug}/"]["get"]
    assert by_path["responses"]["410"]["content"]["application/json"]["examples"]
    assert "410" not in schema["paths"]["/api/v1/articles/"]["get"]["responses"]

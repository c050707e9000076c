"""Social posts through the API: the admin's list of shares for staff, Retry and Share again for editors."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sharing.models import ShareRecord
from tests.factories import ArticleFactory

from .snapshots import database_state

pytestmark = pytest.mark.django_db

SHARES = "/api/v1/shares/"
State = ShareRecord.State


@pytest.fixture(autouse=True)
def accounts(settings):
    settings.SHARING_ACCOUNTS = json.dumps([{"name": "desk-log", "network": "log"}])


@pytest.fixture
def story():
    return ArticleFactory(published=True, headline="Night ferry approved")


def share(article, *, minutes_ago=0, **fields):
    fields = {"account": "desk-log", "network": "log", **fields}
    return ShareRecord.objects.create(
        article=article, created_at=timezone.now() - timedelta(minutes=minutes_ago), **fields
    )


def test_staff_read_every_post_newest_first_with_how_it_went(api_as, editor, reporter, story):
    sent = share(
        story, minutes_ago=9, state=State.SENT, attempts=2, remote_url="https://m.example/@desk/5", text="Hi"
    )
    failed = share(
        story, minutes_ago=1, round=2, state=State.FAILED, attempts=5, last_error="Gave up after 5 attempts."
    )

    for user in (editor, reporter):
        response = api_as(user).get(SHARES)
        assert response.status_code == 200, response.content
        results = response.json()["results"]
        assert [(s["id"], s["state"], s["round"]) for s in results] == [
            (failed.pk, "failed", 2),
            (sent.pk, "sent", 1),
        ]
        assert results[0]["last_error"] == "Gave up after 5 attempts." and results[0]["attempts"] == 5
        assert results[0]["remote_url"] is None  # not "", which is no `format: uri` (as the contract says)
        assert results[1]["remote_url"] == "https://m.example/@desk/5" and results[1]["text"] == "Hi"
        assert results[1]["article"] == {"id": story.pk, "headline": "Night ferry approved"}
        assert response["Cache-Control"].startswith("private")


def test_readers_and_moderators_may_not_read_them(api, api_as, moderator, story):
    share(story, state=State.SENT)

    anonymous = api.get(SHARES)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    refused = api_as(moderator).get(SHARES)
    assert refused.status_code == 403 and "Night ferry" not in refused.content.decode()


def test_filters_narrow_the_list_and_a_bad_one_is_named(api_as, editor, story):
    other = ArticleFactory(published=True)
    failed = share(story, state=State.FAILED)
    share(story, round=2, state=State.SENT)
    elsewhere = share(other, account="masto", network="mastodon", state=State.FAILED)
    client = api_as(editor)

    def ids(query):
        response = client.get(f"{SHARES}?{query}")
        assert response.status_code == 200, response.content
        return sorted(s["id"] for s in response.json()["results"])

    assert ids(f"state=failed&article={story.pk}") == [failed.pk]
    assert ids("network=mastodon") == [elsewhere.pk]
    assert ids("account=masto") == [elsewhere.pk]
    for bad in ("state=lost", "network=myspace", "account=", "article=0", "article=abc"):
        response = client.get(f"{SHARES}?{bad}")
        assert response.status_code == 400 and response.json()["code"] == "invalid_query", bad
        assert bad.split("=")[0] in response.json()["errors"], bad


def test_an_editor_retries_a_failed_post_and_it_goes_out(
    api_as, editor, story, django_capture_on_commit_callbacks
):
    failed = share(story, state=State.FAILED, attempts=5, failed_at=timezone.now(), last_error="503")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(editor).post(f"{SHARES}{failed.pk}/retry/")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "pending" and response.json()["failed_at"] is None
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.round) == (State.SENT, 1, 1)  # the task ran on commit
    assert failed.requested_by == editor and failed.remote_id == f"log:{failed.idempotency_key}"
    assert ShareRecord.objects.count() == 1  # the same post, not a new one


def test_share_again_is_a_new_round_answered_with_201(
    api_as, editor, story, django_capture_on_commit_callbacks
):
    sent = share(story, minutes_ago=90, state=State.SENT, remote_id="log:1")
    editor.first_name, editor.last_name = "Ada", "Editor"
    editor.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(editor).post(f"{SHARES}{sent.pk}/share-again/")

    assert response.status_code == 201, response.content
    body = response.json()
    again = ShareRecord.objects.get(pk=body["id"])
    assert (body["round"], body["account"], body["requested_by"]) == (2, "desk-log", "Ada Editor")
    assert (again.article, again.round, again.state) == (story, 2, State.SENT)
    assert ShareRecord.objects.filter(article=story).count() == 2


def test_what_the_admin_refuses_the_api_refuses_and_saves_nothing(api_as, editor, reporter, story):
    failed = share(story, state=State.FAILED, last_error="timeout")
    sent = share(story, round=2, state=State.SENT)
    withdrawn = ArticleFactory(unpublished=True)
    failed_elsewhere = share(withdrawn, state=State.FAILED, last_error="timeout")
    before = database_state()

    refused = api_as(reporter).post(f"{SHARES}{failed.pk}/retry/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    not_failed = api_as(editor).post(f"{SHARES}{sent.pk}/retry/")
    assert (
        not_failed.status_code == 400 and not_failed.json()["message"] == "Only failed shares can be retried."
    )
    off_site = api_as(editor).post(f"{SHARES}{failed_elsewhere.pk}/share-again/")
    assert off_site.json()["message"] == "Only published articles can be shared."
    with_body = api_as(editor).post(f"{SHARES}{failed.pk}/retry/", {"round": 9}, format="json")
    assert with_body.status_code == 400 and with_body.json()["errors"] == {
        "round": ["Unknown or read-only field; it cannot be set here."]
    }
    assert api_as(editor).post(f"{SHARES}{failed.pk}/retry/", [1], format="json").json()["message"] == (
        "This action takes no body."
    )
    assert api_as(editor).post(f"{SHARES}999999/retry/").status_code == 404
    assert database_state() == before
    assert ShareRecord.objects.get(pk=failed.pk).state == State.FAILED


def test_the_list_costs_the_same_queries_for_many_posts(api_as, editor, story, django_assert_max_num_queries):
    client = api_as(editor)
    share(story, state=State.SENT, requested_by=editor)
    client.get(SHARES)  # the token and the permissions, cached per request, are counted below too
    with django_assert_max_num_queries(4) as few:
        assert len(client.get(SHARES).json()["results"]) == 1
    for round_ in range(2, 22):
        share(ArticleFactory(published=True), round=round_, state=State.FAILED, requested_by=editor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(SHARES).json()["results"]) == 20


def test_the_contract_says_a_post_s_address_is_a_url_or_null(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    remote_url = schema["components"]["schemas"]["Share"]["properties"]["remote_url"]
    assert {key: remote_url[key] for key in ("type", "format", "nullable", "readOnly")} == {
        "type": "string",
        "format": "uri",
        "nullable": True,
        "readOnly": True,
    }


def test_a_story_published_without_sharing_is_shared_later_once(
    api_as, editor, reporter, django_capture_on_commit_callbacks, settings
):
    """The admin's "Share selected articles where they were never posted", for API clients: a post to each
    account that never had the story, 201 with them; a second call, a reporter or a draft change nothing."""
    settings.SHARING_ACCOUNTS = json.dumps(
        [{"name": "desk-log", "network": "log"}, {"name": "night-log", "network": "log"}]
    )
    story = ArticleFactory(published=True, share_on_publish=False, headline="Ferry fares frozen")
    share(story, account="night-log", state=State.SENT, remote_id="log:1")  # an account that had it
    draft = ArticleFactory(headline="Pier plan")
    url = f"/api/v1/articles/{story.pk}/share/"
    before = database_state()

    refused = api_as(reporter).post(url)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    on_a_draft = api_as(editor).post(f"/api/v1/articles/{draft.pk}/share/")
    assert on_a_draft.status_code == 400
    assert on_a_draft.json()["message"] == "Only published articles can be shared."
    assert database_state() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(editor).post(url)

    assert response.status_code == 201, response.content
    [made] = response.json()
    assert (made["account"], made["round"], made["article"]["id"]) == ("desk-log", 1, story.pk)
    assert ShareRecord.objects.get(pk=made["id"]).state == State.SENT  # the log network posted it
    assert sorted(ShareRecord.objects.filter(article=story).values_list("account", "round")) == [
        ("desk-log", 1),
        ("night-log", 1),
    ]
    again = api_as(editor).post(url)
    assert again.status_code == 400 and "Every configured account already has it" in again.json()["message"]
    assert ShareRecord.objects.filter(article=story).count() == 2

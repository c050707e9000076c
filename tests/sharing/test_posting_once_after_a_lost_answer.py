"""A try whose answer was lost may have posted: whatever comes after it (the scheduled retry, an editor's
Retry, the story withdrawn and published again) sends the same words under the same keys, so the network
recognises the repeat and readers see one post."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from articles import services as articles
from sharing import services
from sharing.models import ShareRecord
from tests.factories import ArticleFactory
from tests.sharing.test_networks import FakePDS

pytestmark = pytest.mark.django_db
State = ShareRecord.State


class FakeX:
    """An X that keeps a timeline and refuses a post with the same text as one on it (403), as X does. Each
    entry of `answers` decides one request in turn: "lost" posts and then answers 504 (its gateway gave up
    after the post went out), a number refuses with that status and posts nothing."""

    def __init__(self, httpserver, *answers):
        self.timeline, self.answers = [], list(answers)
        httpserver.expect_request("/2/tweets", method="POST").respond_with_handler(self.tweet)

    def tweet(self, request):
        answer = self.answers.pop(0) if self.answers else "ok"
        if isinstance(answer, int):
            return Response('{"title": "Unauthorized"}', status=answer, content_type="application/json")
        text = request.get_json()["text"]
        if text in self.timeline:
            detail = '{"detail": "You are not allowed to create a Tweet with duplicate content."}'
            return Response(detail, status=403, content_type="application/json")
        self.timeline.append(text)
        if answer == "lost":
            return Response("gateway timeout", status=504)
        return Response(json.dumps({"data": {"id": str(len(self.timeline))}}), status=201)


@pytest.fixture
def x_account(sharing_accounts, httpserver):
    base = httpserver.url_for("/").rstrip("/")
    sharing_accounts({"name": "bird", "network": "x", "token": "t", "base_url": base})


def rewrite_headline(article, headline):
    type(article).objects.filter(pk=article.pk).update(headline=headline)
    article.refresh_from_db()


def due_now(share):
    """The retry the lost answer scheduled comes due."""
    ShareRecord.objects.filter(pk=share.pk).update(next_attempt_at=None)


def test_a_story_withdrawn_after_a_lost_answer_and_published_again_is_posted_once(
    x_account, httpserver, editor, django_capture_on_commit_callbacks
):
    x = FakeX(httpserver, "lost")
    article = ArticleFactory(published=True, headline="Ferry fares rise")
    share = ShareRecord.objects.create(article=article, account="bird", network="x")
    services.deliver_share(share_id=share.pk)  # X posted it, but its answer was lost: a retry is scheduled
    share.refresh_from_db()
    words, key = share.text, share.delivery_key
    assert (share.state, share.attempts, len(x.timeline)) == (State.PENDING, 1, 1)

    articles.unpublish_article(article=article, by=editor)
    due_now(share)
    services.deliver_share(share_id=share.pk)  # the retry finds the story gone
    share.refresh_from_db()
    assert share.state == State.WITHDRAWN

    rewrite_headline(article, "Ferry fares rise by a tenth")
    with django_capture_on_commit_callbacks(execute=True):
        articles.publish_article(article=article, by=editor)

    share.refresh_from_db()
    assert x.timeline == [words] and words.startswith("Ferry fares rise\n")
    assert (share.state, share.remote_id, share.text, share.delivery_key) == (
        State.SENT,
        "duplicate",
        words,
        key,
    )


def test_an_editors_retry_after_a_lost_answer_sends_the_same_words_and_is_posted_once(
    x_account, httpserver, editor, settings, django_capture_on_commit_callbacks
):
    settings.SHARING_MAX_ATTEMPTS = 1
    x = FakeX(httpserver, "lost")
    article = ArticleFactory(published=True, headline="Ferry fares rise")
    share = ShareRecord.objects.create(article=article, account="bird", network="x")
    services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert share.state == State.FAILED and "504" in share.last_error

    rewrite_headline(article, "Ferry fares rise by a tenth")
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_share(share=share, by=editor)

    share.refresh_from_db()
    assert len(x.timeline) == 1 and x.timeline[0].startswith("Ferry fares rise\n")
    assert (share.state, share.remote_id, share.text) == (State.SENT, "duplicate", x.timeline[0])


def test_a_refusal_after_a_lost_answer_does_not_free_the_words(
    x_account, httpserver, editor, settings, django_capture_on_commit_callbacks
):
    """The second try is refused (the token was revoked), but the first may have posted: after the token is
    mended, Retry still sends the first try's words."""
    settings.SHARING_MAX_ATTEMPTS = 2
    x = FakeX(httpserver, "lost", 401)
    article = ArticleFactory(published=True, headline="Ferry fares rise")
    share = ShareRecord.objects.create(article=article, account="bird", network="x")
    services.deliver_share(share_id=share.pk)
    due_now(share)
    services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert share.state == State.FAILED and "401" in share.last_error

    rewrite_headline(article, "Ferry fares rise by a tenth")
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_share(share=share, by=editor)

    share.refresh_from_db()
    assert len(x.timeline) == 1 and (share.state, share.remote_id) == (State.SENT, "duplicate")


def test_a_share_refused_outright_is_retried_with_the_share_text_as_it_reads_now(
    x_account, httpserver, editor, django_capture_on_commit_callbacks
):
    """Nothing was posted, so X's advice holds: change the share text, then retry."""
    x = FakeX(httpserver)
    article = ArticleFactory(published=True, headline="Ferry fares rise")
    first = ShareRecord.objects.create(article=article, account="bird", network="x")
    services.deliver_share(share_id=first.pk)
    again = ShareRecord.objects.create(article=article, account="bird", network="x", round=2)
    services.deliver_share(share_id=again.pk)  # Share again with the words unchanged
    again.refresh_from_db()
    assert again.state == State.FAILED and "change the share text, then retry" in again.last_error

    type(article).objects.filter(pk=article.pk).update(share_text="Ferry fares rise by a tenth from May")
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_share(share=again, by=editor)

    again.refresh_from_db()
    assert again.state == State.SENT and again.remote_id == "2"
    assert len(x.timeline) == 2 and x.timeline[1].startswith("Ferry fares rise by a tenth from May\n")


def test_a_story_withdrawn_before_any_try_is_posted_in_its_new_words(
    x_account, httpserver, editor, django_capture_on_commit_callbacks
):
    x = FakeX(httpserver)
    article = ArticleFactory(published=True, headline="Ferry fares rise")
    share = ShareRecord.objects.create(article=article, account="bird", network="x")
    articles.unpublish_article(article=article, by=editor)
    services.deliver_share(share_id=share.pk)  # withdrawn before its turn: no try
    rewrite_headline(article, "Ferry fares rise by a tenth")
    with django_capture_on_commit_callbacks(execute=True):
        articles.publish_article(article=article, by=editor)

    share.refresh_from_db()
    assert share.state == State.SENT and len(x.timeline) == 1
    assert x.timeline[0].startswith("Ferry fares rise by a tenth\n")


# Bluesky: the record key identifies the post, createdAt says when it went out -------------------------------


@pytest.fixture
def bluesky_account(sharing_accounts, httpserver):
    base = httpserver.url_for("/").rstrip("/")
    sharing_accounts(
        {
            "name": "sky",
            "network": "bluesky",
            "base_url": base,
            "handle": "news.example",
            "app_password": "app-pass-SECRET",
        }
    )


def created_at(record) -> datetime:
    return datetime.fromisoformat(record["createdAt"].replace("Z", "+00:00"))


def test_a_bluesky_post_made_days_after_it_was_asked_for_is_dated_when_it_went_out(
    bluesky_account, httpserver, editor, django_capture_on_commit_callbacks
):
    pds = FakePDS(httpserver)
    article = ArticleFactory(published=True)
    asked = timezone.now() - timedelta(days=8)
    share = ShareRecord.objects.create(
        article=article, account="sky", network="bluesky", created_at=asked, state=State.WITHDRAWN
    )
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        articles.unpublish_article(article=article, by=editor)
        articles.publish_article(article=article, by=editor)  # the story is back, and its post goes out

    ((uri, record),) = pds.records.items()
    assert before - timedelta(seconds=1) <= created_at(record) <= timezone.now()  # not eight days ago
    share.refresh_from_db()
    assert uri.endswith(f"/{share.record_key}") and share.state == State.SENT


class LosingPDS(FakePDS):
    """Stores the first record, then its answer is lost on the way back (504)."""

    def create(self, request):
        answer = super().create(request)
        return Response("gateway timeout", status=504) if self.creates == 1 else answer


def test_a_bluesky_retry_after_a_lost_answer_finds_the_first_post_whatever_its_date(
    bluesky_account, httpserver, editor, settings, django_capture_on_commit_callbacks
):
    settings.SHARING_MAX_ATTEMPTS = 1
    pds = LosingPDS(httpserver)
    article = ArticleFactory(published=True)
    share = ShareRecord.objects.create(article=article, account="sky", network="bluesky")
    services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert share.state == State.FAILED and len(pds.records) == 1
    (first,) = pds.records.values()

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_share(share=share, by=editor)  # a later try, at a later time

    share.refresh_from_db()
    assert (len(pds.records), pds.creates) == (1, 1)  # read back under its record key, not made again
    ((uri, record),) = pds.records.items()
    assert record == first and share.state == State.SENT and share.remote_id == uri

"""The outbox: records written with the publish, tasks after commit, outcomes recorded, editors' actions."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import services as articles
from sharing import services
from sharing.models import ShareRecord
from tests.factories import ArticleFactory, TagFactory
from tests.site_data import page as page_of

pytestmark = pytest.mark.django_db
State = ShareRecord.State
TOKEN = "masto-SECRET-token"


@pytest.fixture
def two_accounts(sharing_accounts, httpserver):
    sharing_accounts(
        {
            "name": "masto",
            "network": "mastodon",
            "base_url": httpserver.url_for("/").rstrip("/"),
            "token": TOKEN,
        },
        {"name": "dev-log", "network": "log"},
    )


@pytest.fixture
def fast_retries(settings):
    settings.SHARING_RETRY_BASE_SECONDS = 1
    settings.SHARING_MAX_ATTEMPTS = 3


def sending(callbacks) -> list:
    """The on_commit hooks of sharing's own (the caches have theirs too)."""
    return [c for c in callbacks if getattr(c, "func", c).__module__.startswith("sharing.")]


def test_publishing_writes_one_pending_record_per_account_and_queues_after_commit(
    editor, two_accounts, django_capture_on_commit_callbacks
):
    article = ArticleFactory(in_review=True)
    with django_capture_on_commit_callbacks() as callbacks:
        articles.publish_article(article=article, by=editor)

    shares = ShareRecord.objects.filter(article=article).order_by("account")
    assert [(s.account, s.network, s.round, s.state, s.requested_by) for s in shares] == [
        ("dev-log", "log", 1, State.PENDING, editor),
        ("masto", "mastodon", 1, State.PENDING, editor),
    ]
    assert len(sending(callbacks)) == 1  # one on_commit hook that sends one task per record


def test_on_commit_task_posts_and_stores_the_remote_post(
    editor, two_accounts, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/api/v1/statuses").respond_with_json(
        {"id": "77", "url": "https://m.example/@n/77"}
    )
    article = ArticleFactory(in_review=True, tags=[TagFactory(name="harbour plan")])
    with django_capture_on_commit_callbacks(execute=True):
        articles.publish_article(article=article, by=editor)

    masto = ShareRecord.objects.get(article=article, account="masto")
    assert (masto.state, masto.remote_id, masto.remote_url, masto.attempts) == (
        State.SENT,
        "77",
        "https://m.example/@n/77",
        1,
    )
    assert masto.text.startswith(article.headline) and "#HarbourPlan" in masto.text
    assert masto.text.endswith(article.get_absolute_url())
    assert ShareRecord.objects.get(article=article, account="dev-log").state == State.SENT
    ((request, _),) = httpserver.log
    assert request.headers["Idempotency-Key"] == masto.idempotency_key


def test_article_that_opts_out_is_not_shared(editor, two_accounts):
    article = ArticleFactory(in_review=True, share_on_publish=False)
    articles.publish_article(article=article, by=editor)
    assert not ShareRecord.objects.exists()


def test_custom_share_text_replaces_headline_and_hashtags(
    editor, sharing_accounts, django_capture_on_commit_callbacks
):
    sharing_accounts({"name": "dev-log", "network": "log"})
    article = ArticleFactory(in_review=True, share_text="Read this one ✨", tags=[TagFactory(name="ferries")])
    with django_capture_on_commit_callbacks(execute=True):
        articles.publish_article(article=article, by=editor)
    share = ShareRecord.objects.get()
    assert share.text.startswith("Read this one ✨\n\nhttp") and "#Ferries" not in share.text


def test_unpublish_and_republish_does_not_post_again(
    editor, two_accounts, django_capture_on_commit_callbacks
):
    article = ArticleFactory(in_review=True)
    articles.publish_article(article=article, by=editor)
    articles.unpublish_article(article=article, by=editor)
    with django_capture_on_commit_callbacks() as callbacks:
        articles.publish_article(article=article, by=editor)
    assert ShareRecord.objects.filter(article=article).count() == 2
    assert sending(callbacks) == []


def test_an_account_added_later_gets_new_stories_not_ones_published_again(editor, sharing_accounts):
    """A story withdrawn for a fix and put back is not news to post on a network added meanwhile (every
    story pulled for a correction went out there); "Share again" posts one there on purpose."""
    sharing_accounts({"name": "dev-log", "network": "log"})
    article = ArticleFactory(in_review=True)
    articles.publish_article(article=article, by=editor)
    articles.unpublish_article(article=article, by=editor)
    sharing_accounts({"name": "dev-log", "network": "log"}, {"name": "second", "network": "log"})

    articles.publish_article(article=article, by=editor)
    fresh = ArticleFactory(in_review=True)
    articles.publish_article(article=fresh, by=editor)

    assert list(ShareRecord.objects.filter(article=article).values_list("account", flat=True)) == ["dev-log"]
    assert sorted(ShareRecord.objects.filter(article=fresh).values_list("account", flat=True)) == [
        "dev-log",
        "second",
    ]
    article.refresh_from_db()
    on_purpose = services.share_again(article=article, account="second", by=editor)
    assert (on_purpose.account, on_purpose.state) == ("second", State.PENDING)


def test_scheduled_publishing_shares_too(editor, two_accounts):
    article = ArticleFactory(scheduled=True)
    type(article).objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert articles.publish_due_articles() == [article.pk]
    assert ShareRecord.objects.filter(article=article, requested_by=None).count() == 2


def test_rolled_back_publish_leaves_no_record_and_queues_nothing(
    editor, two_accounts, django_capture_on_commit_callbacks
):
    article = ArticleFactory(in_review=True)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        articles.publish_article(article=article, by=editor)
        raise RuntimeError("something later in the same request failed")
    assert not ShareRecord.objects.exists()
    assert callbacks == []


def _share(article=None, **fields):
    article = article or ArticleFactory(published=True)
    fields = {"account": "masto", "network": "mastodon", **fields}
    return ShareRecord.objects.create(article=article, **fields)


def test_backoff_waits_at_least_half_of_each_doubling(settings):
    """A short outage cannot use up every try at once: waits of 15-30, 30-60, 60-120 s... for a base of 30."""
    settings.SHARING_RETRY_BASE_SECONDS = 30
    for attempt, (low, high) in {1: (15, 30), 2: (30, 60), 3: (60, 120), 9: (300, 600)}.items():
        waits = [services.backoff_seconds(attempt) for _ in range(200)]
        assert low <= min(waits) and max(waits) <= high, attempt


def test_transient_errors_retry_with_backoff_then_succeed(two_accounts, httpserver, fast_retries):
    share = _share()
    httpserver.expect_ordered_request("/api/v1/statuses").respond_with_json({"error": "boom"}, status=500)
    httpserver.expect_ordered_request("/api/v1/statuses").respond_with_json(
        {"error": "slow down"}, status=429, headers={"Retry-After": "4"}
    )
    httpserver.expect_ordered_request("/api/v1/statuses").respond_with_json(
        {"id": "9", "url": "https://m.example/9"}
    )

    first = services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert 0.5 <= first <= 1 and share.state == State.PENDING and share.attempts == 1  # half to all of base
    assert "500" in share.last_error and share.next_attempt_at > timezone.now()

    ShareRecord.objects.filter(pk=share.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert services.deliver_share(share_id=share.pk) is None  # too early: its scheduled retry owns it
    assert len(httpserver.log) == 1

    ShareRecord.objects.filter(pk=share.pk).update(next_attempt_at=timezone.now())
    second = services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert second >= 4 and "429" in share.last_error and share.attempts == 2  # Retry-After honoured

    ShareRecord.objects.filter(pk=share.pk).update(next_attempt_at=timezone.now())
    assert services.deliver_share(share_id=share.pk) is None
    share.refresh_from_db()
    assert (share.state, share.attempts, share.remote_id) == (
        State.SENT,
        3,
        "9",
    ) and "429" in share.last_error
    assert len({r.headers["Idempotency-Key"] for r, _ in httpserver.log}) == 1  # one key for all tries


def test_a_retry_and_an_editors_retry_post_the_text_of_a_first_try_that_may_have_posted(
    two_accounts, httpserver, editor, django_capture_on_commit_callbacks
):
    """A try whose answer was lost may have posted: every later try sends the same words (X and webhooks
    know a repeat only by them), however the headline was edited in between; a refusal of a later try does
    not change that, nor does an editor's retry once it failed. (A share refused outright is written again:
    test_posting_once_after_a_lost_answer.)"""
    share = _share(article=ArticleFactory(published=True, headline="Ferry fares rise"))
    httpserver.expect_ordered_request("/api/v1/statuses").respond_with_data("gateway timeout", status=504)
    httpserver.expect_ordered_request("/api/v1/statuses").respond_with_data("unauthorised", status=401)
    httpserver.expect_ordered_request("/api/v1/statuses").respond_with_json({"id": "3", "url": ""})
    services.deliver_share(share_id=share.pk)
    type(share.article).objects.filter(pk=share.article_id).update(headline="Ferry fares rise by a tenth")

    ShareRecord.objects.filter(pk=share.pk).update(next_attempt_at=None)
    services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    with django_capture_on_commit_callbacks():
        services.retry_share(share=share, by=editor)
    services.deliver_share(share_id=share.pk)

    sent = [
        (request.get_json()["status"].split("\n")[0], request.headers["Idempotency-Key"])
        for request, _ in httpserver.log
    ]
    assert sent == [("Ferry fares rise", share.idempotency_key)] * 3
    share.refresh_from_db()
    assert share.state == State.SENT and share.text.startswith("Ferry fares rise\n")


def test_permanent_error_fails_at_once(two_accounts, httpserver):
    share = _share()
    httpserver.expect_request("/api/v1/statuses").respond_with_json(
        {"error": "The access token is invalid"}, status=401
    )
    assert services.deliver_share(share_id=share.pk) is None
    share.refresh_from_db()
    assert (share.state, share.attempts) == (State.FAILED, 1)
    assert "401" in share.last_error and "access token is invalid" in share.last_error
    assert TOKEN not in share.last_error
    assert services.deliver_share(share_id=share.pk) is None and len(httpserver.log) == 1  # never again


def test_transient_errors_give_up_at_the_limit(two_accounts, httpserver, fast_retries):
    share = _share()
    httpserver.expect_request("/api/v1/statuses").respond_with_data("bad gateway", status=502)
    for _ in range(3):
        ShareRecord.objects.filter(pk=share.pk).update(next_attempt_at=None)
        services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert (share.state, share.attempts) == (State.FAILED, 3)
    assert share.last_error.startswith("Gave up after 3 attempts") and "502" in share.last_error


def test_a_long_retry_after_is_left_to_the_sweeper(two_accounts, httpserver, settings):
    settings.SHARING_SWEEP_AFTER_SECONDS = 0
    share = _share()
    httpserver.expect_request("/api/v1/statuses").respond_with_json(
        {}, status=429, headers={"Retry-After": "3600"}
    )
    assert (
        services.deliver_share(share_id=share.pk) is None
    )  # no Celery countdown past the visibility timeout
    share.refresh_from_db()
    assert share.state == State.PENDING and share.next_attempt_at > timezone.now() + timedelta(minutes=59)
    assert not ShareRecord.objects.due_for_sweeping(older_than=timedelta(0)).exists()


def test_an_account_removed_from_the_settings_fails_the_record(two_accounts):
    share = ShareRecord.objects.create(article=ArticleFactory(published=True), account="gone", network="x")
    services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert share.state == State.FAILED and "gone" in share.last_error


def test_sweeper_resends_only_pending_records_nobody_is_working_on(two_accounts, settings, monkeypatch):
    settings.SHARING_SWEEP_AFTER_SECONDS = 60
    old = timezone.now() - timedelta(minutes=5)
    stuck = _share(created_at=old)
    _share(article=stuck.article, account="x2", created_at=timezone.now())  # too young
    _share(
        article=stuck.article,
        account="x3",
        created_at=old,
        next_attempt_at=timezone.now() + timedelta(minutes=3),
    )
    _share(article=stuck.article, account="x4", created_at=old, state=State.SENT)
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda ids: sent.extend(ids) or len(ids))
    assert services.sweep_pending() == 1 and sent == [stuck.pk]


def test_enqueue_never_raises_when_the_broker_is_down(monkeypatch, caplog):
    from sharing import tasks

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.post_share, "apply_async", broken)
    with caplog.at_level(logging.WARNING):
        assert services.enqueue([1, 2, 3]) == 0
    assert caplog.text.count("Could not queue") == 1
    assert (
        "Could not queue shares 1, 2, 3 (ConnectionRefusedError: broker down); the sweeper will send them."
        in (caplog.text)
    )


def test_retry_resets_a_failed_share_for_editors_only(
    editor, reporter, two_accounts, django_capture_on_commit_callbacks
):
    share = _share(state=State.FAILED, attempts=1, last_error="401", failed_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.retry_share(share=share, by=reporter)
    with django_capture_on_commit_callbacks() as callbacks:
        services.retry_share(share=share, by=editor)
    share.refresh_from_db()
    assert (share.state, share.attempts, share.failed_at) == (State.PENDING, 0, None) and len(callbacks) == 1
    assert share.last_error == ""  # "Pending, retrying: 401" would read as a new failure
    with pytest.raises(ValidationError):
        services.retry_share(share=share, by=editor)  # only failed ones


def test_a_share_whose_id_comes_round_again_has_a_key_of_its_own(two_accounts):
    """After a restore from a backup the ids start again where the backup left them; a new story's post
    under an earlier post's key would be taken by the network for that one, and dropped."""
    before_restore = _share(state=State.SENT, remote_id="1", created_at=timezone.now() - timedelta(hours=2))
    key, pk = before_restore.idempotency_key, before_restore.pk
    ShareRecord.objects.filter(pk=pk).delete()  # the restore takes it away...

    after_restore = _share(pk=pk, article=ArticleFactory(published=True))  # ...and the id is given again

    assert after_restore.pk == pk and after_restore.idempotency_key != key
    assert after_restore.idempotency_key == ShareRecord.objects.get(pk=pk).idempotency_key  # every try


def test_a_share_made_before_shares_had_keys_of_their_own_keeps_its_earlier_key():
    """Its earlier tries were sent with the id alone (migration 0005 leaves its key empty); a retry after
    the deploy must be recognised."""
    older = _share(delivery_key="")

    assert older.idempotency_key == f"newsroom-share-{older.pk}"
    newer = _share()
    assert newer.idempotency_key.startswith("newsroom-share-")
    assert newer.idempotency_key not in (f"newsroom-share-{newer.pk}", older.idempotency_key)


def test_share_again_makes_a_new_round(editor, two_accounts, django_capture_on_commit_callbacks):
    first = _share(state=State.SENT, remote_id="1", created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks() as callbacks:
        again = services.share_again(article=first.article, account="masto", by=editor)
    assert (again.round, again.state, again.requested_by) == (2, State.PENDING, editor) and len(
        callbacks
    ) == 1
    assert again.idempotency_key != first.idempotency_key and again.record_key != first.record_key


def test_a_story_withdrawn_before_its_share_posted_is_not_posted_until_published_again(
    client_as, editor, two_accounts, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/api/v1/statuses").respond_with_json(
        {"id": "9", "url": "https://m.example/@n/9"}
    )
    article = ArticleFactory(in_review=True)
    with django_capture_on_commit_callbacks() as callbacks:
        articles.publish_article(article=article, by=editor)
    articles.unpublish_article(article=article, by=editor)  # before the worker got to the shares
    for callback in callbacks:
        callback()  # the tasks run (eagerly) now, on a story readers no longer see

    assert httpserver.log == []
    shares = ShareRecord.objects.filter(article=article).order_by("account")
    assert [(s.account, s.state, s.attempts, s.sent_at) for s in shares] == [
        ("dev-log", State.WITHDRAWN, 0, None),
        ("masto", State.WITHDRAWN, 0, None),
    ]
    assert ShareRecord.objects.due_for_sweeping(older_than=timedelta(0)).count() == 0  # not sent again
    page = client_as(editor).get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Not posted: the article was withdrawn before its turn" in page
    assert reverse("admin:sharing_sharerecord_retry", args=[shares[1].pk]) not in page

    with django_capture_on_commit_callbacks(execute=True):
        articles.publish_article(article=article, by=editor)
    masto = ShareRecord.objects.get(article=article, account="masto")
    assert (masto.state, masto.round, masto.remote_id, masto.attempts) == (State.SENT, 1, "9", 1)
    assert ShareRecord.objects.filter(article=article).count() == 2 and len(httpserver.log) == 1


def test_a_failed_share_of_a_withdrawn_story_cannot_be_retried(editor, two_accounts, client_as):
    share = _share(state=State.FAILED, last_error="timeout", failed_at=timezone.now())
    articles.unpublish_article(article=share.article, by=editor)
    with pytest.raises(ValidationError, match="Only published articles can be shared"):
        services.retry_share(share=share, by=editor)
    response = client_as(editor).post(
        reverse("admin:sharing_sharerecord_retry", args=[share.pk]), follow=True
    )
    assert "Only published articles can be shared" in response.content.decode()
    share.refresh_from_db()
    assert (share.state, share.last_error) == (State.FAILED, "timeout")


# Admin ------------------------------------------------------------------------------------------------


def test_article_admin_shows_each_share_with_link_error_and_actions(client_as, editor, two_accounts):
    article = ArticleFactory(published=True)
    _share(article=article, state=State.SENT, remote_url="https://m.example/@n/5", remote_id="5")
    ShareRecord.objects.create(
        article=article,
        account="dev-log",
        network="log",
        state=State.FAILED,
        last_error="Mastodon answered 401",
    )
    response = client_as(editor).get(reverse("admin:articles_article_change", args=[article.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="https://m.example/@n/5"' in page and "Mastodon answered 401" in page
    failed = ShareRecord.objects.get(state=State.FAILED)
    assert reverse("admin:sharing_sharerecord_retry", args=[failed.pk]) in page
    assert reverse("admin:sharing_sharerecord_share_again", args=[failed.pk]) in page
    assert 'name="share_on_publish"' in page and 'name="share_text"' in page
    assert TOKEN not in page


def test_a_story_with_no_social_posts_says_so_and_when_they_come_not_an_empty_table(
    client_as, editor, reporter, two_accounts, sharing_accounts
):
    """The inline showed its column headings over no rows and said nothing: not posted yet, or never?"""
    draft, ran = ArticleFactory(created_by=reporter), ArticleFactory(published=True)

    def social_posts(article, user=editor):
        response = client_as(user).get(reverse("admin:articles_article_change", args=[article.pk]))
        assert response.status_code == 200
        group = page_of(response).select_one("#shares-group")
        # Posted with the article's form all the same: Django refuses a form without the management form.
        assert group.select_one("input[name='shares-TOTAL_FORMS']")["value"] == "0"
        assert group.select("table") == [] and group.select_one("h2").get_text(strip=True) == "Social posts"
        return " ".join(group.select_one("p.inline-none-yet").get_text().split())

    first_publication = (
        "Not posted to any social network yet. When the story is first published with “Share on publish” "
        "ticked (under Social sharing), it is posted to the newsroom's accounts: masto (mastodon), "
        "dev-log (log)."
    )
    assert social_posts(draft) == first_publication
    assert social_posts(draft, user=reporter) == first_publication
    action = "Share selected articles where they were never posted"
    assert social_posts(ran) == (
        "Not posted to any social network: it was first published with “Share on publish” off, or before the "
        "newsroom's accounts were set up. While it is on the site, an editor can post it from the article "
        f"list: tick it and choose “{action}”."
    )
    changelist = client_as(editor).get(reverse("admin:articles_article_changelist"))
    assert action in [option.get_text() for option in page_of(changelist).select("[name=action] option")]
    sharing_accounts()  # none set up
    assert social_posts(draft) == (
        "Not posted to any social network, and publishing will not post it: the newsroom has no social "
        "accounts set up."
    )

    sharing_accounts({"name": "dev-log", "network": "log"})
    articles.publish_article(article=draft, by=editor)
    response = client_as(editor).get(reverse("admin:articles_article_change", args=[draft.pk]))
    group = page_of(response).select_one("#shares-group")
    assert [row.select_one(".field-account").get_text(strip=True) for row in group.select("tbody tr")] == [
        "dev-log"
    ]
    assert "Not posted" not in group.get_text()


def test_admin_retry_button_queues_the_share(
    client_as, editor, two_accounts, django_capture_on_commit_callbacks
):
    share = _share(state=State.FAILED, last_error="timeout", failed_at=timezone.now())
    client = client_as(editor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("admin:sharing_sharerecord_retry", args=[share.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[share.article_id])
    share.refresh_from_db()
    assert share.state == State.PENDING and len(callbacks) == 1
    assert client.get(reverse("admin:sharing_sharerecord_retry", args=[share.pk])).status_code == 405


def test_share_list_filters_by_state_and_network(client_as, editor, two_accounts):
    article = ArticleFactory(published=True, headline="Ferry timetable changes")
    _share(article=article, state=State.FAILED)
    ShareRecord.objects.create(
        article=ArticleFactory(published=True, headline="Bridge reopens"), account="l", network="log"
    )
    client = client_as(editor)
    url = reverse("admin:sharing_sharerecord_changelist")
    failed = client.get(url, {"state__exact": "failed"}).content.decode()
    assert "Ferry timetable changes" in failed and "Bridge reopens" not in failed
    logs = client.get(url, {"network": "log"}).content.decode()
    assert "Bridge reopens" in logs and "Ferry timetable changes" not in logs


def test_admin_index_flags_failures_older_than_an_hour(client_as, editor, two_accounts):
    client = client_as(editor)
    _share(state=State.FAILED, failed_at=timezone.now() - timedelta(minutes=10))
    assert 'id="share-failures-flag"' not in client.get(reverse("admin:index")).content.decode()
    _share(account="other", state=State.FAILED, failed_at=timezone.now() - timedelta(hours=2))
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="share-failures-flag"' in page and "1 social post failed more than 1 hour ago" in page


def test_secrets_never_reach_the_database_or_the_logs(
    editor, sharing_accounts, httpserver, caplog, django_capture_on_commit_callbacks
):
    base = httpserver.url_for("/").rstrip("/")
    sharing_accounts(
        {"name": "masto", "network": "mastodon", "base_url": base, "token": TOKEN},
        {"name": "hook", "network": "webhook", "url": f"{base}/hooks/SECRETPATH", "secret": "HOOKSECRET"},
    )
    httpserver.expect_request("/api/v1/statuses").respond_with_json({"error": "nope"}, status=403)
    httpserver.expect_request("/hooks/SECRETPATH").respond_with_data("down", status=503)
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        articles.publish_article(article=ArticleFactory(in_review=True), by=editor)

    assert len(httpserver.log) == 2
    rows = [str(v) for row in ShareRecord.objects.values() for v in row.values()]
    assert len(rows) > 10
    for secret in (TOKEN, "SECRETPATH", "HOOKSECRET"):
        assert not any(secret in value for value in rows)
        ours = [r.getMessage() for r in caplog.records if r.name != "werkzeug"]  # not the fake server's log
        assert not any(secret in line for line in ours)


@pytest.mark.parametrize("broker", ["refusing", "hung"])
def test_enqueue_gives_up_within_a_second_on_a_dead_or_hung_broker(broker, caplog):
    """Celery's delay() can wait for minutes on a broker that accepts but never answers (celery #6046)."""
    import socket
    import time

    from newsroom.celery import app

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if broker == "hung":
        listener.listen(16)  # the kernel accepts connections; nobody ever answers
    else:
        listener.close()  # nothing listens: connection refused
    saved = app.conf.broker_write_url, app.conf.task_always_eager
    app.conf.broker_write_url, app.conf.task_always_eager = f"redis://127.0.0.1:{port}/6", False
    try:
        start = time.monotonic()
        with caplog.at_level(logging.WARNING):
            assert services.enqueue([1, 2, 3]) == 0
        elapsed = time.monotonic() - start
    finally:
        app.conf.broker_write_url, app.conf.task_always_eager = saved
        listener.close()
    assert elapsed < 2.5, elapsed
    assert caplog.text.count("Could not queue shares 1, 2, 3 ") == 1


def test_admin_share_again_button_makes_a_new_round(
    client_as, editor, two_accounts, django_capture_on_commit_callbacks
):
    share = _share(state=State.SENT, remote_id="5", created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_as(editor).post(reverse("admin:sharing_sharerecord_share_again", args=[share.pk]))
    assert response.status_code == 302 and len(callbacks) == 1
    assert list(ShareRecord.objects.order_by("round").values_list("round", "state")) == [
        (1, State.SENT),
        (2, State.PENDING),
    ]


def test_a_double_click_on_share_again_asks_for_one_new_post(client_as, editor, two_accounts):
    """The second click finds the first one's post on its way, or, when it already went out, posted less
    than a minute ago: either way no second post, and the editor is told why."""
    share = _share(state=State.SENT, remote_id="5", created_at=timezone.now() - timedelta(hours=2))
    url = reverse("admin:sharing_sharerecord_share_again", args=[share.pk])
    client = client_as(editor)
    client.post(url)
    second = client.post(url, follow=True).content.decode()
    assert "A post to “masto” is already on its way; wait for it before sharing again." in second
    ShareRecord.objects.filter(round=2).update(state=State.SENT)  # the worker was quick
    third = client.post(url, follow=True).content.decode()
    assert "This was posted to “masto” less than a minute ago." in third
    assert list(ShareRecord.objects.order_by("round").values_list("round", flat=True)) == [1, 2]
    ShareRecord.objects.filter(round=2).update(created_at=timezone.now() - timedelta(minutes=2))
    client.post(url)
    assert list(ShareRecord.objects.order_by("round").values_list("round", flat=True)) == [1, 2, 3]


def test_the_share_buttons_ask_first_and_only_editors_see_them(client_as, editor, reporter, two_accounts):
    mine = ArticleFactory(created_by=reporter, published=True)
    _share(article=mine, state=State.FAILED, failed_at=timezone.now(), account="masto")
    url = reverse("admin:articles_article_change", args=[mine.pk])

    buttons = page_of(client_as(editor).get(url)).select("button[formaction*='/sharing/']")
    reporter_view = client_as(reporter).get(url)

    assert [(b.get_text(), b["data-confirm"]) for b in buttons] == [
        ("Retry", "Try posting this story to masto again? Changes not yet saved on this page are lost."),
        (
            "Share again",
            "Post this story to masto once more, as a new post? Changes not yet saved on this page are lost.",
        ),
    ]
    assert reporter_view.status_code == 200 and "/sharing/" not in reporter_view.content.decode()


def test_reporter_cannot_retry_or_share_again_from_the_admin(client_as, reporter, two_accounts):
    share = _share(state=State.FAILED, failed_at=timezone.now())
    client = client_as(reporter)
    for name in ("retry", "share_again"):
        response = client.post(reverse(f"admin:sharing_sharerecord_{name}", args=[share.pk]), follow=True)
        assert "Only editors can retry or repeat social posts." in response.content.decode()
    assert ShareRecord.objects.get().state == State.FAILED and ShareRecord.objects.count() == 1


def test_bluesky_post_carries_the_lead_image_social_card(sharing_accounts):
    from sharing import networks
    from sharing.accounts import get_account
    from tests.factories import ImageFactory

    sharing_accounts({"name": "sky", "network": "bluesky", "handle": "n.example", "app_password": "p"})
    share = _share(article=ArticleFactory(published=True, lead_image=ImageFactory()), account="sky")
    post = services.build_post(share, networks.for_account(get_account("sky")))
    assert post.image[:2] == b"\xff\xd8"  # a JPEG: the 1200x630 social card rendition
    assert post.record_key == share.record_key and post.url.endswith(share.article.get_absolute_url())


def test_the_api_sets_what_the_admin_sets_for_sharing(editor, sharing_accounts):
    """share_on_publish and share_text, written through the API, decide the posts as the admin's do."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from tests.factories import AuthorFactory, SectionFactory

    sharing_accounts({"name": "dev-log", "network": "log"})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    author, section = AuthorFactory(), SectionFactory()

    def write(headline, **sharing):
        data = {"headline": headline, "body": "<p>Text.</p>", "section": section.slug}
        data["bylines"] = [author.slug]
        response = client.post("/api/v1/articles/", data | sharing, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    quiet = write("Council minutes published", share_on_publish=False)
    custom = write("Night ferry returns", share_text="The night ferry is back from Monday.")
    assert (quiet["share_on_publish"], quiet["share_text"]) == (False, "")
    assert custom["share_on_publish"] and custom["share_text"] == "The night ferry is back from Monday."
    for article in (quiet, custom):
        assert client.post(f"/api/v1/articles/{article['id']}/publish/").status_code == 200

    assert not ShareRecord.objects.filter(article_id=quiet["id"]).exists()
    (record,) = ShareRecord.objects.filter(article_id=custom["id"])
    services.deliver_share(share_id=record.pk)  # the task, here in the test's transaction
    record.refresh_from_db()
    assert record.state == State.SENT and record.text.startswith("The night ferry is back from Monday.")
    too_long = client.patch(f"/api/v1/articles/{custom['id']}/", {"share_text": "x" * 501}, format="json")
    assert too_long.status_code == 400 and "share_text" in too_long.json()["errors"]


def test_x_refusing_a_repeat_is_sent_after_a_lost_try_and_failed_after_an_earlier_round(
    sharing_accounts, httpserver
):
    """The first round's worker died after X took the post: its next try meets the duplicate, and the share
    is sent. Share again with the words unchanged meets it too, and fails saying what to do."""
    sharing_accounts(
        {"name": "bird", "network": "x", "token": "t", "base_url": httpserver.url_for("/").rstrip("/")}
    )
    httpserver.expect_request("/2/tweets").respond_with_json(
        {"detail": "You are not allowed to create a Tweet with duplicate content.", "status": 403}, status=403
    )
    article = ArticleFactory(published=True, headline="Ferry fares rise")
    first = _share(article=article, account="bird", network="x")

    services.deliver_share(share_id=first.pk)
    first.refresh_from_db()
    assert (first.state, first.remote_id) == (State.SENT, "duplicate")

    again = _share(article=article, account="bird", network="x", round=2)
    services.deliver_share(share_id=again.pk)
    again.refresh_from_db()
    assert again.state == State.FAILED and "change the share text, then retry" in again.last_error


def test_a_try_cut_off_mid_post_stays_counted_with_its_words(two_accounts, httpserver, monkeypatch, settings):
    """The worker dies while the network has the post (SystemExit stands in for the kill): the try and its
    words were committed before the post, so the next try sends the same words even after an edit, and
    tries that never finish still run out."""
    from sharing.networks.mastodon import Mastodon

    httpserver.expect_request("/api/v1/statuses").respond_with_json({"id": "5", "url": ""})
    share = _share(article=ArticleFactory(published=True, headline="Ferry fares rise"))
    original_post = Mastodon.post

    def killed(self, post):
        raise SystemExit("the worker was killed")

    monkeypatch.setattr(Mastodon, "post", killed)
    with pytest.raises(SystemExit):
        services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert (share.state, share.attempts) == (State.PENDING, 1) and share.text.startswith("Ferry fares rise")

    type(share.article).objects.filter(pk=share.article_id).update(headline="Ferry fares rise by a tenth")
    monkeypatch.setattr(Mastodon, "post", original_post)
    services.deliver_share(share_id=share.pk)
    share.refresh_from_db()
    assert (share.state, share.attempts) == (State.SENT, 2)
    ((request, _),) = httpserver.log
    assert request.get_json()["status"].startswith("Ferry fares rise\n")  # the words of the first try

    stuck = _share(attempts=settings.SHARING_MAX_ATTEMPTS)  # every try so far died before it could say
    assert services.deliver_share(share_id=stuck.pk) is None
    stuck.refresh_from_db()
    assert stuck.state == State.FAILED and "attempts that never finished" in stuck.last_error
    assert len(httpserver.log) == 1


def test_a_story_published_without_sharing_is_shared_later_from_the_article_list(
    client_as, editor, reporter, two_accounts, django_capture_on_commit_callbacks
):
    """ "Share on publish" left off by mistake: no social post exists to press "Share again" on, so the
    list's action posts the story once to each account that never had it, and a second press posts nothing."""
    forgotten = ArticleFactory(in_review=True, share_on_publish=False, headline="Ferry fares frozen")
    articles.publish_article(article=forgotten, by=editor)
    draft = ArticleFactory(headline="Pier plan, unfinished")
    changelist = reverse("admin:articles_article_changelist")
    action = {"action": "share_selected", "index": "0"}
    client = client_as(editor)

    with django_capture_on_commit_callbacks() as callbacks:
        done = client.post(changelist, {**action, "_selected_action": [forgotten.pk, draft.pk]}, follow=True)

    text = done.content.decode()
    assert "“Ferry fares frozen” is on its way to masto, dev-log." in text
    assert "“Pier plan, unfinished”: Only published articles can be shared." in text
    shares = ShareRecord.objects.order_by("account")
    assert [(s.article, s.account, s.round, s.state, s.requested_by) for s in shares] == [
        (forgotten, "dev-log", 1, State.PENDING, editor),
        (forgotten, "masto", 1, State.PENDING, editor),
    ]
    assert len(sending(callbacks)) == 1

    again = client.post(changelist, {**action, "_selected_action": [forgotten.pk]}, follow=True)
    assert "Every configured account already has it" in again.content.decode()
    assert ShareRecord.objects.count() == 2

    editor_list = client.get(changelist).content.decode()
    assert "Share selected articles where they were never posted" in editor_list
    reporter_list = client_as(reporter).get(changelist).content.decode()
    assert "share_selected" not in reporter_list


def test_sharing_later_posts_only_to_accounts_that_never_had_the_story(editor, two_accounts):
    article = ArticleFactory(published=True)
    _share(article=article, state=State.SENT, remote_id="5", account="masto")

    shares = services.share_where_never_posted(article=article, by=editor)

    assert [(s.account, s.network, s.round) for s in shares] == [("dev-log", "log", 1)]
    assert sorted(ShareRecord.objects.values_list("account", "round")) == [("dev-log", 1), ("masto", 1)]

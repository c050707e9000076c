"""Each network module against a local server that speaks that network's endpoint and records the request."""

import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime

import httpx
import pytest
from werkzeug import Response

from sharing import text
from sharing.accounts import Account
from sharing.models import tid
from sharing.networks import PermanentError, Post, TransientError, for_account

ARTICLE_URL = "https://news.example.org/world/2026/11/25/harbour-plan/"
TOKEN = "tok-SECRET-123"


def make_post(network_cls, body="Council approves the harbour plan 👩🏽‍💻 שלום", tags=("#Harbour",), **extra):
    return Post(
        text=text.fit(
            body=body, url=ARTICLE_URL, tags=list(tags), limit=network_cls.limit, rule=network_cls.rule
        ),
        url=ARTICLE_URL,
        title="Council approves the harbour plan",
        description="Two ferry piers and a cycle path.",
        idempotency_key="newsroom-share-42",
        record_key=tid(1_764_000_000_000_000, 42),
        created_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        **extra,
    )


def network(account_fields, timeout=5.0):
    account = Account(**account_fields)
    return for_account(account, client=httpx.Client(timeout=timeout))


# Mastodon ---------------------------------------------------------------------------------------------


@pytest.fixture
def mastodon(httpserver):
    return network(
        {"name": "m", "network": "mastodon", "base_url": httpserver.url_for("/").rstrip("/"), "token": TOKEN}
    )


def test_mastodon_posts_status_with_bearer_and_idempotency_key(httpserver, mastodon):
    httpserver.expect_oneshot_request("/api/v1/statuses", method="POST").respond_with_json(
        {"id": "1099", "url": "https://social.example/@news/1099"}, status=200
    )
    post = make_post(type(mastodon), body="word " * 300)

    posted = mastodon.post(post)

    ((request, _),) = httpserver.log
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Idempotency-Key"] == "newsroom-share-42"
    body = request.get_json()
    assert body["visibility"] == "public"
    assert text.mastodon_length(body["status"]) <= 500 and body["status"].endswith(ARTICLE_URL)
    assert (posted.remote_id, posted.url) == ("1099", "https://social.example/@news/1099")


@pytest.mark.parametrize(
    ("status", "headers", "kind", "retry_after"),
    [
        (500, {}, TransientError, None),
        (503, {"Retry-After": "12"}, TransientError, 12.0),
        (429, {"Retry-After": "7"}, TransientError, 7.0),
        (401, {}, PermanentError, None),
        (403, {}, PermanentError, None),
        (422, {}, PermanentError, None),
    ],
)
def test_mastodon_errors_are_transient_or_permanent(httpserver, mastodon, status, headers, kind, retry_after):
    httpserver.expect_request("/api/v1/statuses").respond_with_json(
        {"error": "Something"}, status=status, headers=headers
    )
    with pytest.raises(kind) as error:
        mastodon.post(make_post(type(mastodon)))
    assert str(status) in str(error.value) and TOKEN not in str(error.value)
    if kind is TransientError:
        assert error.value.retry_after == retry_after


def test_retry_after_as_http_date(httpserver, mastodon):
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    httpserver.expect_request("/api/v1/statuses").respond_with_data(
        "slow down", status=429, headers={"Retry-After": when}
    )
    with pytest.raises(TransientError) as error:
        mastodon.post(make_post(type(mastodon)))
    assert 25 <= error.value.retry_after <= 31


def test_timeouts_and_refused_connections_are_transient(httpserver):
    def slow(request):
        time.sleep(0.5)
        return Response("{}", status=200)

    httpserver.expect_request("/api/v1/statuses").respond_with_handler(slow)
    base = httpserver.url_for("/").rstrip("/")
    slow_network = network(
        {"name": "m", "network": "mastodon", "base_url": base, "token": TOKEN}, timeout=0.1
    )
    with pytest.raises(TransientError, match="timed out"):
        slow_network.post(make_post(type(slow_network)))

    closed = network({"name": "m", "network": "mastodon", "base_url": "http://127.0.0.1:1", "token": TOKEN})
    with pytest.raises(TransientError, match="Could not reach"):
        closed.post(make_post(type(closed)))


# Bluesky ----------------------------------------------------------------------------------------------


class FakePDS:
    """createSession, uploadBlob, createRecord (refusing a second record under one key) and getRecord."""

    def __init__(self, httpserver):
        self.records = {}
        self.blobs = []
        self.creates = 0
        httpserver.expect_request(
            "/xrpc/com.atproto.server.createSession", method="POST"
        ).respond_with_handler(self.session)
        httpserver.expect_request("/xrpc/com.atproto.repo.uploadBlob", method="POST").respond_with_handler(
            self.upload
        )
        httpserver.expect_request("/xrpc/com.atproto.repo.createRecord", method="POST").respond_with_handler(
            self.create
        )
        httpserver.expect_request("/xrpc/com.atproto.repo.getRecord", method="GET").respond_with_handler(
            self.get
        )

    def session(self, request):
        body = request.get_json()
        if (body["identifier"], body["password"]) != ("news.example", "app-pass-SECRET"):
            return Response(json.dumps({"error": "AuthenticationRequired"}), status=401)
        return Response(json.dumps({"did": "did:plc:news", "accessJwt": "jwt-1", "handle": "news.example"}))

    def authorised(self, request):
        return request.headers.get("Authorization") == "Bearer jwt-1"

    def upload(self, request):
        assert self.authorised(request)
        self.blobs.append((request.headers["Content-Type"], request.get_data()))
        blob = {
            "$type": "blob",
            "ref": {"$link": "bafkblob"},
            "mimeType": "image/jpeg",
            "size": len(request.get_data()),
        }
        return Response(json.dumps({"blob": blob}))

    def create(self, request):
        assert self.authorised(request)
        body = request.get_json()
        self.creates += 1
        uri = f"at://{body['repo']}/{body['collection']}/{body['rkey']}"
        if uri in self.records:
            return Response(
                json.dumps({"error": "InvalidRequest", "message": "Record already exists"}), status=400
            )
        self.records[uri] = body["record"]
        return Response(json.dumps({"uri": uri, "cid": "bafyrec"}))

    def get(self, request):
        uri = f"at://{request.args['repo']}/{request.args['collection']}/{request.args['rkey']}"
        if uri not in self.records:
            return Response(json.dumps({"error": "RecordNotFound"}), status=400)
        return Response(json.dumps({"uri": uri, "cid": "bafyrec", "value": self.records[uri]}))


@pytest.fixture
def bluesky(httpserver):
    base = httpserver.url_for("/").rstrip("/")
    fields = {"name": "b", "network": "bluesky", "base_url": base, "handle": "news.example"}
    return network({**fields, "app_password": "app-pass-SECRET"})


def test_bluesky_creates_a_post_with_record_key_link_facet_and_card(httpserver, bluesky):
    pds = FakePDS(httpserver)
    post = make_post(type(bluesky), body="ترحيب " * 80, tags=("#Harbour", "#Ferries"), image=b"\xff\xd8jpeg")

    posted = bluesky.post(post)

    ((uri, record),) = pds.records.items()
    assert uri == f"at://did:plc:news/app.bsky.feed.post/{post.record_key}"
    assert posted.url == f"https://bsky.app/profile/news.example/post/{post.record_key}"
    assert record["$type"] == "app.bsky.feed.post" and record["createdAt"] == "2026-11-25T12:00:00Z"
    assert text.grapheme_length(record["text"]) <= 300
    encoded = record["text"].encode()
    link = next(f for f in record["facets"] if f["features"][0]["$type"] == "app.bsky.richtext.facet#link")
    assert encoded[link["index"]["byteStart"] : link["index"]["byteEnd"]].decode() == ARTICLE_URL
    card = record["embed"]["external"]
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    assert (card["uri"], card["title"]) == (ARTICLE_URL, "Council approves the harbour plan")
    assert card["thumb"]["ref"] == {"$link": "bafkblob"}
    assert pds.blobs == [("image/jpeg", b"\xff\xd8jpeg")]


def test_bluesky_hashtag_facets_use_byte_offsets(httpserver, bluesky):
    pds = FakePDS(httpserver)
    bluesky.post(make_post(type(bluesky), body="Café 👩🏽‍💻 news", tags=("#Ferries",)))
    (record,) = pds.records.values()
    tag = next(f for f in record["facets"] if f["features"][0]["$type"] == "app.bsky.richtext.facet#tag")
    start, end = tag["index"]["byteStart"], tag["index"]["byteEnd"]
    assert record["text"].encode()[start:end] == b"#Ferries" and tag["features"][0]["tag"] == "Ferries"


def test_bluesky_retry_with_the_same_record_key_makes_no_second_post(httpserver, bluesky):
    pds = FakePDS(httpserver)
    post = make_post(type(bluesky))
    first = bluesky.post(post)
    again = bluesky.post(post)  # e.g. the worker died after the PDS stored the first one
    assert len(pds.records) == 1 and again.remote_id == first.remote_id
    assert pds.creates == 1  # the retry read the record back instead of posting


def test_bluesky_refused_duplicate_key_reads_the_first_record_back(httpserver, bluesky, monkeypatch):
    pds = FakePDS(httpserver)
    post = make_post(type(bluesky))
    first = bluesky.post(post)
    original, calls = type(bluesky).existing, []

    def lagging(self, *args):  # the check before posting misses it (e.g. a replica lagging behind)
        calls.append(args)
        return None if len(calls) == 1 else original(self, *args)

    monkeypatch.setattr(type(bluesky), "existing", lagging)
    again = bluesky.post(post)
    assert pds.creates == 2 and len(pds.records) == 1 and again.remote_id == first.remote_id


def test_bluesky_wrong_app_password_is_permanent(httpserver):
    FakePDS(httpserver)
    base = httpserver.url_for("/").rstrip("/")
    wrong = network(
        {"name": "b", "network": "bluesky", "base_url": base, "handle": "news.example", "app_password": "x"}
    )
    with pytest.raises(PermanentError, match="401"):
        wrong.post(make_post(type(wrong)))


def test_record_key_is_a_valid_tid():
    key = tid(1_764_000_000_000_000, 42)
    assert len(key) == 13 and key[0] in "234567abcdefghij"
    assert set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")
    assert tid(1_764_000_000_000_001, 0) > key  # sortable by time


# X ----------------------------------------------------------------------------------------------------


@pytest.fixture
def x(httpserver):
    return network(
        {"name": "x", "network": "x", "base_url": httpserver.url_for("/").rstrip("/"), "token": TOKEN}
    )


def test_x_posts_a_tweet_with_the_user_token_within_280(httpserver, x):
    httpserver.expect_oneshot_request("/2/tweets", method="POST").respond_with_json(
        {"data": {"id": "18000", "text": "…"}}, status=201
    )
    posted = x.post(make_post(type(x), body="港湾計画 " * 100))
    ((request, _),) = httpserver.log
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert text.x_length(request.get_json()["text"]) <= 280
    assert (posted.remote_id, posted.url) == ("18000", "https://x.com/i/web/status/18000")


def test_x_duplicate_is_our_own_lost_post_unless_an_earlier_round_said_the_same(httpserver, x):
    """A refused duplicate is our own earlier try, whose answer was lost or whose worker died before
    recording it; but after a round that posted the same words (Share again, text unchanged), nothing was
    posted this time."""
    httpserver.expect_request("/2/tweets").respond_with_json(
        {"detail": "You are not allowed to create a Tweet with duplicate content.", "status": 403}, status=403
    )
    assert x.post(make_post(type(x))).remote_id == "duplicate"
    with pytest.raises(PermanentError, match="same text as an earlier one; change the share text"):
        x.post(make_post(type(x), repeats_an_earlier_round=True))


def test_x_unauthorised_is_permanent(httpserver, x):
    httpserver.expect_request("/2/tweets").respond_with_json(
        {"title": "Unauthorized", "status": 401}, status=401
    )
    with pytest.raises(PermanentError, match="401"):
        x.post(make_post(type(x)))


# Webhook ----------------------------------------------------------------------------------------------


def test_webhook_posts_slack_and_discord_payload_signed_with_hmac(httpserver):
    httpserver.expect_oneshot_request("/hooks/T000/SECRETPATH", method="POST").respond_with_data("ok")
    hook = network(
        {
            "name": "w",
            "network": "webhook",
            "url": httpserver.url_for("/hooks/T000/SECRETPATH"),
            "secret": "hmac-key",
        }
    )
    posted = hook.post(make_post(type(hook)))

    ((request, _),) = httpserver.log
    raw = request.get_data()
    timestamp = request.headers["X-Newsroom-Timestamp"]
    expected = hmac.new(b"hmac-key", timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    assert request.headers["X-Newsroom-Signature"] == f"sha256={expected}"
    assert abs(int(timestamp) - time.time()) < 60
    assert request.headers["X-Newsroom-Delivery"] == "newsroom-share-42" == posted.remote_id
    payload = json.loads(raw)
    assert payload["text"] == payload["content"] and ARTICLE_URL in payload["text"]  # Slack and Discord
    assert payload["embeds"][0]["url"] == ARTICLE_URL


def test_webhook_text_shows_as_written_and_pings_no_one(httpserver):
    """Slack took `<5% as supply >` for a link and `<!channel>` for a ping of everyone; Discord pings
    @everyone named in a headline. Both now show the words as the editor wrote them."""
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    hook = network({"name": "w", "network": "webhook", "url": httpserver.url_for("/hook"), "secret": "k"})
    words = "Rents rise <5% as supply > demand & <!channel> @everyone"

    hook.post(make_post(type(hook), body=words, tags=()))

    ((request, _),) = httpserver.log
    payload = json.loads(request.get_data())
    assert payload["text"] == (
        f"Rents rise &lt;5% as supply &gt; demand &amp; &lt;!channel&gt; @everyone\n\n{ARTICLE_URL}"
    )
    assert payload["content"] == f"{words}\n\n{ARTICLE_URL}"
    assert payload["allowed_mentions"] == {"parse": []}


def test_webhook_errors_never_show_its_secret_url(httpserver):
    httpserver.expect_request("/hooks/T000/SECRETPATH").respond_with_data("gone", status=404)
    hook = network(
        {
            "name": "w",
            "network": "webhook",
            "url": httpserver.url_for("/hooks/T000/SECRETPATH"),
            "secret": "k",
        }
    )
    with pytest.raises(PermanentError) as error:
        hook.post(make_post(type(hook)))
    assert "SECRETPATH" not in str(error.value) and "404" in str(error.value)


# Log --------------------------------------------------------------------------------------------------


def test_log_network_logs_the_text_and_posts_nothing(caplog):
    log = network({"name": "dev", "network": "log"})
    with caplog.at_level(logging.INFO, logger="sharing.log"):
        posted = log.post(make_post(type(log)))
    assert posted.remote_id == "log:newsroom-share-42"
    assert "Council approves the harbour plan" in caplog.text

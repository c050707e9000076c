"""Helpers for the fault tests that run real Celery workers: the worker process, a slow SMTP server, slow
fake social networks, and the Redis broker's bookkeeping of unacknowledged messages.

Every fake server "holds" each request for a moment and counts the holds, so a test can kill a worker at
a moment it knows the worker is in the middle of a request.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from pytest_httpserver import HTTPServer
from werkzeug import Response

from .conftest import free_port

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
# kombu's Redis transport keeps every delivered, unacknowledged message here until it is acknowledged;
# a worker restores entries older than the visibility timeout to the queue (at start and every 10 s).
UNACKED, UNACKED_INDEX, QUEUE = "unacked", "unacked_index", "celery"


def test_database_url() -> str:
    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), db["NAME"]
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class Holds:
    """Counts the requests the fake servers hold open: how many began, which are in progress."""

    def __init__(self):
        self.condition = threading.Condition()
        self.started = []  # (kind, key) of every hold, in order
        self.active = {}  # hold number -> (kind, key)

    def begin(self, kind: str, key=None) -> int:
        with self.condition:
            self.started.append((kind, key))
            number = len(self.started)
            self.active[number] = (kind, key)
            self.condition.notify_all()
            return number

    def end(self, number: int):
        with self.condition:
            self.active.pop(number, None)

    def hold(self, kind: str, key, seconds: float):
        """Block this server thread for `seconds`, counted as one hold of `kind` for `key`."""
        number = self.begin(kind, key)
        try:
            time.sleep(seconds)
        finally:
            self.end(number)

    def count(self) -> int:
        with self.condition:
            return len(self.started)

    def wait_for_kind(self, kind: str, *, after: int, timeout: float) -> bool:
        """Wait until a hold of `kind` begins that is not among the first `after` ones."""
        with self.condition:
            return self.condition.wait_for(
                lambda: any(k == kind for k, _ in self.started[after:]), timeout=timeout
            )

    def in_progress(self) -> list[tuple]:
        with self.condition:
            return list(self.active.values())


class Mailbox:
    """An SMTP server's hooks. Each RCPT is held a moment (the message does not exist yet), and answered
    with a temporary 451 while `refusing` is set or once for addresses in `refuse_once`. DATA is accepted,
    then its "250" held a moment: the message is the server's from then on, even if the sender dies."""

    def __init__(self, holds: Holds | None = None, hold_seconds: float = 0.0):
        self.holds, self.hold_seconds = holds, hold_seconds
        self.lock = threading.Lock()
        self.messages = []  # (recipients, email.message.EmailMessage)
        self.rcpt_log = []  # (address, monotonic time, answer)
        self.refusing = False
        self.refuse_once = set()

    async def _hold(self, kind, key):
        if not (self.holds and self.hold_seconds):
            return
        number = self.holds.begin(kind, key)
        try:
            await asyncio.sleep(self.hold_seconds)
        finally:
            self.holds.end(number)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd
        await self._hold("smtp", address)
        with self.lock:
            refuse = self.refusing or address in self.refuse_once
            self.refuse_once.discard(address)
            answer = "451 4.3.2 Try again later" if refuse else "250 OK"
            self.rcpt_log.append((address, time.monotonic(), answer))
        if not refuse:
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        await self._hold("smtp-accepted", message["Message-ID"])
        return "250 OK"

    def delivered(self) -> list:
        with self.lock:
            return list(self.messages)


class SmtpServer:
    def __init__(self, mailbox: Mailbox):
        self.port = free_port()
        self.mailbox = mailbox
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class FakeNetworks:
    """Mastodon (honours Idempotency-Key), Bluesky (records under a fixed key) and a webhook on 127.0.0.1.

    Each creates its post when the request arrives and then holds the answer, so a worker killed during the
    hold has posted without learning it: the retry must find the post, not make a second one.
    """

    def __init__(self, holds: Holds, hold_seconds: float):
        self.holds, self.hold_seconds = holds, hold_seconds
        self.lock = threading.Lock()
        self.requests = []  # (kind, key)
        self.statuses = {}  # Mastodon: idempotency key -> status
        self.records = {}  # Bluesky: rkey -> record
        self.refused_creates = []  # Bluesky createRecord for a key that exists
        self.deliveries = []  # webhook: (delivery id, payload)
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)

    def start(self):
        expect = self.server.expect_request
        expect("/m/api/v1/statuses", method="POST").respond_with_handler(self.mastodon)
        expect("/b/xrpc/com.atproto.server.createSession").respond_with_handler(self.bluesky_session)
        expect("/b/xrpc/com.atproto.repo.getRecord").respond_with_handler(self.bluesky_get)
        expect("/b/xrpc/com.atproto.repo.createRecord").respond_with_handler(self.bluesky_create)
        expect("/hook", method="POST").respond_with_handler(self.webhook)
        self.server.start()
        self.base_url = self.server.url_for("/").rstrip("/")

    def stop(self):
        self.server.stop()

    def accounts(self) -> list[dict]:
        return [
            {"name": "masto", "network": "mastodon", "base_url": f"{self.base_url}/m", "token": "t0ken"},
            {"name": "sky", "network": "bluesky", "base_url": f"{self.base_url}/b", "handle": "news.test",
             "app_password": "app-pass"},
            {"name": "hook", "network": "webhook", "url": f"{self.base_url}/hook", "secret": "hook-secret"},
        ]  # fmt: skip

    def _log(self, kind, key):
        with self.lock:
            self.requests.append((kind, key))

    def _answer(self, kind, key, data, status=200):
        self.holds.hold(kind, key, self.hold_seconds)
        return Response(json.dumps(data), status=status, content_type="application/json")

    def mastodon(self, request):
        key = request.headers.get("Idempotency-Key")
        self._log("mastodon", key)
        with self.lock:
            if key not in self.statuses:  # a repeated key gets the status made the first time
                number = len(self.statuses) + 1
                self.statuses[key] = {"id": str(number), "url": f"https://m.example/@news/{number}"}
            status = self.statuses[key]
        return self._answer("mastodon", key, status)

    def bluesky_session(self, request):
        self._log("bluesky-session", None)
        return self._answer("bluesky-session", None, {"did": "did:plc:newsroom", "accessJwt": "jwt"})

    def bluesky_get(self, request):
        rkey = parse_qs(urlsplit(request.url).query).get("rkey", [""])[0]
        self._log("bluesky-get", rkey)
        with self.lock:
            record = self.records.get(rkey)
        if record is None:
            return self._answer("bluesky-get", rkey, {"error": "RecordNotFound"}, status=400)
        return self._answer("bluesky-get", rkey, record)

    def bluesky_create(self, request):
        body = request.get_json()
        rkey = body["rkey"]
        self._log("bluesky-create", rkey)
        with self.lock:
            exists = rkey in self.records
            if exists:
                self.refused_creates.append(rkey)
            else:
                uri = f"at://did:plc:newsroom/app.bsky.feed.post/{rkey}"
                self.records[rkey] = {"uri": uri, "value": body["record"]}
        if exists:
            return self._answer("bluesky-create", rkey, {"error": "InvalidRequest"}, status=400)
        return self._answer("bluesky-create", rkey, {"uri": self.records[rkey]["uri"], "cid": "c"})

    def webhook(self, request):
        delivery = request.headers.get("X-Newsroom-Delivery")
        self._log("webhook", delivery)
        with self.lock:
            self.deliveries.append((delivery, request.get_json()))
        return self._answer("webhook", delivery, {"ok": True})


class Worker:
    """`celery -A newsroom worker` in its own process group (so a SIGKILL takes the pool children too)."""

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self, concurrency: int = 1):
        start = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [str(CELERY), "-A", "newsroom", "worker", "--pool=prefork", f"--concurrency={concurrency}",
                 "--loglevel=INFO", f"--hostname=fault-{uuid.uuid4().hex[:8]}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text()[start:]:
                return
            assert self.process.poll() is None, self.log()[-3000:]
            time.sleep(0.05)
        raise AssertionError("the worker did not start:\n" + self.log()[-3000:])

    def kill(self):
        """SIGKILL the whole process group: main process and pool children, with no chance to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


class Broker:
    """The Redis broker as kombu's transport keeps it: the queue, and messages delivered but not acked."""

    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url)

    def clear(self):
        self.redis.delete(QUEUE, UNACKED, UNACKED_INDEX, "unacked_mutex")

    def unacked(self) -> int:
        return self.redis.hlen(UNACKED)

    def queued(self) -> int:
        return self.redis.llen(QUEUE)

    def idle(self) -> bool:
        return self.queued() == 0 and self.unacked() == 0

    def let_visibility_timeout_pass(self) -> int:
        """Make every unacknowledged message look older than the visibility timeout (an hour), as it is an
        hour after its worker died; the next worker to start restores them to the queue."""
        tags = self.redis.zrange(UNACKED_INDEX, 0, -1)
        if tags:
            self.redis.zadd(UNACKED_INDEX, dict.fromkeys(tags, 1))
        return len(tags)

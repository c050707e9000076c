"""`make soak`: minutes of reader traffic, ~20 comment posts and 1 publish per second, then nothing lost.

Not a test suite: one run of the production stack on this machine, checked at the end. It makes its own
database (newsroom_soak), starts gunicorn (newsroom/gunicorn_conf.py, 2 sync workers), a Celery worker and
beat on Redis database numbers of its own, a webhook receiver standing in for two social accounts and an
SMTP sink for the comment mail, and drives the site as browsers and an editor would:

- readers: home, articles, sections, search and the API, at --reader-rate requests/s;
- commenters: the article page, the form's fresh fields (what comments/form.js fetches), then the form
  itself, each from its own address (X-Forwarded-For behind NUM_PROXIES=1, so the flood rule still
  applies per reader) and with a unique marker in its text; every second confirmation mail is opened,
  every tenth of those twice;
- an editor: a draft through the API with a staff token, then its publish action, --publish-rate per second.

When the time is up it waits for the queues to drain and checks: no 5xx and no failed request; every
comment the server accepted is stored exactly once (pending, or a comment once confirmed) and every refused
one not at all; one confirmation mail per accepted comment; every article published during the soak has
exactly one share record per account, sent, and the receiver got exactly one post for each. It prints a
summary, writes bench/results/soak-<time>.json and exits 1 on any violation. bench/soak.md has more.
"""

import argparse
import email
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from queue import Empty, Full, Queue
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # the project's .venv python (make soak)
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
ACCOUNTS = ("soak-both", "soak-slack")  # two webhook accounts: every article is shared once to each
HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
MARKER_RE = re.compile(r"\[soak (\w+) #(\d+)\]")
CONFIRM_RE = re.compile(r"https?://[^/\s]+(/comments/confirm/[^\s]+/)")
TIMEOUT = 60  # seconds a client waits for an answer (gunicorn's own worker timeout is 30)


def log(message):
    print(f"[soak] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------
# What the run saw: every response by kind and status, latencies, and what the fakes received.


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = defaultdict(Counter)  # kind -> status (or "error: <exception>") -> count
        self.latency = defaultdict(list)  # kind -> seconds
        self.skipped = Counter()  # kind -> jobs dropped because every client thread was busy

    def record(self, kind, status, seconds):
        with self.lock:
            self.statuses[kind][status] += 1
            self.latency[kind].append(seconds)

    def request(self, session, kind, method, url, **kwargs):
        started = time.monotonic()
        try:
            response = session.request(method, url, timeout=TIMEOUT, follow_redirects=False, **kwargs)
        except httpx.HTTPError as error:
            self.record(kind, f"error: {type(error).__name__}", time.monotonic() - started)
            return None
        self.record(kind, response.status_code, time.monotonic() - started)
        return response


class Sink:
    """What the webhook receiver and the SMTP sink got, in memory."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = []  # (account, delivery key, article path)
        self.mail = []  # (recipient, subject)
        self.confirm_links = Queue()  # (comment number, path) for the confirmer


def webhook_server(port, sink):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            account = {"/both": "soak-both", "/slack": "soak-slack"}.get(self.path, self.path)
            text = json.loads(body).get("text", "")
            # The share text ends with the article's address (sharing/text.py never cuts a URL).
            urls = re.findall(r"https?://\S+", text)
            path = urlsplit(urls[-1]).path if urls else ""
            with sink.lock:
                sink.posts.append((account, self.headers.get("X-Newsroom-Delivery", ""), path))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def smtp_sink(port, sink, run_id):
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            message = email.message_from_bytes(envelope.content)
            body = message.get_payload(decode=True) or b""
            for recipient in envelope.rcpt_tos:
                with sink.lock:
                    sink.mail.append((recipient, str(message["Subject"])))
                number = re.fullmatch(rf"soak-{run_id}-(\d+)@example\.net", recipient)
                link = CONFIRM_RE.search(body.decode("utf-8", "replace"))
                if number and link:
                    sink.confirm_links.put((int(number.group(1)), link.group(1)))
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


# ---------------------------------------------------------------------------------------------------------
# The stack: database, environment, processes.


def django_env(options, ports):
    redis = options.redis
    accounts = [
        {
            "name": "soak-both",
            "network": "webhook",
            "url": f"http://127.0.0.1:{ports['hook']}/both",
            "secret": "soak-webhook-secret",
        },
        {
            "name": "soak-slack",
            "network": "webhook",
            "url": f"http://127.0.0.1:{ports['hook']}/slack",
            "secret": "soak-webhook-secret",
            "format": "slack",
        },
    ]
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY="soak-only-secret-key-0123456789-0123456789-abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{ports['web']}",
        DATABASE_URL=f"{options.postgres}/{options.database}",
        CACHE_URL=f"{redis}/{options.cache_db}",
        CELERY_BROKER_URL=f"{redis}/{options.broker_db}",
        EMAIL_URL=f"smtp://127.0.0.1:{ports['smtp']}",
        SHARING_ACCOUNTS=json.dumps(accounts),
        # Commenters come through "our proxy": the flood rule sees each one's own address.
        NUM_PROXIES="1",
        # Readers all come from 127.0.0.1 without a proxy header: the search and anonymous API limits
        # would measure themselves. The comment rules keep their production values.
        API_ANON_RATE="100000000/minute",
        SEARCH_RATE="100000000/minute",
        LOG_LEVEL="WARNING",
        STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
        WEB_CONCURRENCY=str(options.workers),
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
    )
    for name in ("COMMENTS_FLOOD_SECONDS", "COMMENTS_HOLD_FIRST_TIME", "PAGE_CACHE_SECONDS"):
        env.pop(name, None)  # production defaults, whatever the caller's shell says
    return env


def psql(options, sql, params=None, database=None):
    import psycopg

    with psycopg.connect(f"{options.postgres}/{database or options.database}", autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


SETUP = """
import django, json
django.setup()
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from articles.models import Article, Section
from bench.generate import generate
generate(articles={articles}, comments={comments})
editor = User.objects.create_user("soak-editor", password=None, is_staff=True)
editor.groups.add(Group.objects.get(name="Editor"))
print("SETUP " + json.dumps({{
    "token": Token.objects.create(user=editor).key,
    "articles": [[a.pk, a.get_absolute_url()] for a in Article.objects.published().select_related("section")],
    "sections": [s.get_absolute_url() for s in Section.objects.all()],
    "section_slugs": list(Section.objects.values_list("slug", flat=True)),
}}))
"""


def prepare_database(options, env):
    log(f"creating {options.database} ({options.articles} articles, {options.comments} comments)")
    psql(options, f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)', database="postgres")
    psql(options, f'CREATE DATABASE "{options.database}"', database="postgres")
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    code = SETUP.format(articles=options.articles, comments=options.comments)
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return json.loads(out.split("SETUP ", 1)[1])


def start(name, command, env, logs):
    log_file = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log_file = log_file
    return process


def start_stack(options, env, ports, logs):
    processes = {}
    processes["web"] = start(
        "gunicorn",
        [str(BIN / "gunicorn"), "newsroom.wsgi", "-c", str(ROOT / "newsroom" / "gunicorn_conf.py")],
        dict(env, BIND=f"127.0.0.1:{ports['web']}"),
        logs,
    )
    celery = [str(BIN / "celery"), "-A", "newsroom"]
    processes["worker"] = start(
        "worker",
        [
            *celery,
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={options.celery_concurrency}",
            "--hostname=soak@%h",
        ],
        env,
        logs,
    )
    processes["beat"] = start(
        "beat",
        [*celery, "beat", "--loglevel=WARNING", f"--schedule={logs / 'celerybeat-schedule'}"],
        env,
        logs,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{ports['web']}/", timeout=5).read()
            return processes
        except OSError:
            if processes["web"].poll() is not None:
                break
            time.sleep(0.3)
    stop(processes)
    raise SystemExit(f"gunicorn did not answer on port {ports['web']}; see {logs / 'gunicorn.log'}")


def stop(processes):
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.log_file.close()


# ---------------------------------------------------------------------------------------------------------
# The load.


def paced(kind, rate, threads, job, deadline, tally, stopping):
    """Call job(n) about `rate` times a second until `deadline`, on `threads` client threads. A job that finds
    every thread busy is dropped and counted (the client, or the server, is behind), not queued up."""
    jobs = Queue(maxsize=threads)

    def client():
        while True:
            n = jobs.get()
            if n is None:
                return
            try:
                job(n)
            except Exception as error:  # noqa: BLE001 - a client bug must show in the figures, not stop the run
                tally.record(kind, f"client error: {type(error).__name__}: {error}"[:200], 0)

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    started, n = time.monotonic(), 0
    while not stopping.is_set():
        due = started + n / rate
        if due >= deadline:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        try:
            jobs.put_nowait(n)
        except Full:
            with tally.lock:
                tally.skipped[kind] += 1
        n += 1
    for _ in workers:
        jobs.put(None)
    for worker in workers:
        worker.join()
    return n


class Load:
    def __init__(self, options, setup, ports, tally, sink, run_id):
        self.options, self.setup, self.tally, self.sink, self.run_id = options, setup, tally, sink, run_id
        self.base = f"http://127.0.0.1:{ports['web']}"
        self.local = threading.local()
        self.lock = threading.Lock()
        self.comments = {}  # n -> "accepted" | "refused <status>" | "failed"
        self.confirmed = {}  # n -> confirmation page status
        self.published = {}  # article id -> canonical path
        self.publish_failures = []

    def session(self):
        if not hasattr(self.local, "session"):
            self.local.session = httpx.Client()
        return self.local.session

    # Readers --------------------------------------------------------------------------------------------
    def read(self, n):
        rng = random.Random(n)
        article_id, article_path = rng.choice(self.setup["articles"])
        kind, path = rng.choices(
            [
                ("article", article_path),
                ("home", "/"),
                ("section", rng.choice(self.setup["sections"])),
                ("search", "/search/?q=" + rng.choice(["harbour+ferry", "council", "storm+coast", "rail"])),
                ("api list", "/api/v1/articles/?page_size=20"),
                ("api detail", f"/api/v1/articles/{article_id}/"),
            ],
            weights=[45, 20, 15, 4, 8, 8],
        )[0]
        self.tally.request(self.session(), kind, "GET", self.base + path)

    # Commenters -----------------------------------------------------------------------------------------
    def comment(self, n):
        """A new browser: the page, the form's fresh fields, the post, and the page it is sent to."""
        rng = random.Random(f"comment-{n}")
        article_id, article_path = rng.choice(self.setup["articles"])
        browser = self.session()  # this thread's client, as a new browser: no cookies, its own address
        browser.cookies.clear()
        browser.headers["X-Forwarded-For"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        page = self.tally.request(browser, "comment: page", "GET", self.base + article_path)
        if page is None or page.status_code != 200:
            return self._comment_outcome(n, "failed")
        start = page.text.find('class="comment-form"')
        form = page.text[start : page.text.find("</form>", start)]
        fields = {name: unescape(value) for name, value in HIDDEN_RE.findall(form)}
        fresh = self.tally.request(
            browser,
            "comment: form fields",
            "GET",
            f"{self.base}/comments/form-fields/{article_id}/",
            headers={"Accept": "application/json"},
        )
        if fresh is not None and fresh.status_code == 200:
            fields.update(fresh.json())
        fields.update(
            name=f"Soak Reader {n}",
            email=f"soak-{self.run_id}-{n}@example.net",
            url="",
            comment=f"[soak {self.run_id} #{n}] " + " ".join(rng.choices(WORDS, k=rng.randint(8, 40))) + ".",
            honeypot="",
        )
        post = self.tally.request(
            browser,
            "comment: post",
            "POST",
            self.base + "/comments/post/",
            data=fields,
            headers={"Referer": self.base + article_path, "Origin": self.base},
        )
        if post is None:
            return self._comment_outcome(n, "failed")
        location = post.headers.get("Location", "")
        if post.status_code == 303 and "/comments/posted/" in location:
            self._comment_outcome(n, "accepted")
            self.tally.request(browser, "comment: outcome page", "GET", self.base + location)
        else:
            self._comment_outcome(n, f"refused {post.status_code}")

    def _comment_outcome(self, n, outcome):
        with self.lock:
            self.comments[n] = outcome

    def confirmer(self, stopping):
        """Follows every second confirmation link as the reader would: opens it and presses "Post my comment"
        (every tenth of those twice)."""
        while not (stopping.is_set() and self.sink.confirm_links.empty()):
            try:
                n, path = self.sink.confirm_links.get(timeout=0.5)
            except Empty:
                continue
            if n % 2:
                continue
            for _ in range(2 if n % 20 == 0 else 1):
                response = self.confirm(self.base + path)
                with self.lock:
                    self.confirmed[n] = response.status_code if response is not None else "failed"

    def confirm(self, url):
        session = self.session()
        page = self.tally.request(session, "confirm link", "GET", url)
        fields = dict(HIDDEN_RE.findall(page.text)) if page is not None and page.status_code == 200 else {}
        if "csrfmiddlewaretoken" not in fields:  # already confirmed (the page says so), or it failed
            return page
        headers = {"Referer": url, "Origin": self.base}
        return self.tally.request(session, "confirm: post", "POST", url, data=fields, headers=headers)

    # The editor -----------------------------------------------------------------------------------------
    def publish(self, n):
        rng = random.Random(f"publish-{n}")
        api = self.session()
        auth = {"Authorization": f"Token {self.setup['token']}"}
        draft = {
            "headline": f"Soak {self.run_id} story {n}: " + " ".join(rng.choices(WORDS, k=6)),
            "slug": f"soak-{self.run_id}-{n}",
            "dek": " ".join(rng.choices(WORDS, k=20)) + ".",
            "body": "".join(f"<p>{' '.join(rng.choices(WORDS, k=60))}.</p>" for _ in range(5)),
            "section": rng.choice(self.setup["section_slugs"]),
            "bylines": [f"reporter-{rng.randrange(100)}"],
            "tags": [f"topic-{rng.randrange(200)}", f"topic-{rng.randrange(200)}"],
        }
        draft["tags"] = sorted(set(draft["tags"]))
        created = self.tally.request(
            api, "publish: create draft", "POST", self.base + "/api/v1/articles/", json=draft, headers=auth
        )
        if created is None or created.status_code != 201:
            with self.lock:
                self.publish_failures.append((n, "create", getattr(created, "status_code", "failed")))
            return
        article_id = created.json()["id"]
        published = self.tally.request(
            api,
            "publish: publish",
            "POST",
            f"{self.base}/api/v1/articles/{article_id}/publish/",
            headers=auth,
        )
        with self.lock:
            if published is not None and published.status_code == 200:
                self.published[article_id] = urlsplit(published.json()["canonical_url"]).path
            else:
                # A publish whose answer was lost may still have happened: the checks look at the database.
                self.published[article_id] = None
                self.publish_failures.append((n, "publish", getattr(published, "status_code", "failed")))


WORDS = [
    *("harbour", "council", "ferry", "port", "cranes", "strike", "budget", "election", "housing", "energy"),
    *("wind", "farm", "rail", "station", "school", "hospital", "river", "bridge", "market", "tourism"),
    *("fishing", "storm", "coast", "museum", "festival", "court"),
]


# ---------------------------------------------------------------------------------------------------------
# After the load: drain, then check.


def wait_for_drain(options, load, sink, timeout):
    """Until no mail is unsent, no soak share is pending, the broker queue is empty and nothing moves."""
    import redis

    broker = redis.Redis.from_url(f"{options.redis}/{options.broker_db}")
    ids = list(load.published)
    deadline, quiet_since, last = time.monotonic() + timeout, None, None
    while time.monotonic() < deadline:
        unsent = psql(options, "SELECT count(*) FROM newsroom_comments_outgoingmail WHERE sent_at IS NULL")[
            0
        ][0]
        pending = psql(
            options,
            "SELECT count(*) FROM sharing_sharerecord WHERE state = 'pending' AND article_id = ANY(%s)",
            [ids],
        )[0][0]
        queued = broker.llen("celery")
        with sink.lock:
            now = (len(sink.posts), len(sink.mail), unsent, pending, queued, sink.confirm_links.qsize())
        if now == last and not (unsent or pending or queued or sink.confirm_links.qsize()):
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 5:
                return True, now
        else:
            quiet_since = None
        last = now
        time.sleep(1)
    return False, last


def check(options, load, sink, run_id):
    violations = []
    # Comments: every marker's rows in django_comments and in the pending comments not yet confirmed.
    pattern = f"[soak {run_id} #%"
    stored = Counter()
    public = {}
    for text, is_public in psql(
        options, "SELECT comment, is_public FROM django_comments WHERE comment LIKE %s", [pattern]
    ):
        n = int(MARKER_RE.match(text).group(2))
        stored[n] += 1
        public[n] = is_public
    pending = Counter(
        int(MARKER_RE.match(text).group(2))
        for (text,) in psql(
            options,
            "SELECT comment FROM newsroom_comments_pendingcomment"
            " WHERE confirmed_at IS NULL AND comment LIKE %s",
            [pattern],
        )
    )
    accepted = {n for n, outcome in load.comments.items() if outcome == "accepted"}
    refused = {n for n, outcome in load.comments.items() if outcome.startswith("refused")}
    unanswered = {n for n, outcome in load.comments.items() if outcome == "failed"}
    wrong = []
    for n in sorted(accepted):
        expected = (1, 0) if n in load.confirmed else (0, 1)  # a confirmed one is a comment, else pending
        if (stored[n], pending[n]) != expected:
            wrong.append({"comment": n, "comments": stored[n], "pending": pending[n], "expected": expected})
    for n in sorted(refused):
        if stored[n] or pending[n]:
            wrong.append({"comment": n, "refused but stored": stored[n] + pending[n]})
    unknown = (set(stored) | set(pending)) - set(load.comments)
    if wrong:
        violations.append(f"{len(wrong)} comments not stored exactly once as expected: {wrong[:5]}")
    if unknown:
        violations.append(f"{len(unknown)} stored comments that no post made: {sorted(unknown)[:5]}")
    held_public = sorted(n for n in load.confirmed if public.get(n))
    if held_public:
        # COMMENTS_HOLD_FIRST_TIME: a first comment waits for a moderator, even once confirmed.
        violations.append(f"{len(held_public)} first-time comments published without a moderator")
    bad_confirm = {n: s for n, s in load.confirmed.items() if s != 200}
    if bad_confirm:
        violations.append(
            f"{len(bad_confirm)} confirmation links did not answer 200: {list(bad_confirm.items())[:5]}"
        )

    # Mail: one confirmation per accepted comment, none for the others.
    with sink.lock:
        mail = list(sink.mail)
    per_address = Counter(recipient for recipient, subject in mail if subject.startswith("Please confirm"))
    mail_wrong = [
        (n, per_address[f"soak-{run_id}-{n}@example.net"])
        for n in sorted(load.comments)
        if per_address[f"soak-{run_id}-{n}@example.net"] != (1 if n in accepted else 0)
        and n not in unanswered
    ]
    if mail_wrong:
        violations.append(
            f"{len(mail_wrong)} commenters without exactly one confirmation mail: {mail_wrong[:5]}"
        )
    unsent = psql(
        options, "SELECT kind, count(*) FROM newsroom_comments_outgoingmail WHERE sent_at IS NULL GROUP BY 1"
    )
    if unsent:
        violations.append(f"mail left unsent: {dict(unsent)}")

    # Shares: one record per published article and account, sent, and exactly one post received for each.
    ids = list(load.published)
    records = psql(
        options,
        "SELECT r.id, r.article_id, r.account, r.state, a.status FROM sharing_sharerecord r "
        "JOIN articles_article a ON a.id = r.article_id WHERE r.article_id = ANY(%s)",
        [ids],
    )
    states = psql(options, "SELECT id, status FROM articles_article WHERE id = ANY(%s)", [ids])
    really_published = {article_id for article_id, status in states if status == "published"}
    per_article = Counter((article_id, account) for _, article_id, account, _, _ in records)
    share_wrong = [
        (article_id, account, per_article[(article_id, account)])
        for article_id in sorted(really_published)
        for account in ACCOUNTS
        if per_article[(article_id, account)] != 1
    ]
    not_sent = [
        (rid, article_id, account, state) for rid, article_id, account, state, _ in records if state != "sent"
    ]
    with sink.lock:
        posts = list(sink.posts)
    per_key = Counter(key for _, key, _ in posts)
    expected_keys = {
        f"newsroom-share-{rid}": (account, article_id) for rid, article_id, account, _, _ in records
    }
    post_wrong = [(key, per_key[key]) for key in expected_keys if per_key[key] != 1]
    stray = [key for key in per_key if key not in expected_keys]
    per_path = Counter((account, path) for account, _, path in posts)
    path_wrong = [
        (path, account, per_path[(account, path)])
        for path in filter(None, load.published.values())
        for account in ACCOUNTS
        if per_path[(account, path)] != 1
    ]
    if share_wrong:
        violations.append(
            f"{len(share_wrong)} article/account pairs without exactly one share record: {share_wrong[:5]}"
        )
    if not_sent:
        violations.append(f"{len(not_sent)} share records not sent: {not_sent[:5]}")
    if post_wrong or stray:
        violations.append(
            f"posts per share record not exactly one: {post_wrong[:5]}, stray posts: {stray[:5]}"
        )
    if path_wrong:
        violations.append(
            f"{len(path_wrong)} article/account pairs not posted exactly once: {path_wrong[:5]}"
        )

    figures = {
        "comments": {
            "attempted": len(load.comments),
            "accepted": len(accepted),
            "refused": dict(Counter(o for o in load.comments.values() if o.startswith("refused"))),
            "no_answer": len(unanswered),
            "stored_pending": sum(pending.values()),
            "stored_comments": sum(stored.values()),
            "confirm_links_opened": len(load.confirmed),
            "held_for_moderation_after_confirm": sum(1 for n in load.confirmed if public.get(n) is False),
            "wrong": len(wrong) + len(unknown),
        },
        "mail": {
            "received": len(mail),
            "confirmations": sum(per_address.values()),
            "other": len(mail) - sum(per_address.values()),
            "wrong": len(mail_wrong),
        },
        "articles": {
            "published": len(really_published),
            "publish_answered_200": sum(1 for path in load.published.values() if path),
            "publish_failures": load.publish_failures[:20],
            "share_records": len(records),
            "share_records_sent": sum(1 for r in records if r[3] == "sent"),
            "posts_received": len(posts),
            "wrong": len(share_wrong) + len(not_sent) + len(post_wrong) + len(stray) + len(path_wrong),
        },
    }
    return violations, figures


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(fraction * len(values)))] if values else None


def log_errors(logs):
    """Tracebacks and ERROR lines in the servers' logs (the client sees only statuses)."""
    found = {}
    for path in sorted(logs.glob("*.log")):
        text = path.read_text(errors="replace")
        found[path.stem] = {
            "tracebacks": text.count("Traceback (most recent call last)"),
            "error_lines": len(re.findall(r"\bERROR\b|\[CRITICAL\]", text)),
        }
    return found


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--comment-rate", type=float, default=20, help="comment posts per second")
    parser.add_argument("--publish-rate", type=float, default=1, help="articles published per second")
    parser.add_argument("--reader-rate", type=float, default=30, help="reader requests per second")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--comments", type=int, default=3000, help="comments already there")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--drain-timeout", type=int, default=600, help="seconds to wait for the queues")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--database", default="newsroom_soak")
    parser.add_argument("--cache-db", type=int, default=7, help="Redis database number for the cache")
    parser.add_argument("--broker-db", type=int, default=8, help="Redis database number for Celery")
    parser.add_argument("--port", type=int, default=8131, help="site; +1 webhook receiver, +2 SMTP sink")
    options = parser.parse_args()

    import redis

    ports = {"web": options.port, "hook": options.port + 1, "smtp": options.port + 2}
    run_id = datetime.now(UTC).strftime("%H%M%S")
    env = django_env(options, ports)
    for number in (options.cache_db, options.broker_db):
        redis.Redis.from_url(f"{options.redis}/{number}").flushdb()  # our own database numbers only
    setup = prepare_database(options, env)
    tally, sink, stopping = Tally(), Sink(), threading.Event()
    hook = webhook_server(ports["hook"], sink)
    smtp = smtp_sink(ports["smtp"], sink, run_id)
    logs = Path(tempfile.mkdtemp(prefix="newsroom-soak-"))
    processes = start_stack(options, env, ports, logs)
    load = Load(options, setup, ports, tally, sink, run_id)
    load_1 = os.getloadavg()
    try:
        log(
            f"stack up (logs in {logs}); {options.minutes:g} min of load: {options.reader_rate:g} reads/s, "
            f"{options.comment_rate:g} comments/s, {options.publish_rate:g} publishes/s"
        )
        started = time.monotonic()
        deadline = started + options.minutes * 60
        confirmers = [
            threading.Thread(target=load.confirmer, args=(stopping,), daemon=True) for _ in range(2)
        ]
        drivers = [
            threading.Thread(
                target=paced, args=(kind, rate, threads, job, deadline, tally, threading.Event())
            )
            for kind, rate, threads, job in [
                ("reader", options.reader_rate, 8, load.read),
                ("comment", options.comment_rate, 24, load.comment),
                ("publish", options.publish_rate, 3, load.publish),
            ]
        ]
        for thread in [*confirmers, *drivers]:
            thread.start()
        loads = []
        while any(thread.is_alive() for thread in drivers):
            time.sleep(5)
            loads.append(os.getloadavg()[0])
            elapsed = time.monotonic() - started
            if len(loads) % 6 == 0:
                with tally.lock:
                    done = sum(sum(c.values()) for c in tally.statuses.values())
                    bad = sum(
                        n
                        for c in tally.statuses.values()
                        for s, n in c.items()
                        if not isinstance(s, int) or s >= 500
                    )
                log(
                    f"{elapsed:5.0f} s: {done:,} requests, {bad} 5xx/errors, {len(load.comments):,} comments,"
                    f" {len(load.published)} published, load {loads[-1]:.1f}"
                )
        load_seconds = time.monotonic() - started
        log(f"load done after {load_seconds:.0f} s; waiting for the queues to drain")
        drained, last = wait_for_drain(options, load, sink, options.drain_timeout)
        stopping.set()
        for thread in confirmers:
            thread.join()
        drained2, last = wait_for_drain(options, load, sink, options.drain_timeout)  # the confirmations' work
        drain_seconds = time.monotonic() - started - load_seconds
        violations, figures = check(options, load, sink, run_id)
        if not (drained and drained2):
            violations.append(f"queues did not drain within {options.drain_timeout} s: {last}")
    finally:
        stopping.set()
        stop(processes)
        smtp.stop()
        hook.shutdown()

    statuses = {kind: dict(sorted(c.items(), key=str)) for kind, c in sorted(tally.statuses.items())}
    totals = Counter()
    for c in tally.statuses.values():
        totals.update(c)
    server_errors = sum(n for s, n in totals.items() if isinstance(s, int) and s >= 500)
    failures = sum(n for s, n in totals.items() if not isinstance(s, int))
    if server_errors:
        violations.insert(0, f"{server_errors} responses with a 5xx status")
    if failures:
        violations.insert(0, f"{failures} requests without an answer (timeouts, resets) or client errors")
    errors_in_logs = log_errors(logs)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "minutes": options.minutes,
        "load_seconds": round(load_seconds, 1),
        "drain_seconds": round(drain_seconds, 1),
        "rates_asked": {
            "reads": options.reader_rate,
            "comments": options.comment_rate,
            "publishes": options.publish_rate,
        },
        "rates_achieved": {
            "reads": round(
                sum(
                    tally.statuses[k].total()
                    for k in ("article", "home", "section", "search", "api list", "api detail")
                )
                / load_seconds,
                2,
            ),
            "comment_posts": round(tally.statuses["comment: post"].total() / load_seconds, 2),
            "publishes": round(tally.statuses["publish: publish"].total() / load_seconds, 2),
        },
        "skipped_client_busy": dict(tally.skipped),
        "articles_before": options.articles,
        "workers": options.workers,
        "celery_concurrency": options.celery_concurrency,
        "cpus": os.cpu_count(),
        "load_average": {
            "before": round(load_1[0], 2),
            "during_max": round(max(loads, default=0), 2),
            "during_mean": round(sum(loads) / max(1, len(loads)), 2),
        },
        "requests": sum(totals.values()),
        "status_totals": {str(s): n for s, n in sorted(totals.items(), key=str)},
        "statuses": {kind: {str(s): n for s, n in c.items()} for kind, c in statuses.items()},
        "latency_ms": {
            kind: {"p50": round(percentile(v, 0.5) * 1000, 1), "p99": round(percentile(v, 0.99) * 1000, 1)}
            for kind, v in sorted(tally.latency.items())
        },
        **figures,
        "server_logs": errors_in_logs,
        "violations": violations,
        "ok": not violations,
    }
    report(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"soak-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten: {path.relative_to(ROOT)}  (server logs: {logs})")
    return 0 if not violations else 1


def report(result):
    print(
        f"\nsoak: {result['load_seconds']:.0f} s of load, queues drained in {result['drain_seconds']:.0f} s,"
        f" load average up to {result['load_average']['during_max']} on {result['cpus']} CPUs"
    )
    print(
        f"achieved rates per second: {result['rates_achieved']}; dropped (client busy): "
        f"{result['skipped_client_busy']}"
    )
    print(f"\n{'requests':24} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for kind, counts in result["statuses"].items():
        latency = result["latency_ms"][kind]
        print(f"{kind:24} {latency['p50']:8.1f} {latency['p99']:8.1f}  {counts}")
    print(f"{'all':24} {'':8} {'':8}  {result['status_totals']}")
    print(f"\ncomments: {result['comments']}\nmail:     {result['mail']}\narticles: {result['articles']}")
    print(f"server logs: {result['server_logs']}")
    if result["violations"]:
        print("\nVIOLATIONS:")
        for violation in result["violations"]:
            print(f"  - {violation}")
    else:
        print(
            "\nOK: no 5xx, every accepted comment stored once, every published article shared once per"
            " account"
        )


if __name__ == "__main__":
    sys.exit(main())

"""What `make run` does, on SQLite, in a subprocess: migrate, demo content twice, logins, serve; and two
writers at once (two editors saving, or a save beside the schedule's thread) wait for each other.

Runs with the embedded defaults (no broker, no CACHE_URL, DEBUG on) and a throw-away SQLite file, so it
checks the path a new developer takes from a fresh clone, not the PostgreSQL set-up of the other tests.
"""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT, embedded_env

FIRST_SCHEDULED = "mayor-winter-transport-plan"

COUNT_SCRIPT = """
import json
from collections import Counter
from articles.models import Article, Byline, Image, RelatedArticle, Section, Tag
from authors.models import Author
print(json.dumps({
    "sections": Section.objects.count(),
    "sections_with_description": Section.objects.exclude(description="").count(),
    "authors": Author.objects.count(),
    "agencies": Author.objects.filter(kind="agency").count(),
    "authors_with_photo_and_bio": Author.objects.exclude(photo="").exclude(bio="").count(),
    "articles": Article.objects.count(),
    "with_lead_image": Article.objects.filter(lead_image__isnull=False).count(),
    "images": Image.objects.count(),
    "tags": Tag.objects.count(),
    "bylines": Byline.objects.count(),
    "related": RelatedArticle.objects.count(),
    "statuses": dict(Counter(Article.objects.values_list("status", flat=True))),
    "published_visible": Article.objects.published().count(),
    "breaking": Article.objects.filter(is_breaking=True).count(),
    "featured": Article.objects.filter(is_featured=True).count(),
    "with_correction": Article.objects.filter(corrections__isnull=False).distinct().count(),
    "with_h2_and_paragraphs": (
        Article.objects.filter(body__contains="<h2>").filter(body__contains="</p><p>").count()
    ),
}))
"""


@pytest.fixture
def run_env(tmp_path, migrated_sqlite):
    """A SQLite file migrated as `make run` migrates it (tests/conftest.py), media in a folder of its own."""
    return embedded_env(migrated_sqlite, MEDIA_ROOT=str(tmp_path / "media"), PYTHONUNBUFFERED="1")


def manage(env, *args, timeout=120) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def counts(env) -> dict:
    return json.loads(manage(env, "shell", "-v", "0", "-c", COUNT_SCRIPT).strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own local server
        return response.status, response.read().decode()


def test_make_run_sets_up_a_demo_newsroom_on_sqlite_and_serves_it(run_env, tmp_path):
    manage(run_env, "migrate", "--noinput")
    manage(run_env, "load_demo")
    first = counts(run_env)
    second_output = manage(run_env, "load_demo")
    second = counts(run_env)

    assert "0 new article(s)" in second_output
    assert second == first, "a second load_demo must add nothing"
    assert first["sections"] >= 4 and first["sections_with_description"] == first["sections"]
    assert first["authors"] >= 6 and first["agencies"] >= 1
    assert first["authors_with_photo_and_bio"] == first["authors"]
    assert first["articles"] >= 25 and first["with_lead_image"] == first["articles"]
    assert first["images"] == first["articles"]
    assert first["bylines"] > first["articles"]  # some articles have two bylines
    assert first["related"] >= first["articles"] and first["tags"] >= 8
    statuses = first["statuses"]
    assert statuses.get("published", 0) >= 15 and statuses["published"] == first["published_visible"]
    assert (
        statuses.get("scheduled", 0) >= 2 and statuses.get("review", 0) >= 1 and statuses.get("draft", 0) >= 1
    )
    assert first["breaking"] == 1 and first["featured"] >= 2 and first["with_correction"] >= 1
    assert first["with_h2_and_paragraphs"] >= 20
    media = tmp_path / "media"
    assert len(list(media.glob("images/*/*/*.jpg"))) == first["images"]
    assert list(media.glob("renditions/images/**/*.jpg")), "renditions are made when the demo is loaded"

    logins_file = tmp_path / "logins.json"
    printed = manage(run_env, "ensure_demo_logins", "--logins-file", str(logins_file))
    password = re.search(r"^\s*editor\s+password: (\S+)$", printed, re.M).group(1)
    assert json.loads(logins_file.read_text())["editor"] == password
    assert manage(run_env, "ensure_demo_logins", "--logins-file", str(logins_file)) == printed
    manage(run_env, "check")

    # The first scheduled article falls due; the periodic tasks beside the server must publish it.
    manage(
        run_env,
        "shell",
        "-c",
        "from django.utils import timezone; from articles.models import Article; "
        f"Article.objects.filter(slug={FIRST_SCHEDULED!r}).update(publish_at=timezone.now())",
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "run_with_periodic_tasks", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        home = ""
        deadline = time.monotonic() + 40
        started = time.monotonic()
        while time.monotonic() < deadline:
            try:
                status, home = fetch(f"http://127.0.0.1:{port}/")
            except urllib.error.HTTPError as error:
                pytest.fail(f"the home page answered {error.code}:\n{error.read().decode()[:2000]}")
            except OSError:  # not listening yet
                time.sleep(0.5)
                continue
            assert status == 200
            if "Mayor sets out a winter transport plan" in home:
                break
            time.sleep(1)
        print(f"scheduled article visible after {time.monotonic() - started:.1f} s")
        assert "Storm surge closes the North Basin" in home
        assert "Mayor sets out a winter transport plan" in home, "the due scheduled article was not published"
        assert "Bookshops of the Old Quay" not in home, "drafts must not be on the home page"
        status, found = fetch(f"http://127.0.0.1:{port}/search/?q=tomas")  # SQLite's match folds accents
        assert status == 200 and "articles found." in found and "Tomás Whitlock" in found
        status, login = fetch(f"http://127.0.0.1:{port}/admin/login/")
        assert status == 200 and 'name="password"' in login
        status, icon = fetch(f"http://127.0.0.1:{port}/favicon.ico")  # DEBUG's URLs too (it once was a 500)
        assert status == 200 and "<svg" in icon
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert counts(run_env)["statuses"]["published"] == statuses["published"] + 1


# Read, pause, then write, in one transaction: the pattern in which two SQLite transactions begun as
# readers deadlock when both try to write, and one of them fails at once.
SAVE_SCRIPT = """
import sys, time
from django.db import transaction
from articles.models import Section
with transaction.atomic():
    Section.objects.count()
    time.sleep(1)
    Section.objects.create(name=sys.argv[-1], slug=sys.argv[-1])
print("saved")
"""


def test_two_writers_at_once_both_save(run_env):
    writers = [
        subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "-c", f"import django; django.setup(); exec({SAVE_SCRIPT!r})", name],
            cwd=ROOT,
            env={**run_env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("desk-one", "desk-two")
    ]
    results = [writer.communicate(timeout=60) for writer in writers]

    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0 and out.strip() == "saved", err[-2000:]
    names = manage(
        run_env,
        "shell",
        "-c",
        "from articles.models import Section; print(sorted(Section.objects.values_list('slug', flat=True)))",
    )
    assert "'desk-one'" in names and "'desk-two'" in names

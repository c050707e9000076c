import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from imagekit.specs import ImageSpec

from .factories import UserFactory


def _staff(username, role):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reporter(db):
    return _staff("reporter", "Reporter")


@pytest.fixture
def other_reporter(db):
    return _staff("other_reporter", "Reporter")


@pytest.fixture
def editor(db):
    return _staff("editor", "Editor")


@pytest.fixture
def moderator(db):
    return _staff("moderator", "Moderator")


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files and renditions go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """The page and fragment caches are off unless a test asks for them (tests/speed/ does): what they keep
    in the shared cache would outlive each test's rolled-back data."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _renditions_drawn_where_looked_at(monkeypatch):
    """An image's renditions are not drawn when it is saved, a third of the time of a test that uploads
    pictures, and their addresses are still written into pages, feeds and the API as production writes them
    (imagekit's Optimistic strategy never checks that a rendition exists). The tests that look at the files
    (the browser's, tests/articles/test_images.py, the feeds' enclosure sizes) override this fixture with one
    that leaves production's strategy."""
    monkeypatch.setattr(ImageSpec, "cachefile_strategy", {"should_verify_existence": lambda file: False})


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Argon2 (the production hasher) costs a quarter of a second a hash; tests not about passwords use MD5
    (tests/security/test_logins.py checks Argon2 with the real setting)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_site_limits(settings):
    """The search, data-request and comment rate limits count in the shared cache across tests; a test of
    one sets a low rate and its own scope (tests/security/, tests/comments/test_email_privacy.py)."""
    settings.SEARCH_RATE = "100000/minute"
    settings.COMMENTS_DATA_REQUEST_RATE = "100000/minute"
    # Comment posts per address, the API's and the site form's alike (tests/api/test_post_comments.py and
    # tests/comments/test_posting.py set a low one).
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "comments": "100000/minute"},
    }


@pytest.fixture
def wsgi_in_test_transaction():
    """The site's WSGI application called directly, inside the test's transaction: Django would otherwise
    close the test's database connection at the start and end of every request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


ROOT = Path(__file__).resolve().parent.parent


def embedded_env(database: Path, **extra) -> dict:
    """The environment of `make run`'s embedded defaults (DEBUG on, no broker, no CACHE_URL) on a SQLite file,
    for the tests that run manage.py or make in a subprocess."""
    left_out = {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in left_out and k != "MAKEFLAGS"}
    return env | {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"} | extra


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    subprocess.run(  # noqa: S603 - this project's interpreter, fixed arguments
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=embedded_env(database), capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return database


@pytest.fixture
def migrated_sqlite(_migrated_sqlite_template, tmp_path) -> Path:
    """A SQLite file with every migration applied, this test's own: migrating one from nothing takes 8 s
    here, so it is done once a session and copied."""
    database = tmp_path / "newsroom.sqlite3"
    shutil.copyfile(_migrated_sqlite_template, database)
    return database

"""Real Chromium through Playwright against pytest-django's live server.

Debian's Chromium is used (`playwright install` cannot download browsers here); `make test` installs it
when it is missing. Where it cannot be installed, these tests skip and say why.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.site_data import fresh_cache  # noqa: F401 - fixture

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = (
    Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parents[2] / "test-output"))
    / "screenshots"
)
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(autouse=True)
def _renditions_drawn_where_looked_at():
    """The browser loads the pictures: renditions are drawn when an image is saved, as in production."""


@pytest.fixture(scope="session")
def chromium(django_db_setup):
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} and could not be installed here "
            "(make test runs `apt-get install chromium` when apt is available)."
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
    )
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    before = _serialized_contents()
    with sync_api.sync_playwright() as playwright:
        _keep_serialized_contents(before)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _serialized_contents() -> dict:
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def _keep_serialized_contents(contents: dict) -> None:
    """Playwright's sync API runs an event loop in this thread, so asgiref's Local, and with it Django's
    `connections`, hands out new connection objects from here on. The test database's serialized contents
    (what a serialized rollback restores: the roles that migrations made) were kept on the old ones; without
    this, a browser test that ran after any other test flushed the roles away for the tests after it."""
    from django.db import connections

    for alias, serialized in contents.items():
        connections[alias]._test_serialized_contents = serialized


@pytest.fixture
def site(settings, live_server, transactional_db, django_db_serialized_rollback, fresh_cache):  # noqa: F811
    """The live site, with uploaded images served, at its public address.

    Serialized rollback: the live server needs committed rows, and the flush after each test must not
    take the rows that migrations made (the roles) from the tests that run after it."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture(params=list(VIEWPORTS))
def reader(request, chromium, site):
    """A browser tab on a desktop or a phone that refuses to talk to any host but the live server."""
    context = chromium.new_context(**VIEWPORTS[request.param])
    outside = []
    local = urlsplit(site.url).hostname

    def only_local(route):
        host = urlsplit(route.request.url).hostname
        if host in (local, "localhost", "127.0.0.1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    errors = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.viewport_name = request.param
    tab.outside_requests = outside
    tab.console_errors = errors
    yield tab
    context.close()


def screenshot(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{tab.viewport_name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path

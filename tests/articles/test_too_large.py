"""A form or upload over the size limits is refused unread with a 413 that says so; nothing is saved."""

import pytest

from articles.models import Article
from tests.site_data import page

pytestmark = pytest.mark.django_db


def test_an_admin_form_over_the_limit_is_a_413_page_and_saves_nothing(client_as, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    client = client_as(editor)
    client.raise_request_exception = False
    body = "<p>" + "The harbour board met again. " * 80_000 + "</p>"  # about 2.3 MB

    response = client.post("/admin/articles/article/add/", {"headline": "Too long to send", "body": body})

    assert response.status_code == 413
    soup = page(response)
    assert soup.find("h1").get_text() == "That was too large to send"
    message = soup.select_one(".error-page").get_text(" ", strip=True)
    assert "more than the site takes in one go (2 MB of text" in message
    assert "Nothing was read and nothing was saved" in message
    assert "no-store" in response["Cache-Control"]
    assert not Article.objects.exists()


def test_a_request_django_cannot_read_is_a_400_page(client, plain_newsroom):
    client.raise_request_exception = False

    response = client.get("/", HTTP_HOST="bad host with spaces")

    assert response.status_code == 400
    soup = page(response)
    assert soup.find("h1").get_text() == "We could not understand that request"
    assert "Nothing was saved" in soup.select_one(".error-page").get_text()

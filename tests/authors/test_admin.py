"""The author form in the admin."""

import pytest
from django.urls import reverse

from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def test_an_author_website_typed_without_a_scheme_is_saved_as_https(client_as, editor):
    author = AuthorFactory(display_name="Helena Brandt", slug="helena-brandt", website="")
    data = {
        "display_name": "Helena Brandt",
        "slug": "helena-brandt",
        "kind": "staff",
        "website": "helena.example.org",
    }

    response = client_as(editor).post(reverse("admin:authors_author_change", args=[author.pk]), data)

    assert response.status_code == 302
    author.refresh_from_db()
    assert author.website == "https://helena.example.org"

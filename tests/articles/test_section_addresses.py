import pytest
from django.core.exceptions import ValidationError

from articles.models import Section

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["search", "tag", "feed", "authors", "Admin"])
def test_a_section_cannot_take_an_address_the_site_answers_itself(slug):
    with pytest.raises(ValidationError) as caught:
        Section(name="Search desk", slug=slug).full_clean()

    assert "already an address of the site's own pages" in str(caught.value.message_dict["slug"])


def test_an_ordinary_section_address_is_accepted(client, fresh_cache):
    section = Section(name="Culture", slug="culture")
    section.full_clean()
    section.save()

    response = client.get("/culture/")

    assert response.status_code == 200
    assert "Culture" in response.content.decode()


@pytest.mark.parametrize("model", ["section", "tag"])
def test_section_and_tag_addresses_are_lower_case_in_the_admin(client_as, editor, model):
    from articles.models import Tag

    response = client_as(editor).post(f"/admin/articles/{model}/add/", {"name": "Ferries", "slug": "Ferries"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Use lower-case letters, numbers, hyphens or underscores only."
    ]
    assert not {"section": Section, "tag": Tag}[model].objects.filter(name="Ferries").exists()

"""/authors/: everyone with a published story, staff first, then contributors and agencies."""

import pytest

from articles import services
from authors.models import Author
from newsroom import page_cache
from tests.factories import ArticleFactory, AuthorFactory, uploaded_image
from tests.site_data import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(fresh_cache):
    lena = AuthorFactory(
        display_name="Lena Ortiz",
        job_title="Science reporter",
        photo=uploaded_image("lena.jpg", width=600, height=800),
        contact_email="lena.private@desk.example",
    )
    ben = AuthorFactory(display_name="Ben Achebe", job_title="Courts reporter")
    guest = AuthorFactory(display_name="Ines Varga", kind=Author.Kind.CONTRIBUTOR, job_title="")
    wire = AuthorFactory(
        display_name="Coastal Press Agency", kind=Author.Kind.AGENCY, job_title="Wire service"
    )
    hidden = AuthorFactory(display_name="Quentin Draftsworth")  # only a draft so far
    for author in (lena, ben, guest, wire):
        ArticleFactory(published=True, authors=[author])
    ArticleFactory(authors=[hidden])
    return {"lena": lena, "ben": ben, "guest": guest, "wire": wire, "hidden": hidden}


def directory(response):
    soup = page(response)
    return {
        group.find("h2").get_text(): [
            (link.get_text(), link["href"], (item.select_one(".job-title") or link).get_text())
            for item in group.select("li")
            for link in [item.find("a")]
        ]
        for group in soup.select("section.author-group")
    }


def test_everyone_with_a_published_story_by_kind_then_name(client, people):
    response = client.get("/authors/")

    assert response.status_code == 200
    assert directory(response) == {
        "Staff": [
            ("Ben Achebe", people["ben"].get_absolute_url(), "Courts reporter"),
            ("Lena Ortiz", people["lena"].get_absolute_url(), "Science reporter"),
        ],
        "Contributors": [("Ines Varga", people["guest"].get_absolute_url(), "Ines Varga")],
        "Agencies": [("Coastal Press Agency", people["wire"].get_absolute_url(), "Wire service")],
    }
    html = response.content.decode()
    assert "Quentin Draftsworth" not in html and "lena.private@desk.example" not in html
    photo = page(response).select_one("img.author-photo")
    assert photo["src"].startswith("/media/renditions/") and photo["alt"] == ""
    assert '<a href="/authors/">Our journalists</a>' in client.get("/").content.decode()


def test_the_directory_follows_publishing_and_renaming_through_the_cache(client, people, editor, settings):
    settings.PAGE_CACHE_SECONDS = 600
    page_cache._local.clear()
    assert client.get("/authors/").status_code == 200
    assert client.get("/authors/")["X-Page-Cache"] == "hit"

    draft = people["hidden"].bylines.get().article
    services.publish_article(article=draft, by=editor)
    assert "Quentin Draftsworth" in client.get("/authors/").content.decode()

    people["ben"].display_name = "Benedict Achebe"
    people["ben"].save()
    staff = directory(client.get("/authors/"))["Staff"]
    assert [name for name, _, _ in staff] == ["Benedict Achebe", "Lena Ortiz", "Quentin Draftsworth"]


def test_an_empty_newsroom_says_so(client, fresh_cache):
    AuthorFactory(display_name="Nobody Yet")
    response = client.get("/authors/")
    assert response.status_code == 200
    assert "No stories are published yet." in response.content.decode()
    assert "Nobody Yet" not in response.content.decode()

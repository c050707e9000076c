import pytest

from tests.factories import ArticleFactory, AuthorFactory, uploaded_image
from tests.site_data import page, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(fresh_cache):
    return AuthorFactory(
        display_name="Lena Ortiz",
        slug="lena-ortiz",
        job_title="Science reporter",
        bio="Lena covers climate and energy.\n\nShe joined in 2019.",
        photo=uploaded_image("lena.jpg", width=600, height=800),
        x_handle="lenaortiz",
        mastodon_handle="@lena@mastodon.example",
        bluesky_handle="lena.bsky.social",
        website="https://lena.example.org/",
        contact_email="lena.private@desk.example",
    )


def test_author_page_shows_bio_photo_job_title_and_public_handles(client, author):
    ArticleFactory(published=True, authors=[author])
    response = client.get("/authors/lena-ortiz/")

    assert response.status_code == 200
    soup = page(response)
    assert soup.find("h1").get_text() == "Lena Ortiz"
    assert soup.select_one(".job-title").get_text() == "Science reporter"
    assert [p.get_text() for p in soup.select(".author-bio p")] == [
        "Lena covers climate and energy.",
        "She joined in 2019.",
    ]
    photo = soup.select_one("img.author-photo")
    assert photo["src"].startswith("/media/") and photo["alt"] == "Portrait of Lena Ortiz"
    assert [a["href"] for a in soup.select(".author-links a")] == [
        "https://x.com/lenaortiz",
        "https://mastodon.example/@lena",
        "https://bsky.app/profile/lena.bsky.social",
        "https://lena.example.org/",
    ]


def test_author_page_never_shows_the_private_contact_email(client, author):
    ArticleFactory(published=True, authors=[author])

    body = client.get("/authors/lena-ortiz/").content.decode()

    assert "lena.private@desk.example" not in body
    assert "desk.example" not in body
    assert "mailto:" not in body


def test_author_page_lists_only_their_published_articles(client, author):
    other = AuthorFactory()
    theirs = ArticleFactory(published=True, authors=[author, other], headline="Wind farm doubles output")
    ArticleFactory(published=True, authors=[other], headline="Someone else's story")
    for state in ("in_review", "scheduled", "unpublished"):
        ArticleFactory(**{state: True}, authors=[author], headline=f"Hidden {state} story")
    ArticleFactory(authors=[author], headline="Hidden draft story")

    response = client.get("/authors/lena-ortiz/")

    headlines = [a.get_text(strip=True) for a in page(response).select(".article-list .card-headline a")]
    assert headlines == [theirs.headline]
    assert "Hidden" not in text_of(response)


def test_author_page_is_paginated(client, author):
    ArticleFactory.create_batch(21, published=True, authors=[author])

    first, second = client.get("/authors/lena-ortiz/"), client.get("/authors/lena-ortiz/?page=2")

    assert len(page(first).select(".article-list > li")) == 20
    assert len(page(second).select(".article-list > li")) == 1
    assert client.get("/authors/lena-ortiz/?page=3").status_code == 404


def test_an_author_on_no_published_story_has_no_page_yet(client, author):
    """As in the directory: a page for someone writing only drafts could give away the story."""
    ArticleFactory(authors=[author], headline="Not out yet")
    response = client.get("/authors/lena-ortiz/")

    assert response.status_code == 404
    assert "Lena Ortiz" not in response.content.decode()
    ArticleFactory(published=True, authors=[author])
    assert client.get("/authors/lena-ortiz/").status_code == 200


@pytest.mark.parametrize("path", ["/authors/nobody/", "/authors/NOPE!/", "/authors/lena-ortiz/?page=abc"])
def test_unknown_authors_and_bad_pages_are_not_found(client, author, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "couldn’t find that page" in response.content.decode()


def test_handles_that_are_not_well_formed_are_left_out(client, fresh_cache):
    odd = AuthorFactory(
        slug="odd", mastodon_handle="not-a-handle", x_handle="", bluesky_handle="", website=""
    )
    ArticleFactory(published=True, authors=[odd])

    response = client.get("/authors/odd/")

    assert response.status_code == 200
    assert page(response).select(".author-links a") == []


def test_a_website_that_is_not_a_web_address_is_not_linked(client, fresh_cache):
    from authors.models import Author

    author = AuthorFactory(slug="odd-site")
    Author.objects.filter(pk=author.pk).update(website="javascript:alert(1)")  # bypassing form validation

    body = client.get("/authors/odd-site/").content.decode()

    assert "javascript:" not in body


def test_an_agency_s_picture_is_described_as_its_logo(client, fresh_cache):
    from authors.models import Author

    agency = AuthorFactory(
        display_name="Coastal Press Agency",
        slug="coastal-press",
        kind=Author.Kind.AGENCY,
        photo=uploaded_image("logo.png", width=400, height=400),
    )
    ArticleFactory(published=True, authors=[agency])
    photo = page(client.get("/authors/coastal-press/")).select_one("img.author-photo")
    assert photo["alt"] == "Logo of Coastal Press Agency"

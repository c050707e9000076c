import pytest
from django.core.exceptions import ValidationError

from articles.models import Section

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["search", "tag", "feed", "authors", "Admin"])
def test_a_section_cannot_take_an_address_the_site_answers_itself(slug):
    with pytest.raises(ValidationError) as caught:
        Section(name="Search desk", slug=slug).full_clean()

    assert "already an address of the site's own pages" in str(caught.value.message_dict["slug"])


@pytest.mark.parametrize("model", ["article", "section", "tag"])
def test_a_slug_that_is_no_slug_at_all_is_refused_once_with_the_lower_case_rule(model):
    """Django's "Enter a valid “slug”…" beside ours said the same mistake twice, and only ours was true."""
    from articles.models import Article, Tag

    row = {"article": Article, "section": Section, "tag": Tag}[model](slug="bad slug!")

    with pytest.raises(ValidationError) as caught:
        row.full_clean()

    assert caught.value.message_dict["slug"] == [
        "Use lower-case letters, numbers, hyphens or underscores only."
    ]


def test_an_ordinary_section_address_is_accepted(client, fresh_cache):
    from tests.factories import ArticleFactory

    section = Section(name="Culture", slug="culture")
    section.full_clean()
    section.save()
    ArticleFactory(published=True, section=section)  # its page opens with its first story

    response = client.get("/culture/")

    assert response.status_code == 200
    assert "Culture" in response.content.decode()


@pytest.mark.parametrize("slug", ["Ferries", "bad slug!"])
@pytest.mark.parametrize("model", ["section", "tag"])
def test_section_and_tag_addresses_are_lower_case_in_the_admin(client_as, editor, model, slug):
    """One message for one mistake, and the one that gives the rule: Django's own ("letters, numbers,
    underscores or hyphens") was all a slug with a space got, and it let editors think capitals would do."""
    from articles.models import Tag

    response = client_as(editor).post(f"/admin/articles/{model}/add/", {"name": "Ferries", "slug": slug})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Use lower-case letters, numbers, hyphens or underscores only."
    ]
    assert not {"section": Section, "tag": Tag}[model].objects.filter(name="Ferries").exists()


def test_a_renamed_section_s_old_pages_and_feeds_answer_301_to_the_new_ones(
    client, client_as, editor, fresh_cache
):
    from django.test import Client

    from tests.factories import ArticleFactory

    section = Section.objects.create(name="Sport", slug="sport")
    story = ArticleFactory(published=True, section=section, headline="Harbour regatta")
    admin = client_as(editor)

    def rename(slug):
        response = admin.post(
            f"/admin/articles/section/{section.pk}/change/",
            {"name": "Sport", "slug": slug, "description": "", "position": 0},
        )
        assert response.status_code == 302, response.context["adminform"].form.errors

    rename("sports")
    client = Client()  # a reader
    for old, new in [
        ("/sport/", "/sports/"),
        ("/sport/feed/", "/sports/feed/"),
        ("/sport/feed/atom/", "/sports/feed/atom/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert "Harbour regatta" in client.get(new).content.decode()

    rename("games")  # the first old address goes straight to the newest, not through a chain
    assert client.get("/sport/")["Location"] == "/games/"
    assert client.get("/sports/")["Location"] == "/games/"
    rename("sport")  # and back: the old address is the section's own page again
    assert client.get("/sport/").status_code == 200
    assert client.get("/games/")["Location"] == "/sport/"
    assert story.get_absolute_url().startswith("/sport/")


def test_a_renamed_tag_and_author_keep_their_old_addresses(client, fresh_cache):
    from articles.models import Tag
    from tests.factories import ArticleFactory, AuthorFactory

    tag, author = Tag.objects.create(name="Ferries", slug="ferries"), AuthorFactory(slug="marta")
    ArticleFactory(published=True, tags=[tag], authors=[author])
    tag.slug, author.slug = "ferry-service", "marta-quillon"
    tag.save()
    author.save()

    assert client.get("/tag/ferries/")["Location"] == "/tag/ferry-service/"
    assert client.get("/tag/ferries/feed/atom/")["Location"] == "/tag/ferry-service/feed/atom/"
    assert client.get("/authors/marta/")["Location"] == "/authors/marta-quillon/"
    assert client.get("/authors/marta/feed/")["Location"] == "/authors/marta-quillon/feed/"
    assert client.get("/authors/nobody/").status_code == 404


def test_an_old_address_keeps_its_query_and_may_be_cached_for_a_day_only(client, fresh_cache):
    from tests.factories import ArticleFactory

    section = Section.objects.create(name="Sport", slug="sport")
    ArticleFactory(published=True, section=section)
    section.slug = "sports"
    section.save()

    response = client.get("/sport/?page=2&utm_source=feed")

    assert (response.status_code, response["Location"]) == (301, "/sports/?page=2&utm_source=feed")
    assert response["Cache-Control"] == "public, max-age=86400"  # renaming back must not loop in browsers


def test_a_renamed_tag_or_author_on_drafts_only_gives_nothing_away(client, fresh_cache):
    """Their pages are 404s so as not to name a story before it runs; their old addresses stay 404s, not
    301s whose Location would tell the new slug. Once a story with them is out, the old address leads on."""
    from articles.models import Tag
    from tests.factories import ArticleFactory, AuthorFactory

    tag, author = Tag.objects.create(name="Council", slug="council"), AuthorFactory(slug="guest")
    draft = ArticleFactory(tags=[tag], authors=[author])
    tag.slug, author.slug = "council-leader-resigns", "guest-writer"
    tag.save()
    author.save()

    for old in ("/tag/council/", "/tag/council/feed/", "/authors/guest/", "/authors/guest/feed/atom/"):
        response = client.get(old)
        assert response.status_code == 404 and "council-leader" not in response.get("Location", ""), old

    draft.status, draft.published_at = "published", draft.created_at
    draft.save()
    assert client.get("/tag/council/")["Location"] == "/tag/council-leader-resigns/"
    assert client.get("/authors/guest/")["Location"] == "/authors/guest-writer/"

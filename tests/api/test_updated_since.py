"""`articles/?updated_since=` lists an article whose answer changed because of a row it shows (its section,
a tag, its lead image, an author of its bylines), so an app that syncs with it fetches it again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def changed_since(api, moment):
    since = moment.isoformat().replace("+00:00", "Z")
    response = api.get("/api/v1/articles/", {"updated_since": since})
    assert response.status_code == 200
    return [entry["id"] for entry in response.json()["results"]]


@pytest.fixture
def synced(api):
    """A published article showing a section, tag, image and author, last changed a day ago; another not."""
    shown = {
        "section": SectionFactory(name="City"),
        "tag": TagFactory(name="Ferries"),
        "image": ImageFactory(caption="Cranes."),
        "author": AuthorFactory(display_name="Ada Lin"),
    }
    article = ArticleFactory(
        published=True,
        section=shown["section"],
        tags=[shown["tag"]],
        lead_image=shown["image"],
        authors=[shown["author"]],
    )
    ArticleFactory(published=True)
    Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
    last_sync = timezone.now() - timedelta(minutes=1)
    assert changed_since(api, last_sync) == []
    return article, shown, last_sync


def test_an_edited_lead_image_caption_lists_the_article(api, api_as, editor, synced):
    article, shown, last_sync = synced

    response = api_as(editor).patch(f"/api/v1/images/{shown['image'].pk}/", {"caption": "Cranes at dawn."})

    assert response.status_code == 200
    assert changed_since(api, last_sync) == [article.pk]
    assert api.get(f"/api/v1/articles/{article.pk}/").json()["lead_image"]["caption"] == "Cranes at dawn."


@pytest.mark.parametrize(
    ("row", "field", "value"),
    [("section", "name", "City & Harbour"), ("tag", "name", "Ferry"), ("author", "display_name", "Ada Oak")],
)
def test_a_renamed_section_tag_or_author_lists_its_articles(api, synced, row, field, value):
    article, shown, last_sync = synced
    version = Article.objects.get(pk=article.pk).version
    setattr(shown[row], field, value)

    shown[row].save()

    assert changed_since(api, last_sync) == [article.pk]
    assert Article.objects.get(pk=article.pk).version == version  # no one edited the story itself


@pytest.mark.parametrize(
    ("row", "field", "value"),
    [
        ("section", "position", 7),
        ("section", "description", "Streets and the council."),
        ("author", "bio", "Covers the harbour."),
        ("tag", "name", "Ferries"),  # saved as it was
    ],
)
def test_a_save_that_changes_nothing_articles_show_lists_none(api, synced, row, field, value):
    _, shown, last_sync = synced
    setattr(shown[row], field, value)

    shown[row].save()

    assert changed_since(api, last_sync) == []


def test_a_deleted_tag_lists_the_articles_that_showed_it(api, client_as, editor, synced):
    """Deleting a tag takes it off its articles' answers: the rows tying them to it went without a change to
    the articles, so an app that synced kept showing a tag that no longer exists."""
    article, shown, last_sync = synced

    response = client_as(editor).post(
        reverse("admin:articles_tag_delete", args=[shown["tag"].pk]), {"post": "yes"}
    )

    assert response.status_code == 302 and not Tag.objects.filter(pk=shown["tag"].pk).exists()
    assert changed_since(api, last_sync) == [article.pk]
    assert api.get(f"/api/v1/articles/{article.pk}/").json()["tags"] == []

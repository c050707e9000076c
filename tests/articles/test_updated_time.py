"""Readers are told a story was "Updated" when what they read changed (its words, picture, section, a
correction), not when the row did: closing comments, the featured and breaking flags or sharing settings
change `updated_at` (API clients syncing by `updated_since` need those) but not `revised_at`."""

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article
from articles.templatetags.newsroom_site import iso_time
from tests.factories import ArticleFactory
from tests.site_data import page

from .admin_forms import add_inline_rows, form_data

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def story(fresh_cache):
    """A story that went out two days ago and has not changed since."""
    article = ArticleFactory(published=True, headline="Night ferry to run all winter")
    two_days_ago = timezone.now() - timedelta(days=2)
    Article.objects.filter(pk=article.pk).update(
        published_at=two_days_ago, first_published_at=two_days_ago, updated_at=two_days_ago,
        revised_at=two_days_ago,
    )  # fmt: skip
    article.refresh_from_db()
    return article


def what_readers_see(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = page(response)
    json_ld = json.loads(html.select_one('script[type="application/ld+json"]').string)
    atom = client.get("/feed/atom/")
    feed = ElementTree.fromstring(atom.content)  # noqa: S314 - our own output
    entry = next(e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == article.headline)
    return {
        "updated_label": " ".join(html.select_one(".story-meta .dates").get_text().split()),
        "dateModified": json_ld["dateModified"],
        "feed_updated": entry.findtext(f"{ATOM}updated"),
        # Both rendered anew after a save (not a cached copy that would hide a change).
        "served": (response.get("X-Page-Cache"), atom.get("X-Page-Cache")),
    }


def edit_in_admin(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data), data


@pytest.mark.parametrize(
    "changes",
    [{"comments_enabled": ""}, {"is_featured": "on"}, {"is_breaking": "on"}, {"share_on_publish": ""}],
    ids=["comments-closed", "featured", "breaking", "sharing"],
)
def test_settings_that_readers_do_not_read_leave_the_story_not_updated(
    client, client_as, editor, story, changes
):
    before = what_readers_see(client, story)
    assert "Updated" not in before["updated_label"] and before["dateModified"] == iso_time(story.published_at)

    response, _ = edit_in_admin(client_as(editor), story, **changes)

    assert response.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert saved.updated_at > story.updated_at and saved.revised_at == story.revised_at
    client.logout()
    assert what_readers_see(client, saved) == before


def test_a_changed_headline_marks_the_story_updated_everywhere_readers_look(client, client_as, editor, story):
    response, _ = edit_in_admin(
        client_as(editor), story, headline="Night ferry to run all winter, and spring"
    )

    assert response.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert saved.revised_at > story.revised_at
    client.logout()
    seen = what_readers_see(client, saved)
    shown = timezone.localtime(saved.revised_at)
    assert seen["updated_label"].endswith(f"Updated {shown:%-d %B %Y, %H:%M} {shown.tzname()}")
    assert seen["dateModified"] == iso_time(saved.revised_at)
    assert seen["feed_updated"] == saved.revised_at.isoformat()


def test_a_correction_in_the_admin_or_the_api_marks_the_story_updated(client, client_as, editor, story):
    admin = client_as(editor)
    url = reverse("admin:articles_article_change", args=[story.pk])
    data = add_inline_rows(
        form_data(admin.get(url)), "corrections", [{"kind": "correction", "note": "90 m."}]
    )
    assert admin.post(url, data).status_code == 302
    corrected = Article.objects.get(pk=story.pk)
    assert corrected.revised_at == corrected.corrections.get().noted_at

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    version = api.get(f"/api/v1/articles/{story.pk}/").json()["version"]
    response = api.post(
        f"/api/v1/articles/{story.pk}/corrections/",
        {"kind": "update", "note": "The ferry also stops at Holm."},
        format="json",
        HTTP_IF_MATCH=f'"v{version}"',
    )
    assert response.status_code == 201, response.content
    updated = Article.objects.get(pk=story.pk)
    assert updated.revised_at == updated.corrections.order_by("noted_at").last().noted_at
    assert updated.revised_at > corrected.revised_at


def test_a_body_loaded_only_when_first_used_counts_as_read(story):
    """Saving compares with what this instance last read from the database, a deferred field included."""
    deferred = Article.objects.defer("body").get(pk=story.pk)
    deferred.body = deferred.body + "<p>A late paragraph on the winter timetable.</p>"
    deferred.save()
    assert Article.objects.get(pk=story.pk).revised_at > story.revised_at  # the new paragraph is an update


def test_a_row_read_again_counts_as_read(story):
    """refresh_from_db() after someone else's edit: what this instance holds now is what readers read."""
    first_read = Article.objects.get(pk=story.pk)
    Article.objects.filter(pk=story.pk).update(
        headline="Night ferry to run all winter, says council", revised_at=story.revised_at
    )
    first_read.refresh_from_db()
    first_read.is_featured = True
    first_read.save()  # the headline it now holds is the one in the row: no change of its own to readers
    assert Article.objects.get(pk=story.pk).revised_at == story.revised_at

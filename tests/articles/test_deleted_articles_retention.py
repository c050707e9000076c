"""A deleted story can be recovered for DELETED_ARTICLES_KEPT_DAYS; then the nightly task forgets it: its
versions (with the bylines and corrections saved in them) and the workflow events, editorial notes and old
addresses kept through its deletion for its recovery. They stayed for good."""

import json
from datetime import timedelta

import pytest
import reversion
from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles import services, tasks
from articles.models import Article, ArticleRedirect, Byline, Correction, EditorialNote, WorkflowEvent
from newsroom.formats import moment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

KEPT = (WorkflowEvent, EditorialNote, ArticleRedirect)


def story(editor, headline):
    """A story that ran and was withdrawn: a byline, a correction, a workflow event with its revision, an
    editorial note and an old address."""
    article = ArticleFactory(headline=headline, published=True)
    Correction.objects.create(article=article, note="A name was misspelt.")
    services.unpublish_article(article=article, by=editor)
    EditorialNote.objects.create(article=article, text=f"About {headline}.", written_by=editor)
    ArticleRedirect.objects.create(article=article, old_path=f"/city/2026/01/02/{article.slug}-before/")
    return article


def delete(article, *, by) -> None:
    """As the admin and the API delete, through a copy: `article` keeps its id for the test to look at."""
    services.delete_article(article=Article.objects.get(pk=article.pk), by=by)


def versions_of(*rows):
    """(model name, id) of every version stored of these rows."""
    found = Version.objects.none()
    for row in rows:
        found |= Version.objects.get_for_object(row)
    return {(version.content_type.model, version.object_id) for version in found}


def kept(article) -> list[int]:
    return [model.objects.filter(article_id=article.pk).count() for model in KEPT]


def dated(article, *, saved_days_ago: int, deleted_days_ago: int | None = None) -> None:
    """Move the story's saves (its revisions) and its deletion (the admin's log) back in time."""
    now = timezone.now()
    revisions = Version.objects.get_for_object(article).values("revision")
    Revision.objects.filter(pk__in=revisions).update(date_created=now - timedelta(days=saved_days_ago))
    if deleted_days_ago is not None:
        LogEntry.objects.filter(object_id=str(article.pk), action_flag=DELETION).update(
            action_time=now - timedelta(days=deleted_days_ago)
        )


def test_a_story_deleted_longer_ago_than_the_period_is_forgotten_and_a_recent_one_kept(client_as, editor):
    old, recent, living = (story(editor, h) for h in ("Old pier plan", "Ferry strike", "Harbour choir"))
    old_rows = [old, old.bylines.get(), old.corrections.get()]
    old_revisions = set(Version.objects.get_for_object(old).values_list("revision", flat=True))
    recent_rows = [recent, recent.bylines.get()]
    recent_versions, living_versions = versions_of(*recent_rows), versions_of(living)
    for article in (old, recent):
        delete(article, by=editor)
    dated(old, saved_days_ago=100, deleted_days_ago=91)
    dated(recent, saved_days_ago=100, deleted_days_ago=89)
    assert kept(old) == [1, 1, 1] and len(versions_of(*old_rows)) == 3

    assert tasks.forget_long_deleted_articles.delay().get() == 1

    assert kept(old) == [0, 0, 0]
    assert versions_of(*old_rows) == set()  # the story's, its byline's and its correction's
    assert not Revision.objects.filter(pk__in=old_revisions).exists()
    assert kept(recent) == [1, 1, 1] and versions_of(*recent_rows) == recent_versions
    assert versions_of(living) == living_versions
    # The admin's log of who deleted it, and when, stays.
    assert LogEntry.objects.filter(object_id=str(old.pk), action_flag=DELETION).count() == 1
    listed = client_as(editor).get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "Ferry strike" in listed and "Old pier plan" not in listed
    assert settings.CELERY_BEAT_SCHEDULE["deleted-articles-retention"]["task"] == (
        tasks.forget_long_deleted_articles.name
    )


def test_a_revision_shared_with_another_story_keeps_that_story_s_versions(editor):
    """Bulk actions saved their stories in one revision until migration 0028 split them; should a revision
    hold two stories still, deleting it would take the other story's versions with it, and restoring it
    would bring the forgotten story back."""
    gone, stays = story(editor, "Old pier plan"), story(editor, "Harbour choir")
    with reversion.create_revision():
        reversion.add_to_revision(gone)
        reversion.add_to_revision(stays)
    shared = Revision.objects.latest("pk")
    gone_rows = [gone, gone.bylines.get(), gone.corrections.get()]
    delete(gone, by=editor)
    dated(gone, saved_days_ago=100, deleted_days_ago=91)

    assert services.forget_long_deleted_articles() == 1

    in_shared = {(v.content_type.model, v.object_id) for v in shared.version_set.all()}
    stays_rows = [stays, stays.bylines.get(), stays.corrections.get()]
    assert in_shared == {(type(row)._meta.model_name, str(row.pk)) for row in stays_rows}
    assert versions_of(*gone_rows) == set()
    shared.revert()  # the other story's restore
    assert not Article.objects.filter(pk=gone.pk).exists()
    assert not Byline.objects.filter(pk=gone_rows[1].pk).exists()


def test_the_deletion_counts_from_the_admin_s_log_or_for_a_script_s_from_the_last_save(editor):
    """The admin, its bulk action and the API log a deletion; a script leaves no entry, so the story's last
    save, the latest moment known before it, counts: never kept longer than the period."""
    logged_lately = story(editor, "Saved long ago, deleted lately")
    delete(logged_lately, by=editor)
    dated(logged_lately, saved_days_ago=200, deleted_days_ago=10)
    by_script_long_ago, by_script_lately = story(editor, "Script, old"), story(editor, "Script, recent")
    Article.objects.filter(pk__in=[by_script_long_ago.pk, by_script_lately.pk]).delete()
    dated(by_script_long_ago, saved_days_ago=91)
    dated(by_script_lately, saved_days_ago=10)

    assert services.forget_long_deleted_articles() == 1

    assert kept(by_script_long_ago) == [0, 0, 0]
    assert kept(logged_lately) == [1, 1, 1] and kept(by_script_lately) == [1, 1, 1]


def test_run_again_it_finds_nothing_and_its_queries_do_not_grow_with_the_stories(editor):
    def forget(number: int) -> int:
        stories = [story(editor, f"Story {n} of {number}") for n in range(number)]
        for article in stories:
            delete(article, by=editor)
            dated(article, saved_days_ago=100, deleted_days_ago=91)
        with CaptureQueriesContext(connection) as queries:
            assert services.forget_long_deleted_articles() == number
        return len(queries)

    assert forget(1) == forget(4)
    with CaptureQueriesContext(connection) as queries:
        assert services.forget_long_deleted_articles() == 0
    assert len(queries) == 1  # no deleted story left: no need to ask the log when they were deleted


def test_the_recover_page_says_how_long_a_deleted_story_can_be_recovered(client_as, editor, settings):
    settings.DELETED_ARTICLES_KEPT_DAYS = 30
    article = story(editor, "Ferry strike")
    delete(article, by=editor)
    deleted_at = LogEntry.objects.get(object_id=str(article.pk), action_flag=DELETION).action_time

    page = client_as(editor).get(reverse("admin:articles_article_recoverlist")).content.decode()

    assert "A deleted article can be recovered for 30 days after it was deleted." in page
    assert '<th scope="col">Can be recovered until</th>' in page
    assert f"<td>{moment(deleted_at + timedelta(days=30))}</td>" in page


def test_a_version_today_s_model_cannot_read_does_not_stop_the_nightly_run(editor):
    """Which story a saved byline or correction belongs to is read from the stored JSON: loaded into today's
    model (reversion's field_dict), one saved under an older shape of a field (here a position that was
    text) raised, and every night's run with it."""
    old = story(editor, "Old pier plan")
    byline = Version.objects.get_for_object(old.bylines.get()).get()
    data = json.loads(byline.serialized_data)
    data[0]["fields"]["position"] = "first"
    byline.serialized_data = json.dumps(data)
    byline.save()
    delete(old, by=editor)
    dated(old, saved_days_ago=100, deleted_days_ago=91)

    assert services.forget_long_deleted_articles() == 1

    assert not Version.objects.filter(pk=byline.pk).exists()
    assert kept(old) == [0, 0, 0]

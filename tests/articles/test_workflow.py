from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import Article, WorkflowEvent
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_draft(reporter):
    return ArticleFactory(created_by=reporter)


def test_reporter_submits_own_draft_for_review(reporter, own_draft):
    services.submit_for_review(article=own_draft, by=reporter)

    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.IN_REVIEW
    event = own_draft.workflow_events.get()
    assert (event.action, event.actor) == (WorkflowEvent.Action.SUBMITTED, reporter)


def test_reporter_cannot_submit_someone_elses_draft(reporter, other_reporter):
    draft = ArticleFactory(created_by=other_reporter)
    with pytest.raises(PermissionDenied):
        services.submit_for_review(article=draft, by=reporter)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    "action",
    [
        lambda a, u: services.publish_article(article=a, by=u),
        lambda a, u: services.schedule_article(article=a, by=u, at=timezone.now() + timedelta(hours=1)),
        lambda a, u: services.unpublish_article(article=a, by=u),
    ],
    ids=["publish", "schedule", "unpublish"],
)
def test_reporter_cannot_publish_schedule_or_unpublish(reporter, own_draft, action):
    with pytest.raises(PermissionDenied):
        action(own_draft, reporter)
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.DRAFT
    assert not own_draft.workflow_events.exists()


def test_editor_publishes_and_times_are_recorded(editor):
    article = ArticleFactory(in_review=True)
    before = timezone.now()

    services.publish_article(article=article, by=editor)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at >= before
    assert article.first_published_at == article.published_at
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.workflow_events.get().actor == editor


def test_republishing_keeps_the_first_published_time(editor):
    article = ArticleFactory(in_review=True)
    services.publish_article(article=article, by=editor)
    first = Article.objects.get(pk=article.pk).first_published_at
    services.unpublish_article(article=article, by=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()

    services.publish_article(article=article, by=editor)

    article.refresh_from_db()
    assert article.first_published_at == first
    assert article.published_at > first


def test_schedule_in_the_past_is_refused(editor):
    article = ArticleFactory(in_review=True)
    with pytest.raises(ValidationError, match="must be in the future"):
        services.schedule_article(article=article, by=editor, at=timezone.now() - timedelta(minutes=1))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.publish_at is None


def test_publishing_needs_a_byline(editor):
    article = ArticleFactory(in_review=True, authors=[])
    with pytest.raises(ValidationError, match="byline"):
        services.publish_article(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_scheduled_task_publishes_due_articles_once(editor):
    from articles.tasks import publish_due_articles

    due = ArticleFactory(authors=[AuthorFactory()])
    at = timezone.now() + timedelta(minutes=1)
    services.schedule_article(article=due, by=editor, at=at)
    later = ArticleFactory(scheduled=True)
    chosen = timezone.now() - timedelta(seconds=40)  # the schedule's run came round 40 s after it
    Article.objects.filter(pk=due.pk).update(publish_at=chosen)

    first_run = publish_due_articles.apply().get()
    second_run = publish_due_articles.apply().get()

    assert first_run == [due.pk]
    assert second_run == []
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Article.Status.PUBLISHED
    assert due.published_at == due.first_published_at == chosen  # the time the editor chose
    assert later.status == Article.Status.SCHEDULED
    published_events = due.workflow_events.filter(action=WorkflowEvent.Action.PUBLISHED)
    assert published_events.count() == 1
    assert published_events.get().actor is None
    history = [v.revision for v in Version.objects.get_for_object(due).select_related("revision")]
    assert [(r.get_comment(), r.user) for r in history[:2]] == [
        ("Published by the schedule", None),
        (f"Scheduled for {timezone.localtime(at):%a %-d %b %Y, %H:%M %Z}", editor),
    ]


def test_a_schedule_run_long_after_the_time_publishes_at_the_real_time(editor):
    """A stopped schedule, started again an hour later: the story must not arrive an hour down the lists."""
    from articles.tasks import publish_due_articles

    article = ArticleFactory(scheduled=True)
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(hours=1))
    started = timezone.now()

    assert publish_due_articles.apply().get() == [article.pk]

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert started <= article.published_at <= timezone.now()


def test_no_one_publishes_a_draft_as_the_schedule():
    """`by=None` is the schedule's own publishing; asked for a draft, it refuses and changes nothing."""
    from sharing.models import ShareRecord

    draft = ArticleFactory()
    with pytest.raises(PermissionDenied):
        services.publish_article(article=draft, by=None)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Article.Status.DRAFT, None)
    assert not WorkflowEvent.objects.filter(article=draft).exists()
    assert not ShareRecord.objects.filter(article=draft).exists()


def test_the_history_says_who_moved_an_article(editor):
    """An editor by name ("Erin Desk", as the By column says, not the login), the schedule when no one did,
    and set-up data as what it is."""
    editor.first_name, editor.last_name = "Erin", "Desk"
    editor.save()
    article = ArticleFactory(in_review=True)
    services.publish_article(article=article, by=editor)
    by_editor = WorkflowEvent.objects.get(article=article, action=WorkflowEvent.Action.PUBLISHED)
    by_schedule = WorkflowEvent(article=article, action=WorkflowEvent.Action.PUBLISHED)
    demo = WorkflowEvent(article=article, action=WorkflowEvent.Action.PUBLISHED, detail="Demo content")

    assert str(by_editor).startswith("Published by Erin Desk at ")
    assert str(by_schedule).startswith("Published by the schedule at ")
    assert str(demo).startswith("Published (Demo content) at ")


def test_taking_a_story_off_the_schedule_clears_its_time(editor):
    article = ArticleFactory(in_review=True)
    at = timezone.now() + timedelta(days=2)
    services.schedule_article(article=article, by=editor, at=at)

    services.unpublish_article(article=article, by=editor)

    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Article.Status.UNPUBLISHED, None)
    assert not Article.objects.due_for_publishing().exists()


def test_a_workflow_event_reads_in_the_newsrooms_time(settings, editor):
    from datetime import UTC, datetime

    settings.TIME_ZONE = "Europe/Lisbon"  # an hour ahead of UTC in summer
    article = ArticleFactory()
    event = WorkflowEvent.objects.create(
        article=article,
        action=WorkflowEvent.Action.PUBLISHED,
        actor=editor,
        at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
    )

    with timezone.override("Europe/Lisbon"):
        assert str(event) == f"Published by {editor} at Wed 1 Jul 2026, 09:00 WEST"

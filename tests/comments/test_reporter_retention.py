"""A reader who reports a comment is kept as a keyed hash of their IP, and only for the retention period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import tasks
from comments.models import CommentReport, ReaderComment

from .helpers import Client, make_comment

pytestmark = pytest.mark.django_db


def _report(comment, ip, reason):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(f"/comments/report/{comment.pk}/", {"reason": reason})
    assert response.status_code == 200 and b"A moderator will look" in response.content
    return CommentReport.objects.get(comment=comment, reason=reason)


def test_an_open_report_outlives_the_retention_period_but_no_longer_says_whose_it_was(article, settings):
    settings.COMMENT_PERSONAL_DATA_DAYS = 90
    comment = make_comment(article)
    old = _report(comment, "203.0.113.5", "abuse")
    recent = _report(comment, "198.51.100.9", "spam")
    old_key, recent_key = old.reporter_key, recent.reporter_key
    CommentReport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))

    tasks.apply_retention()
    tasks.apply_retention()  # the daily run again changes nothing more

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.reporter_key != old_key and old.reporter_key == f"expired:{old.pk}"
    assert (old.reason, old.reviewed_at) == ("abuse", None)
    assert recent.reporter_key == recent_key  # within the period: still one flag per reader
    # Still an open flag in the moderation queue, counted with the other.
    assert list(ReaderComment.objects.reported()) == [comment]
    assert CommentReport.objects.filter(comment=comment, reviewed_at__isnull=True).count() == 2


def test_two_expired_reports_on_one_comment_both_stay(article, settings):
    """The replacement key is the report's own, so the one-flag-each rule does not merge them."""
    settings.COMMENT_PERSONAL_DATA_DAYS = 90
    comment = make_comment(article)
    _report(comment, "203.0.113.5", "abuse")
    _report(comment, "203.0.113.6", "spam")
    CommentReport.objects.update(created_at=timezone.now() - timedelta(days=400))
    tasks.apply_retention()
    assert sorted(CommentReport.objects.values_list("reason", "reporter_key")) == sorted(
        (r.reason, f"expired:{r.pk}") for r in CommentReport.objects.all()
    )
    assert CommentReport.objects.count() == 2

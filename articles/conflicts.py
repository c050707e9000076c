"""Optimistic locking: an edit made from an older version of an article is refused, never saved over.

Every save of an article raises `Article.version` by one. A form or API client sends back the version it
started from; the check runs with the article's row locked (inside the saving transaction), so two
saves at once cannot both pass it.
"""

from datetime import datetime

from reversion.models import Version

from newsroom.formats import moment
from newsroom.users import display_name

from .models import Article


def who_changed(changed_by: str, changed_at: datetime | None) -> str:
    """ "Erin Desk changed this article at Fri 27 Nov 2026, 14:09 UTC" (last_change's answer, said)."""
    return f"{changed_by} changed this article" + (f" at {moment(changed_at)}" if changed_at else "")


class EditConflict(Exception):
    """Someone saved the article after the editor opened it."""

    def __init__(self, *, current_version: int, changed_by: str, changed_at: datetime | None):
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{who_changed(self.changed_by, self.changed_at)}, after you opened it; nothing was saved."


def lock_version(article_pk: int) -> int | None:
    """Lock the article's row until the transaction ends and return its current version."""
    return Article.objects.select_for_update().filter(pk=article_pk).values_list("version", flat=True).first()


def last_change(article_pk: int, user=None) -> tuple[str, datetime | None]:
    """Who saved the article last and when, from its revision history (every admin, API and workflow
    save records a revision); the article's own time stamp if there is none. When that was `user`, who is
    saving now, it was from another tab or window (or another client of theirs): the message says so, not
    their own name as though someone else had."""
    version = (
        Version.objects.get_for_object_reference(Article, article_pk)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
        .first()
    )
    if version is not None:
        revision = version.revision
        if revision.user and user is not None and revision.user_id == user.pk:
            name = "You, in another tab or window,"
        elif revision.user:
            name = display_name(revision.user)
        elif revision.comment.endswith("by the schedule"):  # services._record, when no one acted
            name = "The schedule"
        else:  # a script: the demo content, a management command
            name = "An automatic change"
        return name, revision.date_created
    updated = Article.objects.filter(pk=article_pk).values_list("updated_at", flat=True).first()
    return "Someone", updated


def check_version(*, article_pk: int, expected: int, user=None) -> int:
    """Lock the row; raise EditConflict unless it is still at `expected`. Returns the current version."""
    current = lock_version(article_pk)
    if current is not None and current != expected:
        changed_by, changed_at = last_change(article_pk, user)
        raise EditConflict(current_version=current, changed_by=changed_by, changed_at=changed_at)
    return current

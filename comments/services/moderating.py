"""Moderators' decisions and the digest of what waits for them."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import publish_or_unpublish_nested_comments

from .. import mail
from ..models import CommentReport, HoldRule, Moderation, OutgoingMail, ReaderComment
from .posting import _queue_notifications


def can_moderate(user) -> bool:
    return bool(user and user.is_active and user.has_perm("django_comments.can_moderate"))


def _set_moderation(ids, **fields):
    """These fields on the comments' Moderation rows, made where a comment has none yet."""
    Moderation.objects.filter(comment_id__in=ids).update(**fields)
    missing = set(ids) - set(
        Moderation.objects.filter(comment_id__in=ids).values_list("comment_id", flat=True)
    )
    Moderation.objects.bulk_create([Moderation(comment_id=i, **fields) for i in missing])


def _decide(ids, by, decision: str, **moderation):
    """The decision on the comments: recorded on their Moderation rows, answering their readers' reports,
    and in each one's History (the admin's log), in the admin and through the API alike."""
    if moderation.get("held_reason") == "":
        # The rule that held them stays, as history: the page says "Was held by rule" after a decision. Being
        # hidden with the comment a reply answers is no rule the reply met, and leaves the rule before it.
        Moderation.objects.filter(comment_id__in=ids).exclude(
            held_reason__in=["", HoldRule.THREAD_REMOVED]
        ).update(was_held_for=F("held_reason"))
    _set_moderation(ids, decided_by=by, decided_at=timezone.now(), **moderation)
    # A decision answers the readers' reports on the comment.
    CommentReport.objects.filter(comment_id__in=ids, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now()
    )
    _log_decision(ids, by, decision)


def _log_decision(ids, by, decision: str) -> None:
    """Named by number only: the log outlives an erasure of the commenter's name and text."""
    comment_type = ContentType.objects.get_for_model(ReaderComment, for_concrete_model=False)
    LogEntry.objects.bulk_create(
        LogEntry(
            user_id=by.pk,
            content_type=comment_type,
            object_id=str(pk),
            object_repr=f"Comment {pk}",
            action_flag=CHANGE,
            change_message=f"{decision}.",
        )
        for pk in ids
    )


@transaction.atomic
def approve_comments(*, comments, by) -> int:
    if not can_moderate(by):
        raise PermissionDenied("Only moderators can approve comments.")
    chosen = list(
        ReaderComment.objects.select_for_update().filter(pk__in=[c.pk for c in comments]).order_by("level")
    )
    _refuse_orphans(chosen)
    done = []
    for comment in chosen:
        if comment.is_public and not comment.is_removed:
            continue
        comment.is_public, comment.is_removed = True, False
        comment.save(update_fields=["is_public", "is_removed"])
        done.append(comment)
    _decide([c.pk for c in done], by, "Approved", is_spam=False, held_reason="")
    # The replies that left the page with them come back, each only under a comment on the site again (one
    # held or removed for itself keeps its own replies off).
    hidden_with = ReaderComment.objects.filter(
        is_public=False, moderation__held_reason=HoldRule.THREAD_REMOVED
    )
    back = _replies_below(done, among=hidden_with)
    ReaderComment.objects.filter(pk__in=back).update(is_public=True)
    Moderation.objects.filter(comment__in=back).update(held_reason="")
    for comment in done:
        _queue_notifications(comment)
    return len(done)


ORPHAN = "A reply cannot be on the site while the comment it answers is not: approve that comment first."


def _refuse_orphans(chosen) -> None:
    """A reply approved under a comment that is off the site would be counted on the article and listed by
    the API, but the page shows no thread to hang it on. Its comment may be approved in the same batch."""
    approving = {c.pk for c in chosen}
    replies = [c for c in chosen if c.parent_id != c.pk and c.parent_id not in approving]
    on_site = set(
        ReaderComment.objects.filter(
            pk__in={c.parent_id for c in replies}, is_public=True, is_removed=False
        ).values_list("pk", flat=True)
    )
    orphans = sorted(reply.pk for reply in replies if reply.parent_id not in on_site)
    if orphans:
        raise ValidationError(
            ORPHAN if len(chosen) == 1 else f"{ORPHAN} (comments {', '.join(map(str, orphans))})"
        )


def _replies_below(comments, among=None) -> list[int]:
    """Every reply under these comments, however deep (a few levels: COMMENTS_MAX_THREAD_LEVEL), level by
    level; with `among`, only replies in that queryset, each under a comment given or found."""
    among = ReaderComment.objects.all() if among is None else among
    found, level = [], [c.pk for c in comments]
    seen = set(level)
    while level:
        level = list(among.filter(parent_id__in=level).exclude(pk__in=seen).values_list("pk", flat=True))
        seen.update(level)
        found += level
    return found


NOTHING_TO_KEEP = (
    "Keep is for comments on the site that readers reported, and closes their reports; none of these has an "
    "open report. A held comment is approved to publish it, or removed."
)


@transaction.atomic
def keep_comments(*, comments, by) -> int:
    """A moderator read the reported comments and leaves them up: their reports are closed."""
    if not can_moderate(by):
        raise PermissionDenied("Only moderators can keep reported comments.")
    ids = list(
        ReaderComment.objects.reported().filter(pk__in=[c.pk for c in comments]).values_list("pk", flat=True)
    )
    if not ids:  # a 200 or a "0 kept" that changed nothing read as done
        raise ValidationError(NOTHING_TO_KEEP)
    _decide(ids, by, "Kept", is_spam=False)
    return len(ids)


@transaction.atomic
def remove_comments(*, comments, by, spam: bool = False) -> int:
    if not can_moderate(by):
        raise PermissionDenied("Only moderators can remove comments.")
    ids = [c.pk for c in comments]
    rows = list(ReaderComment.objects.select_for_update().filter(pk__in=ids))
    shown = [c for c in rows if c.is_public and not c.is_removed]
    # Their replies leave the page with them (xtd's own rule; its signal does not fire for our proxy), and
    # the queue says why those are hidden: nobody held them, and nobody needs to decide on them.
    leaving = list(
        ReaderComment.objects.approved()
        .filter(pk__in=_replies_below(shown))
        .exclude(pk__in=ids)
        .values_list("pk", flat=True)
    )
    for comment in rows:
        comment.is_public, comment.is_removed = False, True
        comment.save(update_fields=["is_public", "is_removed"])
    for comment in shown:
        publish_or_unpublish_nested_comments(comment, are_public=False)
    _set_moderation(leaving, held_reason=HoldRule.THREAD_REMOVED)
    # Removed by a decision of their own now: no comment brought back later brings these back with it.
    _decide(ids, by, "Marked as spam" if spam else "Removed", is_spam=spam, held_reason="")
    # Reply and new-comment mail quoting them is not sent (their nested replies' mail is stopped at sending).
    OutgoingMail.objects.filter(about__in=ids, sent_at__isnull=True).delete()
    return len(rows)


# Digest ------------------------------------------------------------------------------------------------


def queue_held_digest() -> int:
    """One digest per editor or moderator when comments are waiting; nothing when the queue is empty."""
    held = ReaderComment.objects.awaiting_decision().order_by("submit_date")
    total = held.count()
    if not total:
        return 0
    hour = timezone.now().strftime("%Y%m%d%H")
    recipients = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name__in=["Editor", "Moderator"]) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
    )
    queue_link = mail.absolute(reverse("admin:newsroom_comments_readercomment_changelist"))
    listed = list(held.select_related("moderation")[:20])
    sent = 0
    with transaction.atomic():
        for user in recipients:
            queued = mail.queue_mail(
                kind=OutgoingMail.Kind.DIGEST,
                to=user.email,
                subject=f"{total} comment{pluralize(total)} waiting for moderation",
                template="comments/email/digest.txt",
                context={
                    "total": total,
                    "comments": listed,
                    "link": queue_link,
                },
                dedupe_key=f"digest:{hour}:{user.pk}",
                quotes=listed,
            )
            sent += queued is not None
    return sent

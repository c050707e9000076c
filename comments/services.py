"""Writes about comments. The form views, the admin, the API and the tasks all go through these."""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import publish_or_unpublish_nested_comments

from . import mail, tokens
from .models import (
    AuthorNotificationSetting,
    DataRequest,
    Moderation,
    OutgoingMail,
    PendingComment,
    ReaderComment,
)
from .moderation import Refused, check_refusals, closed_reason, hold_reason, is_exempt
from .queries import article_content_type, max_level

logger = logging.getLogger(__name__)

PUBLISHED, HELD, CONFIRM = "published", "held", "confirm"
ANONYMOUS = "Anonymous"


@dataclass
class PostOutcome:
    status: str  # PUBLISHED, HELD or CONFIRM
    comment: ReaderComment | None = None
    pending: PendingComment | None = None


def can_moderate(user) -> bool:
    return bool(user and user.is_active and user.has_perm("django_comments.can_moderate"))


def _parent(article, parent_id: int):
    if not parent_id:
        return None
    parent = ReaderComment.objects.approved().for_article(article).filter(pk=parent_id).first()
    if parent is None:
        raise Refused("The comment you are replying to is not available.", code="bad_parent")
    if parent.level >= max_level():
        raise Refused("Replies cannot be nested any deeper here.", code="too_deep")
    return parent


def post_comment(
    *,
    article,
    user,
    name: str,
    email: str,
    url: str = "",
    text: str,
    ip: str | None,
    parent_id: int = 0,
    followup: bool = False,
) -> PostOutcome:
    """Apply the moderation rules and save the comment, a pending comment, or nothing (raising Refused).

    The caller has validated the fields (ReaderCommentForm). Logged-in readers post directly; anonymous
    readers get a confirmation link by email first.
    """
    reason = closed_reason(article)
    if reason:
        raise Refused(reason, status=403, code="closed")
    authenticated = user is not None and user.is_authenticated
    if authenticated and user.email:
        email = user.email
    _parent(article, parent_id)
    with transaction.atomic():
        _one_at_a_time(email, ip)
        check_refusals(article=article, user=user, name=name, email=email, url=url, text=text, ip=ip)
        held = hold_reason(user=user, name=name, email=email, url=url, text=text)
        if (authenticated and user.email) or not settings.COMMENTS_XTD_CONFIRM_EMAIL:
            comment = _create_comment(
                article=article,
                user=user if authenticated else None,
                name=name,
                email=email,
                url=url,
                text=text,
                ip=ip,
                parent_id=parent_id,
                followup=followup,
                held_reason=held,
            )
            return PostOutcome(HELD if held else PUBLISHED, comment=comment)
        pending = PendingComment.objects.create(
            article=article,
            parent_id=parent_id or 0,
            user_name=name,
            user_email=email,
            user_url=url,
            comment=text,
            ip_address=ip,
            followup=followup,
            held_reason=held,
        )
        link = mail.absolute(
            reverse("comments-confirm", args=[tokens.make(str(pending.key), tokens.CONFIRM_SALT)])
        )
        mail.queue_mail(
            kind=OutgoingMail.Kind.CONFIRMATION,
            to=email,
            subject=f"Please confirm your comment on {settings.SITE_NAME}",
            template="comments/email/confirm.txt",
            context={"name": name, "article": article, "link": link, "days": settings.COMMENTS_CONFIRM_DAYS},
            dedupe_key=f"confirm:{pending.pk}",
        )
        return PostOutcome(CONFIRM, pending=pending)


def _one_at_a_time(email: str, ip: str | None) -> None:
    """Serialise posts by one person (email, then IP) so a double click cannot slip past the duplicate
    and flood rules: the second post waits for the first to commit, then sees it."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in (f"comments:email:{(email or '').lower()}", f"comments:ip:{ip or ''}"):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _create_comment(*, article, user, name, email, url, text, ip, parent_id, followup, held_reason):
    comment = ReaderComment(
        content_type=article_content_type(),
        object_pk=str(article.pk),
        site_id=settings.SITE_ID,
        user=user,
        user_name=name,
        user_email=email,
        user_url=url,
        comment=text,
        submit_date=timezone.now(),
        ip_address=ip,
        is_public=not held_reason,
        is_removed=False,
        parent_id=parent_id or 0,
        followup=followup,
    )
    comment.save()
    Moderation.objects.create(comment=comment, held_reason=held_reason)
    if comment.is_public:
        _queue_notifications(comment, article)
    return comment


class LinkExpired(Exception):
    pass


@transaction.atomic
def confirm_pending(*, token: str) -> PostOutcome:
    """Turn a pending comment into a comment, once, however often the link is opened."""
    try:
        key = tokens.read(token, tokens.CONFIRM_SALT, max_age=tokens.confirm_max_age())
    except Exception as error:
        raise LinkExpired("This confirmation link is not valid or has expired.") from error
    pending = PendingComment.objects.select_for_update().filter(key=key).select_related("article").first()
    if pending is None:
        raise LinkExpired("This confirmation link is not valid or has expired.")
    if pending.confirmed_at:
        comment = ReaderComment.objects.filter(pk=pending.confirmed_comment_id).first()
        status = PUBLISHED if comment and comment.is_public else HELD
        return PostOutcome(status, comment=comment, pending=pending)
    article = pending.article
    reason = closed_reason(article)
    if reason:
        raise Refused(reason, status=403, code="closed")
    parent_id = pending.parent_id
    if parent_id and not ReaderComment.objects.approved().for_article(article).filter(pk=parent_id).exists():
        parent_id = 0  # the comment they answered is gone; keep theirs as a new thread
    comment = _create_comment(
        article=article,
        user=None,
        name=pending.user_name,
        email=pending.user_email,
        url=pending.user_url,
        text=pending.comment,
        ip=pending.ip_address,
        parent_id=parent_id,
        followup=pending.followup,
        held_reason=pending.held_reason,
    )
    # The comment now holds the personal data; the pending row keeps only the fact that it was used.
    PendingComment.objects.filter(pk=pending.pk).update(
        confirmed_comment=comment, confirmed_at=timezone.now(), user_email="", ip_address=None, comment=""
    )
    return PostOutcome(HELD if pending.held_reason else PUBLISHED, comment=comment, pending=pending)


def _article_of(comment):
    from articles.models import Article

    return Article.objects.filter(pk=comment.object_pk).first()


def _queue_notifications(comment, article=None):
    """Reply mail to the thread's followers and new-comment mail to authors who asked; one per recipient."""
    article = article or _article_of(comment)
    if article is None:
        return
    author_email = (comment.user_email or "").lower()
    if comment.parent_id and comment.parent_id != comment.pk:
        followers = {}
        rows = (
            ReaderComment.objects.approved()
            .filter(thread_id=comment.thread_id, followup=True)
            .exclude(pk=comment.pk)
            .exclude(user_email="")
            .order_by("submit_date")
        )
        for row in rows:
            address = row.user_email.lower()
            if address != author_email:
                followers.setdefault(address, row)
        for row in followers.values():
            unsubscribe = mail.absolute(
                reverse("comments-mute", args=[tokens.make(row.pk, tokens.MUTE_SALT)])
            )
            mail.queue_mail(
                kind=OutgoingMail.Kind.REPLY,
                to=row.user_email,
                subject=f"New reply on “{article.headline}”",
                template="comments/email/reply.txt",
                context={
                    "name": row.user_name,
                    "comment": comment,
                    "article": article,
                    "link": mail.absolute(article.get_absolute_url() + f"#c{comment.pk}"),
                    "unsubscribe": unsubscribe,
                },
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                dedupe_key=f"reply:{comment.pk}:{row.pk}",
            )
    wanting = (
        AuthorNotificationSetting.objects.filter(
            notify_new_comments=True, user__author_profile__bylines__article=article, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .distinct()
    )
    for setting in wanting:
        if setting.user.email.lower() == author_email:
            continue
        mail.queue_mail(
            kind=OutgoingMail.Kind.NEW_COMMENT,
            to=setting.user.email,
            subject=f"New comment on “{article.headline}”",
            template="comments/email/new_comment.txt",
            context={
                "comment": comment,
                "article": article,
                "link": mail.absolute(article.get_absolute_url() + f"#c{comment.pk}"),
                "settings_link": mail.absolute(reverse("comments-notifications")),
            },
            dedupe_key=f"author:{comment.pk}:{setting.user_id}",
        )


def mute_thread(*, token: str) -> ReaderComment | None:
    """Stop reply mail for the follower behind this link, for the whole thread."""
    try:
        comment_id = tokens.read(token, tokens.MUTE_SALT)
    except Exception:
        return None
    comment = ReaderComment.objects.filter(pk=comment_id).first()
    if comment is None:
        return None
    who = Q(pk=comment.pk)
    if comment.user_email:
        who |= Q(user_email__iexact=comment.user_email)
    ReaderComment.objects.filter(who, thread_id=comment.thread_id).update(followup=False)
    return comment


# Moderation decisions ---------------------------------------------------------------------------------


def _decide(ids, by, **moderation):
    Moderation.objects.filter(comment_id__in=ids).update(
        decided_by=by, decided_at=timezone.now(), **moderation
    )
    missing = set(ids) - set(
        Moderation.objects.filter(comment_id__in=ids).values_list("comment_id", flat=True)
    )
    Moderation.objects.bulk_create(
        [Moderation(comment_id=i, decided_by=by, decided_at=timezone.now(), **moderation) for i in missing]
    )


@transaction.atomic
def approve_comments(*, comments, by) -> int:
    if not can_moderate(by):
        raise PermissionDenied("Only moderators can approve comments.")
    done = []
    for comment in ReaderComment.objects.select_for_update().filter(pk__in=[c.pk for c in comments]):
        if comment.is_public and not comment.is_removed:
            continue
        comment.is_public, comment.is_removed = True, False
        comment.save(update_fields=["is_public", "is_removed"])
        done.append(comment)
    _decide([c.pk for c in done], by, is_spam=False)
    for comment in done:
        _queue_notifications(comment)
    return len(done)


@transaction.atomic
def remove_comments(*, comments, by, spam: bool = False) -> int:
    if not can_moderate(by):
        raise PermissionDenied("Only moderators can remove comments.")
    ids = [c.pk for c in comments]
    rows = list(ReaderComment.objects.select_for_update().filter(pk__in=ids))
    for comment in rows:
        was_public = comment.is_public and not comment.is_removed
        comment.is_public, comment.is_removed = False, True
        comment.save(update_fields=["is_public", "is_removed"])
        if was_public:
            # Its replies leave the page with it (xtd's own rule; its signal does not fire for our proxy).
            publish_or_unpublish_nested_comments(comment, are_public=False)
    _decide(ids, by, is_spam=spam)
    return len(rows)


# Digest ------------------------------------------------------------------------------------------------


def queue_held_digest() -> int:
    """One digest per editor or moderator when comments are waiting; nothing when the queue is empty."""
    held = ReaderComment.objects.held().order_by("submit_date")
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
    sent = 0
    with transaction.atomic():
        for user in recipients:
            queued = mail.queue_mail(
                kind=OutgoingMail.Kind.DIGEST,
                to=user.email,
                subject=f"{total} comment(s) waiting for moderation",
                template="comments/email/digest.txt",
                context={
                    "total": total,
                    "comments": list(held.select_related("moderation")[:20]),
                    "link": queue_link,
                },
                dedupe_key=f"digest:{hour}:{user.pk}",
            )
            sent += queued is not None
    return sent


# Retention, export and erasure ----------------------------------------------------------------------------


def anonymise_expired_commenters(*, now=None) -> int:
    """Blank email and IP on comments older than COMMENT_PERSONAL_DATA_DAYS, in one UPDATE; safe to rerun."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=settings.COMMENT_PERSONAL_DATA_DAYS)
    return (
        ReaderComment.objects.filter(submit_date__lt=cutoff)
        .filter(~Q(user_email="") | Q(ip_address__isnull=False))
        .update(user_email="", ip_address=None)
    )


def delete_expired_pending(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - tokens.confirm_max_age()
    pending, _ = PendingComment.objects.filter(submit_date__lt=cutoff).delete()
    requests, _ = DataRequest.objects.filter(created_at__lt=cutoff).delete()
    sent, _ = OutgoingMail.objects.filter(sent_at__lt=now - timezone.timedelta(days=30)).delete()
    return pending + requests + sent


def _by_email(email: str):
    return ReaderComment.objects.filter(user_email__iexact=email.strip())


def export_commenter_data(*, email: str) -> list[dict]:
    from articles.models import Article

    rows = list(_by_email(email).order_by("submit_date"))
    articles = {str(a.pk): a for a in Article.objects.filter(pk__in={int(r.object_pk) for r in rows})}
    pending = PendingComment.objects.filter(user_email__iexact=email.strip(), confirmed_at__isnull=True)
    data = [
        {
            "id": r.pk,
            "name": r.user_name,
            "email": r.user_email,
            "website": r.user_url,
            "ip_address": r.ip_address,
            "date": r.submit_date.isoformat(),
            "article": articles[r.object_pk].headline if r.object_pk in articles else None,
            "article_url": mail.absolute(articles[r.object_pk].get_absolute_url())
            if r.object_pk in articles
            else None,
            "state": r.state,
            "text": r.comment,
        }
        for r in rows
    ]
    data += [
        {
            "id": None,
            "name": p.user_name,
            "email": p.user_email,
            "website": p.user_url,
            "ip_address": p.ip_address,
            "date": p.submit_date.isoformat(),
            "article": p.article.headline,
            "article_url": None,
            "state": "unconfirmed",
            "text": p.comment,
        }
        for p in pending.select_related("article")
    ]
    return data


@transaction.atomic
def erase_commenter_data(*, email: str, remove_texts: bool = False) -> int:
    """Anonymise every comment (held ones too) by this address; the threads stay in place."""
    email = email.strip()
    fields = {"user_name": ANONYMOUS, "user_email": "", "user_url": "", "ip_address": None, "user": None}
    if remove_texts:
        fields["comment"] = "[removed at the commenter's request]"
    changed = _by_email(email).update(**fields)
    PendingComment.objects.filter(user_email__iexact=email).delete()
    OutgoingMail.objects.filter(to__iexact=email, sent_at__isnull=True).exclude(
        kind=OutgoingMail.Kind.DATA_EXPORT
    ).delete()
    return changed


def request_data(*, email: str, kind: str, remove_texts: bool = False) -> DataRequest | None:
    """Record the request and mail a signed link to the address; only its owner can go on.

    Nothing is sent when we hold no comment from the address, or when a link went there in the last
    15 minutes: the form must not become a way to mail strangers. The reader sees the same answer either way.
    """
    email = email.strip()
    holds_data = _by_email(email).exists() or PendingComment.objects.filter(user_email__iexact=email).exists()
    recent = DataRequest.objects.filter(
        email__iexact=email, created_at__gte=timezone.now() - timezone.timedelta(minutes=15)
    ).exists()
    if not holds_data or recent:
        return None
    with transaction.atomic():
        request = DataRequest.objects.create(email=email, kind=kind, remove_texts=remove_texts)
        link = mail.absolute(
            reverse("comments-data-confirm", args=[tokens.make(str(request.key), tokens.DATA_SALT)])
        )
        mail.queue_mail(
            kind=OutgoingMail.Kind.DATA_LINK,
            to=request.email,
            subject=f"Your comment data on {settings.SITE_NAME}",
            template="comments/email/data_link.txt",
            context={"request": request, "link": link, "days": settings.COMMENTS_CONFIRM_DAYS},
            dedupe_key=f"data:{request.pk}",
        )
    return request


def data_request_from_token(token: str) -> DataRequest:
    try:
        key = tokens.read(token, tokens.DATA_SALT, max_age=tokens.confirm_max_age())
    except Exception as error:
        raise LinkExpired("This link is not valid or has expired.") from error
    request = DataRequest.objects.filter(key=key).first()
    if request is None:
        raise LinkExpired("This link is not valid or has expired.")
    return request


@transaction.atomic
def confirm_data_request(*, request: DataRequest) -> bool:
    """Start the export or erasure once; returns False when it was already started."""
    locked = DataRequest.objects.select_for_update().get(pk=request.pk)
    if locked.confirmed_at:
        return False
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["confirmed_at"])
    from .tasks import run_data_request

    transaction.on_commit(lambda: run_data_request.delay(locked.pk))
    return True


def run_data_request(*, request_id: int) -> None:
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().filter(pk=request_id, done_at__isnull=True).first()
        if request is None or request.confirmed_at is None:
            return
        if request.kind == DataRequest.Kind.EXPORT:
            data = export_commenter_data(email=request.email)
            mail.queue_mail(
                kind=OutgoingMail.Kind.DATA_EXPORT,
                to=request.email,
                subject=f"Your comment data from {settings.SITE_NAME}",
                template="comments/email/data_export.txt",
                context={"count": len(data)},
                attachment=("comments.json", json.dumps(data, indent=2, ensure_ascii=False)),
                dedupe_key=f"export:{request.pk}",
            )
        else:
            erase_commenter_data(email=request.email, remove_texts=request.remove_texts)
        request.done_at = timezone.now()
        request.email = ""  # the request itself no longer needs the address
        request.save(update_fields=["done_at", "email"])


def is_moderator_or_staff(user) -> bool:
    return is_exempt(user)

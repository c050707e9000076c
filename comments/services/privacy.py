"""Email privacy: retention, and a commenter's export and erasure by email address."""

import json

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .. import mail, tokens
from ..models import CommentReport, DataRequest, Moderation, OutgoingMail, PendingComment, ReaderComment
from ..queries import same_address
from ..rendering import mask_emails
from .posting import LinkExpired

ANONYMOUS = "Anonymous"


def delete_comments_of_deleted_article(sender, instance, **kwargs) -> None:
    """post_delete of an article: its comments go with it (the admin's delete page says so). Tied to it
    only by a generic key, they stayed behind, names, addresses and IPs with them, where no reader, export
    of the story or retention by story would find them; and a recovered story brought them back."""
    from ..queries import article_filter

    ReaderComment.objects.filter(**article_filter(instance)).delete()  # their reports and mail with them


def anonymise_expired_commenters(*, now=None) -> int:
    """Blank email and IP on comments older than COMMENT_PERSONAL_DATA_DAYS, in one UPDATE; safe to rerun."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=settings.COMMENT_PERSONAL_DATA_DAYS)
    return (
        ReaderComment.objects.filter(submit_date__lt=cutoff)
        .filter(~Q(user_email="") | Q(ip_address__isnull=False))
        .update(user_email="", ip_address=None)
    )


# Mail sent to a reader (a confirmation link, a reply) is kept this long, for a moderator answering "I never
# got it"; the comment-data page says so.
SENT_MAIL_KEPT_DAYS = 30


def delete_expired_pending(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - tokens.confirm_max_age()
    pending, _ = PendingComment.objects.filter(submit_date__lt=cutoff).delete()
    # A confirmed request stays until it is done, however long the worker was away: it is a promise.
    requests, _ = (
        DataRequest.objects.filter(created_at__lt=cutoff)
        .exclude(confirmed_at__isnull=False, done_at__isnull=True)
        .delete()
    )
    sent_before = now - timezone.timedelta(days=SENT_MAIL_KEPT_DAYS)
    sent, _ = OutgoingMail.objects.filter(sent_at__lt=sent_before).delete()
    # Mail that could not be delivered while its links worked (they expire with the pending rows) holds an
    # address and a text nobody will read: it goes too.
    undelivered, _ = OutgoingMail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).delete()
    # A report keeps its reader as a keyed hash of their IP or account, to count one flag each; once a
    # moderator has decided (the decision stays on the comment's Moderation row) it has no use left.
    personal_data_cutoff = now - timezone.timedelta(days=settings.COMMENT_PERSONAL_DATA_DAYS)
    reports, _ = CommentReport.objects.filter(reviewed_at__lt=personal_data_cutoff).delete()
    forget_expired_reporters(cutoff=personal_data_cutoff)
    return pending + requests + sent + undelivered + reports


FORGOTTEN_REPORTER = "expired:"


def forget_expired_reporters(*, cutoff) -> int:
    """Replace the reporter's keyed IP on reports made before `cutoff` with a key of the report's own.

    An open report stays (it is still a reader's flag the queue must show), but after the retention period
    it no longer tells whose it was, like the commenter's own IP. The key stays unique per comment, as the
    one-flag-each constraint wants; the reader may flag the comment once more, which is all it costs.
    """
    return (
        CommentReport.objects.filter(created_at__lt=cutoff)
        .exclude(reporter_key__startswith=FORGOTTEN_REPORTER)
        .update(reporter_key=Concat(Value(FORGOTTEN_REPORTER), Cast("pk", CharField())))
    )


def _by_email(email: str):
    return ReaderComment.objects.filter(same_address(ReaderComment.objects, "user_email", {email}))


def export_commenter_data(*, email: str) -> list[dict]:
    return _export(_by_email(email), emails={email.strip()})


def export_writers_of(*, comment_ids: list[int]) -> tuple[dict[str, list[dict]], int]:
    """Staff export from the admin: the comment data of these comments' writers, found as `erase_writers_of`
    finds them: by account (`account:<username>`) if the comment has one, and by email if it has one.

    A comment with neither, an anonymous one whose email retention blanked, names nobody: a name is no proof
    of the same person. Returns the data by writer, and how many selected comments named nobody.
    """
    writers: dict[str, tuple[set, set]] = {}
    untraced = 0
    selected = ReaderComment.objects.filter(pk__in=comment_ids)
    for user_id, username, email in selected.values_list("user_id", "user__username", "user_email"):
        email = email.strip().lower()
        if user_id is None and not email:
            untraced += 1
            continue
        users, emails = writers.setdefault(f"account:{username}" if user_id else email, (set(), set()))
        users.update([user_id] if user_id else [])
        emails.update([email] if email else [])
    data = {
        writer: _export(
            ReaderComment.objects.filter(
                Q(user_id__in=users) | same_address(ReaderComment.objects, "user_email", emails)
            ),
            emails=emails,
        )
        for writer, (users, emails) in sorted(writers.items())
    }
    return data, untraced


def _export(comments, *, emails) -> list[dict]:
    """These comments, and the unconfirmed ones sent from these addresses, as their writer is given them."""
    from articles.models import Article

    rows = list(comments.order_by("submit_date"))
    pending = list(
        PendingComment.objects.filter(
            same_address(PendingComment.objects, "user_email", emails), confirmed_at__isnull=True
        ).order_by("submit_date")
    )
    # Only what readers can see is named: a withdrawn story's headline may since have been rewritten.
    ids = {int(r.object_pk) for r in rows} | {p.article_id for p in pending}
    articles = {str(a.pk): a for a in Article.objects.published().filter(pk__in=ids)}
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
            "email_me_replies": r.followup,
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
            "article": articles[str(p.article_id)].headline if str(p.article_id) in articles else None,
            "article_url": None,
            "state": "unconfirmed",
            "email_me_replies": p.followup,
            "text": p.comment,
        }
        for p in pending
    ]
    return data


@transaction.atomic
def erase_commenter_data(*, email: str, remove_texts: bool = False) -> int:
    """Anonymise every comment (held ones too) by this address; the threads stay in place."""
    return _erase(_by_email(email), emails={email}, remove_texts=remove_texts)


@transaction.atomic
def erase_writers_of(*, comment_ids: list[int], remove_texts: bool = False) -> int:
    """Staff erasure from the admin: these comments, and their writers' others by the same address or account.

    The comment itself always: after COMMENT_PERSONAL_DATA_DAYS retention has blanked the address, so the
    name and website left on the row can be found by no address, and only the selected row says whose they
    are. Returns how many comments held something to erase.
    """
    selected = ReaderComment.objects.filter(pk__in=comment_ids)
    emails = set(selected.exclude(user_email="").values_list("user_email", flat=True))
    users = set(selected.exclude(user=None).values_list("user_id", flat=True))
    match = (
        Q(pk__in=comment_ids)
        | Q(user_id__in=users)
        | same_address(ReaderComment.objects, "user_email", emails)
    )
    return _erase(ReaderComment.objects.filter(match), emails=emails, remove_texts=remove_texts)


def _erase(comments, *, emails, remove_texts: bool) -> int:
    """Anonymise these comments, and delete pending comments, unconfirmed data requests and unsent mail to or
    about their writers.

    Row by row (one person's comments are few) so that post_save fires: cached pages showing the old name
    are invalidated (newsroom/page_cache.py listens), where a bulk UPDATE would leave them stale. A row with
    nothing left to erase is not saved, nor counted: the count tells staff what was done.
    """
    fields = {"user_name": ANONYMOUS, "user_email": "", "user_url": "", "ip_address": None, "user_id": None}
    rows = list(comments.select_for_update())
    emails = {e.strip().lower() for e in emails} | {row.user_email.strip().lower() for row in rows}
    emails.discard("")
    ids = [row.pk for row in rows]
    # The "Staff" mark leaves with the account (user_id, below), as it did when it was read from the account:
    # beside "Anonymous" it would still say who wrote it.
    Moderation.objects.filter(comment__in=ids, by_staff=True).update(by_staff=False)
    changed = 0
    for row in rows:
        # A text that stays keeps no address typed into it (readers saw it masked; staff saw it whole).
        text = "[removed at the commenter's request]" if remove_texts else mask_emails(row.comment)
        erased = fields | {"comment": text}
        if all(getattr(row, name) == value for name, value in erased.items()):
            continue
        for name, value in erased.items():
            setattr(row, name, value)
        row.save(update_fields=list(erased))
        changed += 1
    PendingComment.objects.filter(
        same_address(PendingComment.objects, "user_email", emails) | Q(confirmed_comment__in=ids)
    ).delete()
    # The address's data requests nobody confirmed (an export asked for and left) held it until they expired;
    # they go, and their links stop working. A confirmed one is a promise, carried out and blanked as usual.
    DataRequest.objects.filter(
        same_address(DataRequest.objects, "email", emails), confirmed_at__isnull=True
    ).delete()
    # Unsent mail to the address, and unsent mail to others quoting their comments under the old name
    # (reply and new-comment mail, and moderators' digests listing them).
    OutgoingMail.objects.filter(
        same_address(OutgoingMail.objects, "to", emails) | Q(about__in=ids) | Q(quotes__in=ids),
        sent_at__isnull=True,
    ).exclude(kind=OutgoingMail.Kind.DATA_EXPORT).delete()
    return changed


def email_key(email: str) -> str:
    """A keyed hash of the address: it tells whether the same address asked again, and no more."""
    digest = salted_hmac("newsroom.comments.data-request", email.strip().lower(), algorithm="sha256")
    return digest.hexdigest()


def request_data(*, email: str, kind: str, remove_texts: bool = False) -> DataRequest | None:
    """Record the request and mail a signed link to the address; only its owner can go on.

    Nothing is sent when we hold no comment from the address, or when a link of the same kind went there in
    the last 15 minutes: the form must not become a way to mail strangers. The window is per kind, so that a
    stranger asking for an export of someone's address cannot hold back that person's own erasure (or the
    reverse). The reader sees the same answer either way.
    """
    email = email.strip()
    key = email_key(email)
    holds_data = (
        _by_email(email).exists()
        or PendingComment.objects.filter(same_address(PendingComment.objects, "user_email", {email})).exists()
    )
    recent = DataRequest.objects.filter(
        email_key=key, kind=kind, created_at__gte=timezone.now() - timezone.timedelta(minutes=15)
    ).exists()
    if not holds_data or recent:
        return None
    with transaction.atomic():
        request = DataRequest.objects.create(email=email, email_key=key, kind=kind, remove_texts=remove_texts)
        link = mail.absolute(
            reverse("comments-data-confirm", args=[tokens.make(str(request.key), tokens.DATA_SALT)])
        )
        mail.queue_mail(
            kind=OutgoingMail.Kind.DATA_LINK,
            to=request.email,
            subject=f"Your comment data on {settings.SITE_NAME}",
            template="comments/email/data_link.txt",
            context={
                "request": request,
                "link": link,
                "days": settings.COMMENTS_CONFIRM_DAYS,
                "anonymous": ANONYMOUS,
            },
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
    transaction.on_commit(lambda: queue_data_request(locked.pk))
    return True


def queue_data_request(request_id: int) -> None:
    """To the worker without waiting on a broker that is down or hung; `sweep_data_requests` sends what
    this could not."""
    from newsroom.celery import send_or_leave_to_sweeper

    from ..tasks import run_data_request

    send_or_leave_to_sweeper(run_data_request, request_id)


SWEEP_AFTER = timezone.timedelta(minutes=5)


def data_requests_left_behind(*, now=None, waiting=SWEEP_AFTER) -> list[int]:
    """Confirmed requests still not done `waiting` later: their task was never queued, was lost, or fails."""
    now = now or timezone.now()
    return list(
        DataRequest.objects.filter(confirmed_at__lt=now - waiting, done_at__isnull=True)
        .order_by("confirmed_at")
        .values_list("pk", flat=True)[:500]
    )


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

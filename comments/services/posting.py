"""Posting a comment: the rules, the pending comment and its link, and the mail a new comment causes."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import mail, tokens
from ..models import AuthorNotificationSetting, Moderation, OutgoingMail, PendingComment, ReaderComment
from ..moderation import (
    Refused,
    already_said,
    awaiting_confirmation,
    check_flood,
    check_refusals,
    check_wording,
    closed_reason,
    hold_reason,
    normalised,
    posted_recently,
)
from ..queries import article_content_type, comment_url, max_level, same_address
from ..rendering import account_name, masked_name

logger = logging.getLogger(__name__)

PUBLISHED, HELD, CONFIRM = "published", "held", "confirm"
# What a confirmation link opened again can find besides those: a moderator took the comment off (removed it,
# marked it as spam or deleted it), or it is a reply off the site because the comment it answers is.
NOT_PUBLISHED, PARENT_OFF_SITE = "not_published", "parent_off_site"


@dataclass
class PostOutcome:
    status: str  # PUBLISHED, HELD or CONFIRM; for a link opened again, also NOT_PUBLISHED or PARENT_OFF_SITE
    comment: ReaderComment | None = None
    pending: PendingComment | None = None


PARENT_NOT_AVAILABLE = "The comment you are replying to is not available."


def _parent(article, parent_id: int):
    """The comment a post answers: one on the site, on this article, not at the deepest level. The field
    at fault is named as the API takes it (the site's form calls it reply_to, and gives the text back)."""
    if not parent_id:
        return None
    parent = ReaderComment.objects.approved().for_article(article).filter(pk=parent_id).first()
    if parent is None:
        raise Refused(PARENT_NOT_AVAILABLE, code="bad_parent", field="parent_id")
    if parent.level >= max_level():
        raise Refused("Replies cannot be nested any deeper here.", code="too_deep", field="parent_id")
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

    The caller has validated the fields (ReaderCommentForm). Logged-in readers post directly, under their
    account's name and address whatever was sent (nobody signed in speaks as someone else); anonymous
    readers get a confirmation link by email first.
    """
    reason = closed_reason(article)
    if reason:
        raise Refused(reason, status=403, code="closed")
    authenticated = user is not None and user.is_authenticated
    if authenticated:
        name = account_name(user)
        if user.email:
            email = user.email
    # An address typed as the name is stored as readers see it, masked: moderators were shown it in full,
    # and retention, which blanks the email field, left it.
    name = masked_name(name)
    _parent(article, parent_id)
    needs_link = not (authenticated and user.email) and settings.COMMENTS_XTD_CONFIRM_EMAIL
    with transaction.atomic():
        _one_at_a_time(email, ip)
        if needs_link:
            if outcome := _unproven_address(
                article=article,
                name=name,
                email=email,
                url=url,
                text=text,
                ip=ip,
                choices={"parent_id": parent_id or 0, "followup": followup},
            ):
                return outcome
        else:
            check_refusals(article=article, user=user, name=name, email=email, url=url, text=text, ip=ip)
        held = hold_reason(user=user, name=name, email=email, url=url, text=text)
        if not needs_link:
            comment = _create_comment(
                article=article,
                user=user if authenticated else None,
                by_staff=authenticated and user.is_staff,
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
        _send_confirmation(pending, dedupe_key=f"confirm:{pending.pk}")
        return PostOutcome(CONFIRM, pending=pending)


def _unproven_address(*, article, name, email, url, text, ip, choices) -> PostOutcome | None:
    """The rules for a reader who has not yet shown the address is theirs. The answer must not tell
    whether that address wrote here (a guessed address with a comment's exact words was a 409 for its
    writer only), so what the address has done gets the same answer as a new post, "check your email",
    and only its owner's mailbox tells the difference. None: go on and save a new unconfirmed comment."""
    if waiting := _waiting_twin(article, email, text):
        # A double click, or the mail was lost: the same link again (capped, see below). Only the writer
        # knows an unconfirmed comment's words, so this answer tells nobody else anything. The post sent last
        # says what the link posts: "email me replies" ticked, or another comment answered, the second time.
        changed = {field: value for field, value in choices.items() if getattr(waiting, field) != value}
        if changed:
            PendingComment.objects.filter(pk=waiting.pk).update(**changed)
        _send_again(waiting)
        return PostOutcome(CONFIRM, pending=waiting)
    check_wording(user=None, name=name, email=email, url=url, text=text)
    check_flood(user=None, email="", ip=ip)  # this connection's own pace, the same for any address
    if (
        already_said(article=article, user=None, email=email, text=text)
        or posted_recently(email=email)
        or awaiting_confirmation(email=email)
    ):
        # Its owner posted these words already, posted a moment ago from elsewhere, or has not confirmed
        # the comments already mailed about: nothing is saved and no mail is sent, so nobody can use
        # someone's address to fill their mailbox.
        return PostOutcome(CONFIRM)
    return None


# A reader who lost the mail posts the same words again: the link goes out again, this many times in all
# and never twice within the flood window, so nobody can use it to fill someone else's mailbox.
CONFIRMATION_MAILS_PER_COMMENT = 3


def _send_confirmation(pending, *, dedupe_key):
    link = mail.absolute(
        reverse("comments-confirm", args=[tokens.make(str(pending.key), tokens.CONFIRM_SALT)])
    )
    mail.queue_mail(
        kind=OutgoingMail.Kind.CONFIRMATION,
        to=pending.user_email,
        subject=f"Please confirm your comment on {settings.SITE_NAME}",
        template="comments/email/confirm.txt",
        context={
            "article": pending.article,
            "link": link,
            "days": settings.COMMENTS_CONFIRM_DAYS,
            "held": bool(pending.held_reason),  # what pressing the button does: confirm_pending decides so
        },
        dedupe_key=dedupe_key,
    )


def _waiting_twin(article, email, text):
    """The reader's own unconfirmed comment with the same words on this article, if there is one."""
    wanted = normalised(text)
    waiting = PendingComment.objects.filter(
        article=article, user_email__iexact=email, confirmed_comment__isnull=True
    ).select_related("article")
    return next((pending for pending in waiting if normalised(pending.comment) == wanted), None)


def _send_again(pending) -> None:
    key = f"confirm:{pending.pk}"
    sent = list(
        OutgoingMail.objects.filter(Q(dedupe_key=key) | Q(dedupe_key__startswith=f"{key}:")).values_list(
            "created_at", flat=True
        )
    )
    window = timezone.now() - timedelta(seconds=settings.COMMENTS_FLOOD_SECONDS)
    if len(sent) >= CONFIRMATION_MAILS_PER_COMMENT or any(at > window for at in sent):
        return
    _send_confirmation(pending, dedupe_key=f"{key}:{len(sent)}")


def _one_at_a_time(email: str, ip: str | None) -> None:
    """Serialise posts by one person (email, then IP) so a double click cannot slip past the duplicate
    and flood rules: the second post waits for the first to commit, then sees it."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in (f"comments:email:{(email or '').lower()}", f"comments:ip:{ip or ''}"):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _create_comment(*, article, user, by_staff, name, email, url, text, ip, parent_id, followup, held_reason):
    """`by_staff` is kept with the comment: its "Staff" mark says what the account was when it posted, not
    what it became since (ReaderComment.objects.with_staff_mark)."""
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
    Moderation.objects.create(comment=comment, held_reason=held_reason, by_staff=by_staff)
    if comment.is_public:
        _queue_notifications(comment)
    return comment


class LinkExpired(Exception):
    pass


def pending_from_token(token: str, *, lock: bool = False) -> PendingComment:
    """The pending comment a confirmation link names, or LinkExpired."""
    try:
        key = tokens.read(token, tokens.CONFIRM_SALT, max_age=tokens.confirm_max_age())
    except Exception as error:
        raise LinkExpired("This confirmation link is not valid or has expired.") from error
    rows = PendingComment.objects.select_for_update() if lock else PendingComment.objects
    pending = rows.filter(key=key).select_related("article").first()
    if pending is None:
        raise LinkExpired("This confirmation link is not valid or has expired.")
    return pending


def require_published(article) -> None:
    """A comment waiting for its confirmation waits for its article too: while the article is withdrawn
    (or not yet out again) the link posts nothing and its pages name no headline; it works again, until it
    expires, if the article returns."""
    from articles.models import Article

    if not Article.objects.published().filter(pk=article.pk).exists():
        raise Refused("This article is not available, so the comment cannot be posted.", status=404)


@transaction.atomic
def confirm_pending(*, token: str) -> PostOutcome:
    """Turn a pending comment into a comment, once, however often it is confirmed."""
    pending = pending_from_token(token, lock=True)
    if pending.confirmed_at:
        comment = ReaderComment.objects.filter(pk=pending.confirmed_comment_id).first()
        return PostOutcome(_where_it_stands(comment), comment=comment, pending=pending)
    article = pending.article
    require_published(article)
    reason = closed_reason(article)
    if reason:
        raise Refused(reason, status=403, code="closed")
    parent_id = pending.parent_id
    if parent_id and not ReaderComment.objects.approved().for_article(article).filter(pk=parent_id).exists():
        parent_id = 0  # the comment they answered is gone; keep theirs as a new thread
    comment = _create_comment(
        article=article,
        user=None,
        by_staff=False,  # confirmed by mail, so posted under no account (user=None)
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
        confirmed_comment=comment,
        confirmed_at=timezone.now(),
        user_name="",
        user_email="",
        user_url="",
        ip_address=None,
        comment="",
    )
    return PostOutcome(HELD if pending.held_reason else PUBLISHED, comment=comment, pending=pending)


def _where_it_stands(comment) -> str:
    """What became of a confirmed comment since, as its writer may be told when they open the link again: a
    held comment waits for a moderator only while a moderator can still approve it. One removed or marked
    as spam (the writer is not told which) or deleted will not appear; nor will a reply while the comment it
    answers is off the site, whether it left with that comment or was held for itself (approving it is
    refused then, see moderating._refuse_orphans)."""
    if comment is None or comment.is_removed:
        return NOT_PUBLISHED
    if comment.is_public:
        return PUBLISHED
    if (
        comment.parent_id != comment.pk
        and not ReaderComment.objects.approved().filter(pk=comment.parent_id).exists()
    ):
        return PARENT_OFF_SITE
    return HELD


def published_article_of(comment):
    """The story a comment is under, while readers can see it; None otherwise."""
    from articles.models import Article

    if comment.content_type_id != ContentType.objects.get_for_model(Article).pk:
        return None
    return Article.objects.published().filter(pk=comment.object_pk).first()


def _queue_notifications(comment):
    """Reply mail to the thread's followers and new-comment mail to authors who asked; one per recipient.
    None while the article is off the site: the mail would name a withdrawn story (a reply approved after
    the withdrawal)."""
    article = published_article_of(comment)
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
                    "link": mail.absolute(comment_url(article, comment)),
                    "unsubscribe": unsubscribe,
                },
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                dedupe_key=f"reply:{comment.pk}:{row.pk}",
                about=comment,
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
                "link": mail.absolute(comment_url(article, comment)),
                "settings_link": mail.absolute(reverse("comments-notifications")),
            },
            dedupe_key=f"author:{comment.pk}:{setting.user_id}",
            about=comment,
        )


def follower_from_token(token: str) -> ReaderComment | None:
    """The comment whose writer an unsubscribe link was mailed to; None for a link that is not ours."""
    try:
        comment_id = tokens.read(token, tokens.MUTE_SALT)
    except Exception:
        return None
    return ReaderComment.objects.filter(pk=comment_id).first()


def mute_thread(*, token: str) -> ReaderComment | None:
    """Stop reply mail for the follower behind this link, for the whole thread."""
    comment = follower_from_token(token)
    if comment is None:
        return None
    _follower_in_thread(comment).update(followup=False)
    return comment


def follows_thread(comment: ReaderComment) -> bool:
    """Whether the follower behind this comment still gets reply mail for its thread."""
    return _follower_in_thread(comment).filter(followup=True).exists()


def _follower_in_thread(comment: ReaderComment):
    in_thread = ReaderComment.objects.filter(thread_id=comment.thread_id)
    # The same address, not a look-alike: muting a thread from sam@gmaıl.com stopped sam@gmail.com's mail.
    who = Q(pk=comment.pk) | same_address(in_thread, "user_email", [comment.user_email])
    return in_thread.filter(who)

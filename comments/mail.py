"""Comment mail goes through the outbox: rows written with the change, sent by Celery after commit."""

import logging
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from .models import OutgoingMail
from .rendering import mask_emails

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def subject_line(text: str) -> str:
    """A subject on one line that fits the outbox: a headline may hold line breaks (the API takes them) and
    run to 200 characters, and either made the message unsendable or the row unwritable."""
    return Truncator(" ".join(text.split())).chars(OutgoingMail._meta.get_field("subject").max_length)


def queue_mail(
    *,
    kind,
    to,
    subject,
    template,
    context,
    dedupe_key=None,
    headers=None,
    attachment=None,
    about=None,
    quotes=(),
):
    """Write one message for one recipient to the outbox and send it once the transaction commits.

    `about` is the comment the message quotes: it is sent only while that comment is on the site.
    `quotes` are the comments a message lists (a digest): erasing their writers' data deletes it unsent.
    Returns None when `dedupe_key` says this message was already queued.
    """
    body = render_to_string(
        template, {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    )
    name, content = attachment or ("", "")
    if dedupe_key and OutgoingMail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=to,
        subject=subject_line(subject),
        body=body,
        headers=headers or {},
        attachment_name=name,
        attachment=content,
        dedupe_key=dedupe_key,
        about=about,
    )
    if quotes:
        mail.quotes.set(quotes)
    transaction.on_commit(lambda: enqueue_send(mail.pk))
    return mail


def enqueue_send(mail_id: int) -> None:
    """Hand the message to Celery without waiting on a broker that is down or hung; the sweeper sends it
    later if this fails."""
    from newsroom.celery import send_or_leave_to_sweeper

    from .tasks import send_comment_mail

    send_or_leave_to_sweeper(send_comment_mail, mail_id)


def message_id(mail: OutgoingMail) -> str:
    """The same Message-ID on every try of one outbox row. A worker killed after the mail server accepted
    a message, but before the row was marked sent, sends it again: the copy is then the same message, which
    mail systems that drop duplicates recognise, not a second one."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "newsroom.invalid"
    return f"<outbox-{mail.pk}.{int(mail.created_at.timestamp())}@{domain}>"


def quotes_a_public_comment(mail: OutgoingMail) -> bool:
    """Whether the comment the message quotes is still on the site, on a story that still is."""
    from articles.models import Article

    from .models import ReaderComment

    article_id = ReaderComment.objects.approved().filter(pk=mail.about_id).values_list("object_pk", flat=True)
    return Article.objects.published().filter(pk=int(article_id.first() or 0)).exists()


def send_outgoing(mail_id: int) -> bool:
    """Send one outbox message at most once; the row lock keeps a second worker away."""
    try:
        with transaction.atomic():
            mail = (
                OutgoingMail.objects.select_for_update(skip_locked=True)
                .filter(pk=mail_id, sent_at__isnull=True)
                .first()
            )
            if mail is None:
                return False
            if mail.about_id and not quotes_a_public_comment(mail):
                # Removed, marked spam or withdrawn with its story since it was queued: never sent. The row
                # goes, so that approving the comment again queues the mail again.
                mail.delete()
                return False
            message = EmailMessage(
                subject=mail.subject,
                body=mail.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[mail.to],
                headers={**(mail.headers or {}), "Message-ID": message_id(mail)},
            )
            if mail.attachment_name:
                # As UTF-8 bytes: a str attached as application/json was written out with Python's
                # raw-unicode-escape, so "Zoë" became a Latin-1 byte and an emoji "\U0001f30a", a file no
                # JSON reader opens.
                message.attach(mail.attachment_name, mail.attachment.encode(), "application/json")
            message.send()
            OutgoingMail.objects.filter(pk=mail.pk).update(
                sent_at=timezone.now(), to="", body="", attachment="", last_error=""
            )
            return True
    except Exception as error:
        reason = mask_emails(f"{type(error).__name__}: {error}")
        given_up = _refused_for_good(error)
        OutgoingMail.objects.filter(pk=mail_id).update(
            attempts=settings.COMMENTS_MAIL_MAX_RETRIES if given_up else F("attempts") + 1,
            tried_at=timezone.now(),
            last_error=reason[:300],
        )
        if given_up:  # no retry can change the server's mind; retention deletes the row with its link
            logger.warning("Comment mail %s refused for good: %s", mail_id, reason)
            return False
        # Retried by Celery, which logs the exception: the server's words may quote the address.
        raise MailNotSent(reason) from None


class MailNotSent(Exception):
    """A try that failed for a reason that may pass (server down or busy, a 4xx answer)."""


def _refused_for_good(error) -> bool:
    """The mail server refused the recipient with a 5xx answer (no such mailbox, say), or the message cannot
    be built at all (a line break in a header): the same row fails the same way on every retry."""
    if isinstance(error, BadHeaderError):
        return True
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )

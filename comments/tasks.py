"""Thin Celery wrappers: they take ids, and the services do the work. Every one is safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import mail, services
from .models import OutgoingMail

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(mail.MailNotSent,),
    retry_backoff=2,
    retry_backoff_max=settings.COMMENTS_MAIL_RETRY_BACKOFF_MAX,
    retry_jitter=False,
    max_retries=settings.COMMENTS_MAIL_MAX_RETRIES,
    soft_time_limit=6 * settings.EMAIL_TIMEOUT,  # a stuck send fails and is retried, never holds the worker
    time_limit=6 * settings.EMAIL_TIMEOUT + 30,
)
def send_comment_mail(self, mail_id: int) -> bool:
    """One message to one recipient; a mail server that is down means a retry later, not a lost message."""
    return mail.send_outgoing(mail_id)


@shared_task
def sweep_unsent_mail() -> int:
    """Re-enqueue outbox rows whose task was lost (broker down at commit time, retries exhausted), oldest
    first. A row whose last failure is more recent than the longest retry wait still has a retry coming and
    is left to it; a row that failed COMMENTS_MAIL_MAX_RETRIES times is given up (retention deletes it)."""
    now = timezone.now()
    retry_pending = now - timedelta(seconds=settings.COMMENTS_MAIL_RETRY_BACKOFF_MAX + 60)
    ids = list(
        OutgoingMail.objects.still_trying()
        .filter(created_at__lt=now - timedelta(minutes=5))
        .filter(Q(tried_at__isnull=True) | Q(tried_at__lt=retry_pending))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for mail_id in ids:
        mail.enqueue_send(mail_id)
    return len(ids)


@shared_task
def send_held_digest() -> int:
    return services.queue_held_digest()


@shared_task
def apply_retention() -> dict:
    """Daily: anonymise old commenters' email and IP; delete unconfirmed comments whose link has expired."""
    anonymised = services.anonymise_expired_commenters()
    deleted = services.delete_expired_pending()
    logger.info("Comment retention: %s anonymised, %s expired rows deleted", anonymised, deleted)
    return {"anonymised": anonymised, "deleted": deleted}


@shared_task(autoretry_for=(Exception,), retry_backoff=2, max_retries=10)
def run_data_request(request_id: int) -> None:
    services.run_data_request(request_id=request_id)


@shared_task
def sweep_data_requests() -> int:
    """Run again the readers' confirmed exports and erasures that are not done (the broker was away when
    they were confirmed, or the task gave up); running one twice does it once."""
    ids = services.data_requests_left_behind()
    for request_id in ids:
        services.queue_data_request(request_id)
    overdue = services.data_requests_left_behind(waiting=timedelta(days=1))
    if overdue:  # a request that fails every time: someone must look (ids only, never the address)
        logger.error("Readers' data requests %s were confirmed over a day ago and are not done yet", overdue)
    return len(ids)


@shared_task(autoretry_for=(Exception,), retry_backoff=2, max_retries=10)
def erase_commenters_of(comment_ids: list[int], remove_texts: bool = False) -> int:
    """Staff erasure queued by the admin before it erased at once: kept so that one still queued when the
    new code starts is carried out, not dropped as an unknown task."""
    return services.erase_writers_of(comment_ids=comment_ids, remove_texts=remove_texts)

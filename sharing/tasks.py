from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    ignore_result=True,
    soft_time_limit=settings.SHARING_TRY_TIME_LIMIT,  # a try that takes longer fails, and is retried
    time_limit=settings.SHARING_TRY_TIME_LIMIT + 30,
)
def post_share(self, share_id: int):
    """Post one share record; transient failures come back here after a backoff (see services)."""
    delay = services.deliver_share(share_id=share_id)
    if delay is not None and not self.request.is_eager:
        # Eager (development) runs never sleep in the request; the sweeper picks the retry up.
        raise self.retry(countdown=delay)


@shared_task(ignore_result=True)
def sweep_pending_shares():
    """Every minute (CELERY_BEAT_SCHEDULE): re-send tasks for shares left pending."""
    return services.sweep_pending()

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def publish_due_articles():
    """Every minute (CELERY_BEAT_SCHEDULE): publish scheduled articles whose time has come."""
    return services.publish_due_articles()


@shared_task
def forget_long_deleted_articles() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): deleted articles past DELETED_ARTICLES_KEPT_DAYS can no longer be
    recovered."""
    forgotten = services.forget_long_deleted_articles()
    logger.info("Deleted articles: %s past recovery forgotten", forgotten)
    return forgotten

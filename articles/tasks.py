from celery import shared_task

from . import services


@shared_task
def publish_due_articles():
    """Every minute (CELERY_BEAT_SCHEDULE): publish scheduled articles whose time has come."""
    return services.publish_due_articles()

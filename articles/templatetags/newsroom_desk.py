from datetime import timedelta

from django import template
from django.utils import timezone

from ..desk import desk_for
from ..services import SCHEDULE_ON_TIME

register = template.Library()


@register.inclusion_tag("admin/desk.html", takes_context=True)
def editorial_desk(context):
    """The desk on the admin index: each pile with its count, first items and a link to the list."""
    request = context.get("request")
    # A scheduled story this far past its time was not published by the schedule: is beat running?
    return {
        "piles": desk_for(getattr(request, "user", None)),
        "overdue_before": timezone.now() - SCHEDULE_ON_TIME,
        # Django's timesince says "0 minutes" for the last minute: "changed 0 minutes ago" on the desk.
        "a_minute_ago": timezone.now() - timedelta(minutes=1),
    }

from django import template
from django.utils import timezone

from newsroom.formats import ago

from ..desk import desk_for
from ..services import SCHEDULE_ON_TIME

register = template.Library()
register.filter("ago", ago)  # "just now", then "5 minutes ago": the comment queue's and the digest's words


@register.inclusion_tag("admin/desk.html", takes_context=True)
def editorial_desk(context):
    """The desk on the admin index: each pile with its count, first items and a link to the list."""
    request = context.get("request")
    # A scheduled story this far past its time was not published by the schedule: is beat running?
    return {
        "piles": desk_for(getattr(request, "user", None)),
        "overdue_before": timezone.now() - SCHEDULE_ON_TIME,
    }

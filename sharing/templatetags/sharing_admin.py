from datetime import timedelta

from django import template
from django.urls import reverse

from ..models import ShareRecord

register = template.Library()


@register.inclusion_tag("sharing/admin/failures_flag.html", takes_context=True)
def share_failures_flag(context, hours: int = 1):
    """On the admin index: shares that failed more than an hour ago and still are failed."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("sharing.view_sharerecord"):
        return {"count": 0}
    count = ShareRecord.objects.stale_failures(older_than=timedelta(hours=hours)).count()
    url = reverse("admin:sharing_sharerecord_changelist") + "?state__exact=failed"
    return {"count": count, "url": url, "hours": hours}

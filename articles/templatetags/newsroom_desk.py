from django import template

from ..desk import desk_for

register = template.Library()


@register.inclusion_tag("admin/desk.html", takes_context=True)
def editorial_desk(context):
    """The desk on the admin index: each pile with its count, first items and a link to the list."""
    request = context.get("request")
    return {"piles": desk_for(getattr(request, "user", None))}

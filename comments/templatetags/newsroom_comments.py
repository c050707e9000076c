from django import template

from .. import queries, rendering
from ..forms import ReaderCommentForm
from ..moderation import closed_reason

register = template.Library()


@register.filter
def comment_text(text):
    return rendering.public_text(text)


@register.filter
def public_name(name):
    return rendering.public_name(name)


@register.filter
def public_url(url):
    return rendering.public_url(url)


@register.filter
def avatar(comment):
    return rendering.avatar_html(comment)


@register.simple_tag
def comment_count(article):
    """The approved-comment count; free when the list was built with queries.with_comment_counts()."""
    return queries.comment_count(article)


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, article):
    request = context.get("request")
    user = getattr(request, "user", None)
    page_number = request.GET.get("comments_page", 1) if request else 1
    page, threads = queries.comment_threads(article, page_number=page_number)
    closed = closed_reason(article)
    return {
        "article": article,
        "request": request,
        "user": user,
        "page": page,
        "threads": threads,
        "total": queries.comment_count(article),
        "closed": closed,
        "form": None if closed else ReaderCommentForm(article, user=user),
        "max_level": queries.max_level(),
    }

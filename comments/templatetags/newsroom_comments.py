from django import template
from django.utils.functional import cached_property

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


class Threads:
    """One page of an article's comment threads, read only when shown (a cached fragment needs no query)."""

    def __init__(self, article, page_number):
        self.article = article
        number = str(page_number)
        # Part of the fragment key: a number, or 1 for anything else (the paginator shows page 1 for it too).
        self.page_key = number if number.isdigit() and len(number) <= 6 else "1"

    @cached_property
    def _loaded(self):
        return queries.comment_threads(self.article, page_number=self.page_key)

    @property
    def page(self):
        return self._loaded[0]

    @property
    def threads(self):
        return self._loaded[1]

    @cached_property
    def total(self):
        return queries.comment_count(self.article)

    @property
    def deps(self):
        return {f"comments:{self.article.pk}"}


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, article):
    request = context.get("request")
    user = getattr(request, "user", None)
    closed = closed_reason(article)
    return {
        "article": article,
        "request": request,
        "user": user,
        "comments": Threads(article, request.GET.get("comments_page", 1) if request else 1),
        "closed": closed,
        "form": None if closed else ReaderCommentForm(article, user=user),
        "max_level": queries.max_level(),
    }

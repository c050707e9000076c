from django import template
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django_comments.forms import CommentSecurityForm

from newsroom import fragments
from newsroom.formats import ago

from .. import queries, rendering
from ..forms import ReaderCommentForm
from ..moderation import closed_reason

register = template.Library()


@register.filter
def comment_text(text):
    return rendering.public_text(text)


@register.filter
def masked(text):
    """Plain text with every email address hidden, for mail that quotes a comment to other readers."""
    return rendering.mask_emails(text)


@register.filter
def public_name(name):
    return rendering.public_name(name)


@register.filter
def public_url(url):
    return rendering.public_url(url)


register.filter("ago", ago)  # the digest's; the queue's "Posted" column uses the same words


@register.filter
def avatar(comment):
    return rendering.avatar_html(comment)


@register.simple_tag
def comment_count(article):
    """The approved-comment count; free when the list was built with queries.with_comment_counts()."""
    return queries.comment_count(article)


class Threads:
    """One page of an article's comment threads, read only when shown (a cached fragment needs no query)."""

    def __init__(self, article, request):
        self.article = article
        self.page_key = queries.page_key(request)

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


def fragment_key(context, article):
    """The key of the page's cached parts: the article page's address (ArticleView.fragment_key), else the
    article's id."""
    return context.get("fragment_key") or article.pk


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, article):
    request = context.get("request")
    user = getattr(request, "user", None)
    closed = closed_reason(article)
    return {
        "article": article,
        "request": request,
        "user": user,
        "comments": Threads(article, request),
        "fragment_key": fragment_key(context, article),
        "closed": closed,
        "max_level": queries.max_level(),
    }


# Stand-ins for the per-request values of a cached comment form, replaced in every response.
TIMESTAMP, SECURITY_HASH, CSRF = "nr-timestamp-0", "nr-security-hash-0", "nr-csrf-token-0"


@register.simple_tag(takes_context=True)
def comment_form(context, article, heading="Leave a Reply"):
    """The form to comment on `article`, the same for every anonymous reader but for three values.

    Its markup is a cached fragment rendered once with stand-ins for the timestamp, the security hash
    (django-comments' anti-forgery fields) and the CSRF token, which each response gets afresh.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    template = context.template.engine.get_template("comments/_form.html")

    def render(form, **values):
        with context.push(form=form, heading=heading, **values):
            return template.render(context)

    if not fragments.usable(request):
        return render(ReaderCommentForm(article, user=user))

    def render_with_stand_ins():
        form = ReaderCommentForm(article, user=user)
        form.initial.update(timestamp=TIMESTAMP, security_hash=SECURITY_HASH)
        return render(form, csrf_token=CSRF)

    html = fragments.render(
        request,
        "comment-form",
        [fragment_key(context, article)],
        render_with_stand_ins,
        lambda: {f"article:{article.pk}"},
    )
    security = CommentSecurityForm(article).initial
    csrf_token = context.get("csrf_token")  # "" on a page the cache may share: csrf.js fetches one
    csrf_input = CsrfTokenNode().render(Context({"csrf_token": csrf_token})) if csrf_token else ""
    html = html.replace(CsrfTokenNode().render(Context({"csrf_token": CSRF})), csrf_input)
    html = html.replace(TIMESTAMP, str(security["timestamp"])).replace(
        SECURITY_HASH, security["security_hash"]
    )
    return mark_safe(html)  # noqa: S308 - our template's output, with a number and two tokens put in

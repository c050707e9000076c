"""Signed, expiring preview links: a draft can be shown to someone without an account, for a while."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse

SALT = "articles.preview"


def _last_withdrawal(article_id) -> int:
    """The id of the article's latest withdrawal (0 if none). Ids are never used twice, so a withdrawal
    recorded after a link was made, a recovery after a deletion included, always closes it."""
    from .models import WorkflowEvent

    withdrawn = [WorkflowEvent.Action.UNPUBLISHED, WorkflowEvent.Action.RECOVERED]
    events = WorkflowEvent.objects.filter(article_id=article_id, action__in=withdrawn)
    return events.order_by("-pk").values_list("pk", flat=True).first() or 0


def make_preview_token(article) -> str:
    """Valid for PREVIEW_LINK_MAX_AGE, and only until the article is next withdrawn: a story taken down (for
    legal reasons, say) must not stay open to whoever was sent a link. A link made afterwards works."""
    return signing.dumps({"article": article.pk, "w": _last_withdrawal(article.pk)}, salt=SALT, compress=True)


def preview_url(article) -> str:
    return reverse("articles:preview", kwargs={"token": make_preview_token(article)})


class PreviewClosed(signing.BadSignature):
    """A link we made that no longer opens: too old, or made before the article's last withdrawal."""


def article_id_from_token(token: str) -> int:
    """The article id; PreviewClosed when the link is ours but too old or made before the article's last
    withdrawal, signing.BadSignature when it is not ours at all."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PREVIEW_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise PreviewClosed("The link is older than PREVIEW_LINK_MAX_AGE.") from error
    article_id = int(data["article"])
    if data.get("w", 0) != _last_withdrawal(article_id):
        raise PreviewClosed("The article was withdrawn after this link was made.")
    return article_id


def render_unsaved(request, save) -> TemplateResponse:
    """The article as `save()` would leave it, in the site's own template, then nothing kept.

    `save()` writes the edited article with its bylines, tags and links and returns it; everything runs
    in a transaction that is rolled back once the page is rendered, so the preview shows the unsaved
    changes exactly as readers would see them, and the database (and the schedule, the shares and the
    history, whose work waits for a commit) never sees them.
    """
    from .models import Article
    from .navigation import showing_unsaved_changes
    from .related import ReadMore
    from .views import ArticleDetail

    with transaction.atomic(), showing_unsaved_changes():
        article = save()
        article = Article.objects.for_detail().get(pk=article.pk)
        context = {
            "article": article,
            "detail": ArticleDetail(article),
            "read_more": ReadMore(article),
            "is_preview": True,
        }
        response = TemplateResponse(request, "articles/article.html", context)
        response.render()
        transaction.set_rollback(True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response

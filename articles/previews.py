"""Signed, expiring preview links: a draft can be shown to someone without an account, for a while."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse

SALT = "articles.preview"


def make_preview_token(article) -> str:
    return signing.dumps({"article": article.pk}, salt=SALT, compress=True)


def preview_url(article) -> str:
    return reverse("articles:preview", kwargs={"token": make_preview_token(article)})


def article_id_from_token(token: str) -> int:
    """The article id, or signing.BadSignature (which SignatureExpired extends) when forged or too old."""
    max_age = settings.PREVIEW_LINK_MAX_AGE
    data = signing.loads(token, salt=SALT, max_age=max_age)
    return int(data["article"])


def render_unsaved(request, save) -> TemplateResponse:
    """The article as `save()` would leave it, in the site's own template, then nothing kept.

    `save()` writes the edited article with its bylines, tags and links and returns it; everything runs
    in a transaction that is rolled back once the page is rendered, so the preview shows the unsaved
    changes exactly as readers would see them, and the database (and the schedule, the shares and the
    history, whose work waits for a commit) never sees them.
    """
    from .models import Article
    from .related import ReadMore
    from .views import ArticleDetail

    with transaction.atomic():
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

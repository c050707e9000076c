"""Signed, expiring preview links: a draft can be shown to someone without an account, for a while."""

from django.conf import settings
from django.core import signing
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

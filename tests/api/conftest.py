import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django_comments_xtd.models import XtdComment
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The role fixtures hash a password each; the real hasher's slowness only slows the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counts live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    """A client that authenticates like a script: `Authorization: Token <key>`."""

    def make(user):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def make_comment(db):
    def make(article, text="Good news for cyclists.", parent=None, is_public=True, is_removed=False, **extra):
        fields = {
            "user_name": "Sam Reader",
            "user_email": "sam.private@example.org",
            "ip_address": "203.0.113.77",
        } | extra
        return XtdComment.objects.create(
            content_type=ContentType.objects.get_for_model(Article),
            object_pk=str(article.pk),
            site_id=1,
            comment=text,
            parent_id=parent.pk if parent else 0,
            is_public=is_public,
            is_removed=is_removed,
            **fields,
        )

    return make

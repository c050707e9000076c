import re
from html import unescape

import pytest
from django.core import mail

from tests.comments.helpers import Client
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture(autouse=True)
def _comment_rules(settings):
    """Known rule settings for every test; a test changes the one it is about."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    settings.COMMENTS_HOLD_FIRST_TIME = False
    settings.COMMENTS_HOLD_MIN_LINKS = 2
    settings.COMMENTS_MODERATION_WORDS = ["casino"]
    settings.COMMENTS_DISALLOWED_WORDS = ["badword"]
    settings.COMMENTS_FLOOD_SECONDS = 15
    settings.COMMENTS_CONFIRM_DAYS = 3
    settings.COMMENT_PERSONAL_DATA_DAYS = 90
    settings.COMMENT_MAX_LENGTH = 3000
    settings.COMMENTS_PER_PAGE = 20
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PAGE_CACHE_SECONDS = 0  # these tests are about comments; the page cache has its own


@pytest.fixture
def article(db):
    return ArticleFactory(published=True)


@pytest.fixture
def client():
    """pytest-django's client, with each request's on-commit work run as it ends (helpers.Client)."""
    return Client()


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def form_fields(html: str) -> dict:
    """The hidden fields of the first comment form on a page (csrf token, security hash, timestamp...)."""
    start = html.index('class="comment-form"')
    end = html.index("</form>", start)
    return {name: unescape(value) for name, value in HIDDEN_RE.findall(html[start:end])}


class Commenter:
    """Posts through the real form: fetches the page, takes the csrf token and security fields from it."""

    def __init__(self, client, ip="203.0.113.10"):
        self.client = client
        self.ip = ip

    def fields(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, response.status_code
        return form_fields(response.content.decode())

    def post(self, page_url, *, follow=True, ip=None, **data):
        fields = self.fields(page_url)
        fields.update(
            {"name": "Ada Reader", "email": "ada@example.net", "url": "", "comment": "A fair point.", **data}
        )
        fields = {k: v for k, v in fields.items() if v is not None}
        return self.client.post("/comments/post/", fields, follow=follow, REMOTE_ADDR=ip or self.ip)


@pytest.fixture
def commenter(csrf_client):
    return Commenter(csrf_client)


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/comments/confirm/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def confirm(client, link):
    """What the reader does with the mailed link: open it, then press "Post my comment"."""
    page = client.get(link)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    if token is None:  # no button: the link is spent or not valid, and the page says so
        return page
    return client.post(link, {"csrfmiddlewaretoken": token.group(1)})


@pytest.fixture
def outbox():
    """Sends what the outbox holds (eager Celery already did) and returns Django's test mailbox."""
    return mail.outbox


@pytest.fixture
def boss(db):
    """A superuser: every permission, the personal-data ones among them."""
    return UserFactory(username="boss", is_staff=True, is_superuser=True)

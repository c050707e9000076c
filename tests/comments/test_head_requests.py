"""HEAD on the comment pages, as mail clients and link scanners send it before (or instead of) opening a
mailed link: the GET's answer without its body, and never the action the page's button would take."""

import pytest
from django.contrib.contenttypes.models import ContentType

from articles.models import Article
from comments import services, tokens
from comments.models import CommentReport, DataRequest, PendingComment, ReaderComment
from tests.comments.helpers import make_comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(article):
    """Every address under /comments/ that answers GET, and the status of its GET for a reader not signed in
    (the form's own address answers 405 with a page saying so; notifications asks to sign in)."""
    comment = make_comment(article, email="grace@example.net", followup=True)
    pending = PendingComment.objects.create(
        article=article, user_name="Ada", user_email="ada@example.net", comment="Not yet posted."
    )
    data_request = DataRequest.objects.create(email="grace@example.net", kind="erase")
    outcome = {"s": services.PUBLISHED, "a": article.pk, "c": comment.pk}
    return {
        "/comments/post/": 405,
        f"/comments/form-fields/{article.pk}/": 200,
        f"/comments/posted/{tokens.make(outcome, tokens.OUTCOME_SALT)}/": 200,
        f"/comments/confirm/{tokens.make(str(pending.key), tokens.CONFIRM_SALT)}/": 200,
        f"/comments/reply/{comment.pk}/": 200,
        f"/comments/report/{comment.pk}/": 200,
        f"/comments/unsubscribe/{tokens.make(comment.pk, tokens.MUTE_SALT)}/": 200,
        "/comments/unsubscribe/x/": 404,
        "/comments/my-data/": 200,
        f"/comments/my-data/{tokens.make(str(data_request.key), tokens.DATA_SALT)}/": 200,
        "/comments/my-data/x/": 404,
        "/comments/notifications/": 302,
        f"/comments/cr/{ContentType.objects.get_for_model(Article).pk}/{article.pk}/": 302,
    }


@pytest.mark.parametrize("signed_in", [False, True])
def test_head_answers_as_get_does_and_changes_nothing(client, pages, signed_in):
    if signed_in:
        client.force_login(UserFactory())
        pages["/comments/notifications/"] = 200
    answers = {url: (client.head(url), client.get(url)) for url in pages}

    statuses = {url: (head.status_code, get.status_code) for url, (head, get) in answers.items()}
    assert statuses == {url: (status, status) for url, status in pages.items()}
    for url, (head, get) in answers.items():
        assert dict(head.headers) == dict(get.headers), url
        assert head.content == b"", url
    # What the pages' buttons do was not done: the writer still follows the thread, the comment still waits
    # for its writer, the erasure has not started, nothing is reported.
    assert services.follows_thread(ReaderComment.objects.get())
    assert PendingComment.objects.get().confirmed_at is None
    assert DataRequest.objects.get().confirmed_at is None
    assert not CommentReport.objects.exists()

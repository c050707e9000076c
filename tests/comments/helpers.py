import pytest
from django import test

from comments.models import Moderation, ReaderComment
from comments.queries import article_content_type


class Client(test.Client):
    """The test client, where a request's on-commit work (the mail it queues, the task it starts) runs as the
    request ends, as it does in production when the request's transaction commits. The test stays inside one
    transaction, rolled back after it: a test that commits for real (transaction=True) pays a flush of every
    table and a reload of what the migrations wrote, about 0.7 s each here."""

    def request(self, **request):
        with test.TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


# For a test whose on-commit work runs outside a request (a service or task called directly, an admin action
# of its own making) or that posts from two threads at once: it commits for real.
COMMITS = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# The moderation queue in the admin.
QUEUE = "/admin/newsroom_comments/readercomment/"


def admin_client(user) -> Client:
    """A client signed in as `user`, for the admin's pages."""
    client = Client()
    client.force_login(user)
    return client


def make_comment(
    article,
    *,
    name="Grace",
    email="grace@example.net",
    text="Well reported.",
    public=True,
    parent=None,
    followup=False,
    ip="198.51.100.7",
    user=None,
    held_reason="",
    when=None,
):
    comment = ReaderComment(
        content_type=article_content_type(),
        object_pk=str(article.pk),
        site_id=1,
        user=user,
        user_name=name,
        user_email=email,
        comment=text,
        ip_address=ip,
        is_public=public,
        parent_id=parent.pk if parent else 0,
        followup=followup,
    )
    if when is not None:
        comment.submit_date = when
    comment.save()
    # As comments.services.post_comment records it: the account's flag when the comment is posted.
    Moderation.objects.create(comment=comment, held_reason=held_reason, by_staff=bool(user and user.is_staff))
    return comment

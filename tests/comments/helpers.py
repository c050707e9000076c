from comments.models import Moderation, ReaderComment
from comments.queries import article_content_type

# The moderation queue in the admin.
QUEUE = "/admin/newsroom_comments/readercomment/"


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
    Moderation.objects.create(comment=comment, held_reason=held_reason)
    return comment

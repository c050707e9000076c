"""A picture of every row the write endpoints could touch, to prove a refused request changed nothing."""

from reversion.models import Version

from articles.models import Article, Byline, Image, RelatedArticle, Tag, WorkflowEvent
from comments.models import PendingComment, ReaderComment
from sharing.models import ShareRecord


def database_state():
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "bylines": list(Byline.objects.order_by("pk").values()),
        "tags": list(Tag.objects.order_by("pk").values()),
        "tagging": list(Article.tags.through.objects.order_by("pk").values()),
        "related": list(RelatedArticle.objects.order_by("pk").values()),
        "images": list(Image.objects.order_by("pk").values()),
        "events": WorkflowEvent.objects.count(),
        "versions": Version.objects.count(),
        "comments": list(ReaderComment.objects.order_by("pk").values()),
        "pending_comments": PendingComment.objects.count(),
        "shares": list(ShareRecord.objects.order_by("pk").values()),
    }

from django.apps import AppConfig
from django_comments_xtd.apps import CommentsXtdConfig


class CommentsConfig(AppConfig):
    default = True  # the app's own config; the other one below is for django-comments-xtd
    name = "comments"
    label = "newsroom_comments"
    verbose_name = "Reader comments"

    def ready(self):
        from django.db.models.signals import post_delete

        from articles.models import Article

        from .services.privacy import delete_comments_of_deleted_article

        post_delete.connect(
            delete_comments_of_deleted_article, sender=Article, dispatch_uid="comments-of-article"
        )


class CommentSpamFilterConfig(CommentsXtdConfig):
    """django-comments-xtd, under a name a moderator understands: all it shows in the admin is the list of
    email domains whose comments are refused (comments/moderation.py, is_blocked_domain)."""

    verbose_name = "Comment spam filter"

from django.apps import AppConfig
from django_comments_xtd.apps import CommentsXtdConfig


class CommentsConfig(AppConfig):
    default = True  # the app's own config; the other one below is for django-comments-xtd
    name = "comments"
    label = "newsroom_comments"
    verbose_name = "Reader comments"


class CommentSpamFilterConfig(CommentsXtdConfig):
    """django-comments-xtd, under a name a moderator understands: all it shows in the admin is the list of
    email domains whose comments are refused (comments/moderation.py, is_blocked_domain)."""

    verbose_name = "Comment spam filter"

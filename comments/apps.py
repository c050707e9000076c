from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    label = "newsroom_comments"
    verbose_name = "Reader comments"

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete

        from . import services
        from .models import Article
        from .navigation import connect_signals
        from .search import register_fold

        connect_signals()
        post_delete.connect(services.article_deleted, sender=Article, dispatch_uid="articles.removed")
        connection_created.connect(register_fold, dispatch_uid="articles.search.register_fold")

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .navigation import connect_signals
        from .search import register_fold

        connect_signals()
        connection_created.connect(register_fold, dispatch_uid="articles.search.register_fold")

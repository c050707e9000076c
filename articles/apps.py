from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.apps import apps
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from . import services
        from .models import Article, Image, Section, Tag
        from .navigation import connect_signals
        from .search import register_fold

        connect_signals()
        post_delete.connect(services.article_deleted, sender=Article, dispatch_uid="articles.removed")
        post_save.connect(
            services.forget_what_was_kept_for_another, sender=Article, dispatch_uid="articles.id-taken-again"
        )
        for model in (Section, Tag, Image, apps.get_model("authors", "Author")):
            pre_save.connect(
                services.note_what_articles_show,
                sender=model,
                dispatch_uid=f"articles.shows-{model.__name__}",
            )
            post_save.connect(
                services.articles_showing_changed,
                sender=model,
                dispatch_uid=f"articles.shown-{model.__name__}",
            )
        pre_delete.connect(services.articles_losing_a_tag, sender=Tag, dispatch_uid="articles.tag-deleted")
        # An article's headline or address as other articles list it under "Read more".
        pre_save.connect(
            services.note_what_related_show, sender=Article, dispatch_uid="articles.related-shows"
        )
        post_save.connect(
            services.related_showing_changed, sender=Article, dispatch_uid="articles.related-shown"
        )
        pre_delete.connect(
            services.articles_losing_a_related, sender=Article, dispatch_uid="articles.related-deleted"
        )
        connection_created.connect(register_fold, dispatch_uid="articles.search.register_fold")

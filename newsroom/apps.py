from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"

    def ready(self):
        from .page_cache import connect_signals

        connect_signals()  # here, not in the middleware: Celery workers publish too

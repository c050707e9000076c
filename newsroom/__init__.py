from . import startup
from .celery import app as celery_app

startup.install()  # before the settings are read: a refused setting is one line (newsroom/startup.py)

__all__ = ("celery_app",)

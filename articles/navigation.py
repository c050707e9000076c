"""The "Browse By" navigation on every page: sections in order and popular tags, cached between edits."""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom.page_cache import bump

from .models import Article, Section, Tag

CACHE_KEY = "articles:browse-by:v1"
# When the navigation's data last changed (ns): one worked out from rows read before that is not kept.
CHANGED_KEY = "articles:browse-by:changed"
# The version the rendered navigation (a fragment: articles/templatetags/newsroom_site.py) is kept under.
NAV_DEP = "nav"
CACHE_SECONDS = 600
POPULAR_TAGS = 10

# Set while a preview renders changes that are rolled back afterwards (articles/previews.py).
_unsaved = ContextVar("browse_by_unsaved", default=False)


@contextmanager
def showing_unsaved_changes():
    """The navigation is worked out from what this thread sees, and neither read from the cache nor kept."""
    token = _unsaved.set(True)
    try:
        yield
    finally:
        _unsaved.reset(token)


def browse_by() -> dict:
    """Two small queries at most, none while the cache holds; plain values, so they cache cleanly."""
    if _unsaved.get():
        return _work_out()
    data = cache.get(CACHE_KEY)
    if data is None:
        started = time.time_ns()
        data = _work_out()
        # A reader who read the rows while an editor's change was on its way (not yet committed) would
        # otherwise keep the old navigation for CACHE_SECONDS after the commit.
        if int(cache.get(CHANGED_KEY) or 0) < started:
            cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def _work_out() -> dict:
    on_site = Section.objects.in_use().only("name", "slug")  # none before its first story is out
    sections = [{"name": s.name, "url": s.get_absolute_url()} for s in on_site]
    popular = (
        Tag.objects.filter(articles__in=Article.objects.published())
        .annotate(uses=Count("articles"))
        .order_by("-uses", "name")
        .only("name", "slug")[:POPULAR_TAGS]
    )
    tags = [{"name": t.name, "url": t.get_absolute_url()} for t in popular]
    return {"sections": sections, "tags": tags}


def forget_browse_by(**kwargs):
    """Now, and again once the change is committed (a navigation worked out in between is not kept)."""

    def forget():
        cache.set(CHANGED_KEY, time.time_ns(), CACHE_SECONDS)
        cache.delete(CACHE_KEY)

    forget()
    transaction.on_commit(forget)
    bump(NAV_DEP)


def connect_signals():
    for model in (Section, Tag, Article):
        post_save.connect(forget_browse_by, sender=model, dispatch_uid=f"browse-by-save-{model.__name__}")
        post_delete.connect(forget_browse_by, sender=model, dispatch_uid=f"browse-by-delete-{model.__name__}")
    m2m_changed.connect(forget_browse_by, sender=Article.tags.through, dispatch_uid="browse-by-tags")

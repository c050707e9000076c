"""The "Browse By" navigation on every page: sections in order and popular tags, cached between edits."""

from django.core.cache import cache
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom.page_cache import bump

from .models import Article, Section, Tag

CACHE_KEY = "articles:browse-by:v1"
# The version the rendered navigation (a fragment: articles/templatetags/newsroom_site.py) is kept under.
NAV_DEP = "nav"
CACHE_SECONDS = 600
POPULAR_TAGS = 10


def browse_by() -> dict:
    """Two small queries at most, none while the cache holds; plain values, so they cache cleanly."""
    data = cache.get(CACHE_KEY)
    if data is None:
        on_site = Section.objects.in_use().only("name", "slug")  # none before its first story is out
        sections = [{"name": s.name, "url": s.get_absolute_url()} for s in on_site]
        popular = (
            Tag.objects.filter(articles__in=Article.objects.published())
            .annotate(uses=Count("articles"))
            .order_by("-uses", "name")
            .only("name", "slug")[:POPULAR_TAGS]
        )
        tags = [{"name": t.name, "url": t.get_absolute_url()} for t in popular]
        data = {"sections": sections, "tags": tags}
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def forget_browse_by(**kwargs):
    cache.delete(CACHE_KEY)
    bump(NAV_DEP)


def connect_signals():
    for model in (Section, Tag, Article):
        post_save.connect(forget_browse_by, sender=model, dispatch_uid=f"browse-by-save-{model.__name__}")
        post_delete.connect(forget_browse_by, sender=model, dispatch_uid=f"browse-by-delete-{model.__name__}")
    m2m_changed.connect(forget_browse_by, sender=Article.tags.through, dispatch_uid="browse-by-tags")

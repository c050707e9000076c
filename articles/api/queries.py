"""Which articles a client may see, and how the API loads them in a fixed number of queries."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce

from comments.models import ReaderComment
from comments.queries import article_content_type, with_comment_counts
from newsroom.api import (
    is_staff_user,
)

from .. import search as site_search
from ..models import Article, Byline, RelatedArticle


def sees_unpublished(user) -> bool:
    """Staff who may view articles see every state; everyone else sees exactly what readers see."""
    return is_staff_user(user) and user.has_perm("articles.view_article")


def visible_articles(user):
    return Article.objects.all() if sees_unpublished(user) else Article.objects.published()


def with_sort_time(queryset, user):
    """`sort_at` orders the cursor: the publication time (drafts, for staff only: when planned or created)."""
    if sees_unpublished(user):
        return queryset.annotate(sort_at=Coalesce("published_at", "publish_at", "created_at"))
    return queryset.annotate(sort_at=F("published_at"))


def public_comments():
    """Approved comments of articles, by the comments app's one definition of what readers see, each
    marked when posted from a staff account (`by_staff`)."""
    return (
        ReaderComment.objects.approved()
        .filter(content_type=article_content_type(), site_id=settings.SITE_ID)
        .with_staff_mark()
    )


def listing_prefetches() -> list:
    """Bylines with public author fields, and tags: what a list entry shows beyond the article row."""
    bylines = Byline.objects.select_related("author").only(
        "article_id",
        "position",
        "author__id",
        "author__display_name",
        "author__slug",
        "author__kind",
        "author__job_title",
    )
    return [Prefetch("bylines", queryset=bylines), "tags"]


def for_api_listing(queryset):
    """Section, lead image and comment count in the list's one query (not the bodies, which lists do not
    show); the list serializer loads bylines and tags (listing_prefetches) for the entries it does not have
    cached, in two more."""
    return _with_summary(queryset).defer("body")


def for_api_listing_ids(queryset):
    """Only what the list's cursor needs: the entries come from the cache, and those that do not are
    loaded in full (serializers.loaded_in_full). Reading 20 whole rows with their comment counts cost more
    than all the rest of a cached list. Plain rows, not model instances: the cursor reads `sort_at` from
    either, and building 21 instances cost more than the query."""
    return queryset.values("id", "sort_at")


def _with_summary(queryset):
    return with_comment_counts(queryset.select_related("section", "lead_image"))


def for_api_detail(queryset, user):
    related = RelatedArticle.objects.filter(related__in=visible_articles(user)).select_related(
        "related__section"
    )
    return _with_summary(queryset).prefetch_related(
        *listing_prefetches(), "corrections", Prefetch("related_links", queryset=related)
    )


def search(queryset, text: str):
    """The site's search engine (articles/search.py) as a filter only: the cursor keeps the time order.

    On PostgreSQL the WHERE clause matches the stored, GIN-indexed vectors; no rank or snippet to compute.
    """
    text = site_search.clean_query(text)
    if not text:
        return queryset.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=site_search.SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_document__document=query)
    return site_search.search_articles(queryset, text)

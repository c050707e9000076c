"""The articles REST API, a package of the usual rooms: which articles a client sees and how they load
(`queries`), their shapes (`serializers`), `filters`, schema `examples`, and the `views`."""

from .queries import for_api_listing, sees_unpublished, visible_articles, with_sort_time
from .serializers import ArticleListSerializer
from .views import (
    SLUG,
    ArticleCursorPagination,
    ArticleViewSet,
    ImageViewSet,
    SectionViewSet,
    TagViewSet,
)

__all__ = [
    "SLUG",
    "ArticleCursorPagination",
    "ArticleListSerializer",
    "ArticleViewSet",
    "ImageViewSet",
    "SectionViewSet",
    "TagViewSet",
    "for_api_listing",
    "sees_unpublished",
    "visible_articles",
    "with_sort_time",
]

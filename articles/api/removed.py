"""`articles/removed/`: the articles that left the site (unpublished or deleted), for clients that keep a
copy of the articles and sync them with `articles/?updated_since=`, which never lists an article that is
gone. Readers' data only: the id, the slug it had on the site and when it left (RemovedArticle)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from newsroom.api import SCHEMA_EXAMPLES, NewsroomViewMixin, TimeAndIdCursorPagination

from ..models import RemovedArticle
from .filters import StrictIsoDateTimeFilter, time_parameter

REMOVED_EXAMPLE = {"id": 42, "slug": "harbour-bridge-vote", "removed_at": "2026-11-26T09:15:00Z"}
SCHEMA_EXAMPLES["RemovedArticle"] = REMOVED_EXAMPLE


class RemovedArticleSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        source="article_id", read_only=True, help_text="The article's id, as `articles/` gave it."
    )

    class Meta:
        model = RemovedArticle
        fields = ["id", "slug", "removed_at"]


class RemovedArticleFilter(django_filters.FilterSet):
    since = StrictIsoDateTimeFilter(
        field_name="removed_at",
        lookup_expr="gte",
        help_text=time_parameter(
            "Those that left the site at or after it: give the time of your last sync, as for "
            "`articles/?updated_since=`."
        ),
    )

    class Meta:
        model = RemovedArticle
        fields = []


class RemovedArticleCursorPagination(TimeAndIdCursorPagination):
    ordering = ("-removed_at", "-article_id")


@extend_schema_view(
    list=extend_schema(
        summary="List articles that left the site",
        description="Articles readers could read that have since been unpublished or deleted, newest first, "
        "with cursor pagination: drop your copies of them. With `articles/?updated_since=` this keeps a "
        "copy of the articles in step: read both with the same time (when your last sync began), this list "
        "first; drop what it lists, then take what `updated_since` lists. Take that time a minute early: a "
        "change saved as your last sync read carries a time just before it. "
        "An article published again leaves this list and comes back in `articles/?updated_since=`; a "
        "draft that never ran is never listed. Only the id, the slug it had on the site and the time.",
    ),
)
class RemovedArticleViewSet(NewsroomViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = RemovedArticle.objects.all()
    serializer_class = RemovedArticleSerializer
    pagination_class = RemovedArticleCursorPagination
    filterset_class = RemovedArticleFilter

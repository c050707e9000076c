"""The authors API: public profiles (never the private contact email) and each author's published articles."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from articles.api import (
    SLUG,
    ArticleCursorPagination,
    ArticleListSerializer,
    for_api_listing,
    sees_unpublished,
    visible_articles,
    with_sort_time,
)
from newsroom.api import (
    SCHEMA_EXAMPLES,
    NewsroomViewMixin,
    SlugLookupMixin,
    StrictCursorPagination,
    refuse_unknown_parameters,
)

from .models import Author


class AuthorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:author-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The author's page on the site.")
    articles_url = serializers.HyperlinkedIdentityField(
        view_name="api:author-articles", lookup_field="slug", help_text="The author's published articles."
    )
    photo = serializers.SerializerMethodField(help_text="A 240×240 JPEG portrait, if there is one.")

    class Meta:
        model = Author
        fields = [
            "id",
            "display_name",
            "slug",
            "kind",
            "job_title",
            "bio",
            "photo",
            "x_handle",
            "mastodon_handle",
            "bluesky_handle",
            "website",
            "url",
            "page_url",
            "articles_url",
        ]

    def get_page_url(self, author) -> str:
        return settings.SITE_URL + author.get_absolute_url()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, author):
        if not author.photo:
            return None
        request = self.context.get("request")
        url = author.photo_square.url
        return request.build_absolute_uri(url) if request else url


SCHEMA_EXAMPLES["Author"] = {
    "id": 7,
    "display_name": "Ada Reporter",
    "slug": "ada-reporter",
    "kind": "staff",
    "job_title": "City correspondent",
    "bio": "Covers City Hall and the harbour.",
    "photo": "https://news.example.org/media/CACHE/authors/ada-240.jpg",
    "x_handle": "adareports",
    "mastodon_handle": "",
    "bluesky_handle": "ada.bsky.social",
    "website": "",
    "url": "https://news.example.org/api/v1/authors/ada-reporter/",
    "page_url": "https://news.example.org/authors/ada-reporter/",
    "articles_url": "https://news.example.org/api/v1/authors/ada-reporter/articles/",
}


class AuthorCursorPagination(StrictCursorPagination):
    ordering = ("display_name", "id")
    page_size = 50


@extend_schema_view(
    list=extend_schema(summary="List authors", description="Alphabetical by the name shown in bylines."),
    retrieve=extend_schema(summary="Get an author", parameters=[SLUG("author")]),
)
class AuthorViewSet(SlugLookupMixin, NewsroomViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Author.objects.with_public_fields()
    serializer_class = AuthorSerializer
    pagination_class = AuthorCursorPagination

    def get_queryset(self):
        """Staff who see drafts see every author; readers those on a published story's byline."""
        return self.queryset.all() if sees_unpublished(self.request.user) else self.queryset.bylined()

    @extend_schema(
        summary="List an author's articles",
        description="Published articles with this author in the byline, newest first (staff also see drafts)",
        responses=ArticleListSerializer(many=True),
        parameters=[SLUG("author")],
    )
    @action(detail=True, methods=["get"], pagination_class=ArticleCursorPagination, filter_backends=[])
    def articles(self, request, slug=None):
        # It takes no filter: `?status=draft` or `?page=2` is a 400 naming what it takes, as on /articles/.
        refuse_unknown_parameters(request, set(), self.paginator)
        author = self.get_object()
        user = request.user
        queryset = for_api_listing(with_sort_time(visible_articles(user), user).by_author(author))
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context()
        return self.get_paginated_response(ArticleListSerializer(page, many=True, context=context).data)

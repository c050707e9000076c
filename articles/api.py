"""The articles API: public reads from Article.objects.published(), staff writes through services.py."""

import datetime

import django_filters
import reversion
from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from authors.models import Author
from comments import services as comment_services
from comments.models import ReaderComment
from comments.moderation import Refused
from comments.queries import article_content_type, with_comment_counts
from comments.rendering import public_name, public_text
from newsroom.api import (
    SCHEMA_EXAMPLES,
    CommentRefused,
    LimitedJSONParser,
    NewsroomViewMixin,
    StrictCursorPagination,
    StrictFieldsMixin,
    is_staff_user,
)
from newsroom.throttles import CommentPostThrottle

from . import search as site_search
from . import services
from .models import Article, Byline, Correction, Image, RelatedArticle, Section, Tag

# ---------------------------------------------------------------------------------------------------
# Querysets


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
    """Approved comments of articles, by the comments app's one definition of what readers see."""
    return ReaderComment.objects.approved().filter(
        content_type=article_content_type(), site_id=settings.SITE_ID
    )


def for_api_listing(queryset):
    """Section, lead image, bylines with public author fields and tags, in a fixed number of queries."""
    bylines = Byline.objects.select_related("author").only(
        "article_id",
        "position",
        "author__id",
        "author__display_name",
        "author__slug",
        "author__kind",
        "author__job_title",
    )
    return with_comment_counts(
        queryset.select_related("section", "lead_image").prefetch_related(
            Prefetch("bylines", queryset=bylines), "tags"
        )
    )


def for_api_detail(queryset, user):
    related = RelatedArticle.objects.filter(related__in=visible_articles(user)).select_related(
        "related__section"
    )
    return for_api_listing(queryset).prefetch_related(
        "corrections", Prefetch("related_links", queryset=related)
    )


def search(queryset, text: str):
    """The site's search engine (articles/search.py) as a filter only: the cursor keeps the time order.

    On PostgreSQL the WHERE clause is the GIN-indexed vector itself, with no rank or snippet to compute.
    """
    text = site_search.clean_query(text)
    if not text:
        return queryset.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=site_search.SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(search=site_search.search_vector()).filter(search=query)
    return site_search.search_articles(queryset, text)


# ---------------------------------------------------------------------------------------------------
# Serializers: small building blocks, then a light list shape and a full detail shape.


class SectionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:section-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The section's page on the site.")
    articles_url = serializers.SerializerMethodField(help_text="The section's articles in the API.")

    class Meta:
        model = Section
        fields = ["id", "name", "slug", "description", "position", "url", "page_url", "articles_url"]

    def get_page_url(self, section) -> str:
        return settings.SITE_URL + section.get_absolute_url()

    def get_articles_url(self, section) -> str:
        return _api_url(self.context, "api:article-list", f"?section={section.slug}")


class SectionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "name", "slug"]


class TagSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:tag-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The tag's page on the site.")
    articles_url = serializers.SerializerMethodField(help_text="The tag's articles in the API.")

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "url", "page_url", "articles_url"]

    def get_page_url(self, tag) -> str:
        return settings.SITE_URL + tag.get_absolute_url()

    def get_articles_url(self, tag) -> str:
        return _api_url(self.context, "api:article-list", f"?tag={tag.slug}")


class TagSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "slug"]


def _api_url(context, name, suffix=""):
    from django.urls import reverse

    url = reverse(name) + suffix
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField(help_text="Pixels; for `srcset`.")


class LeadImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    width = serializers.IntegerField(help_text="Of the original, in pixels.")
    height = serializers.IntegerField(help_text="Of the original, in pixels.")
    alt = serializers.CharField(help_text="Describes the image for readers who cannot see it.")
    caption = serializers.CharField(allow_blank=True, help_text="This article's caption, else the image's.")
    credit = serializers.CharField(allow_blank=True)
    renditions = RenditionSerializer(many=True, help_text="JPEG renditions, narrowest first.")

    def to_representation(self, article):
        image = article.lead_image
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request else (lambda url: url)
        return {
            "id": image.pk,
            "width": image.width,
            "height": image.height,
            "alt": image.alt_text,
            "caption": article.caption,
            "credit": image.credit,
            "renditions": [{"url": absolute(url), "width": width} for url, width in image.renditions()],
        }


class AuthorSummarySerializer(serializers.ModelSerializer):
    """What a byline says about its author; contact details never leave the newsroom."""

    url = serializers.HyperlinkedIdentityField(view_name="api:author-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The author's page on the site.")

    class Meta:
        model = Author
        fields = ["id", "display_name", "slug", "kind", "job_title", "url", "page_url"]

    def get_page_url(self, author) -> str:
        return settings.SITE_URL + author.get_absolute_url()


class BylineSerializer(AuthorSummarySerializer):
    def to_representation(self, byline):
        return super().to_representation(byline.author)


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["kind", "note", "noted_at"]


class ArticleListSerializer(serializers.ModelSerializer):
    """The light shape used in lists: no body, no related articles."""

    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail")
    section = SectionSummarySerializer()
    tags = TagSummarySerializer(many=True)
    bylines = BylineSerializer(many=True, help_text="Authors in byline order.")
    lead_image = serializers.SerializerMethodField()
    canonical_url = serializers.SerializerMethodField(help_text="The article's address on the site.")
    comment_count = serializers.IntegerField(read_only=True, help_text="Approved, visible comments.")

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "headline",
            "slug",
            "dek",
            "section",
            "tags",
            "bylines",
            "lead_image",
            "source_credit",
            "is_featured",
            "is_breaking",
            "status",
            "published_at",
            "first_published_at",
            "updated_at",
            "canonical_url",
            "comment_count",
        ]

    @extend_schema_field(LeadImageSerializer(allow_null=True))
    def get_lead_image(self, article):
        if article.lead_image is None:
            return None
        return LeadImageSerializer(article, context=self.context).data

    def get_canonical_url(self, article) -> str:
        return settings.SITE_URL + article.get_absolute_url()


class RelatedSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    headline = serializers.CharField()
    url = serializers.URLField(help_text="The related article in the API.")
    canonical_url = serializers.URLField()

    def to_representation(self, link):
        from django.urls import reverse

        article = link.related
        request = self.context.get("request")
        url = reverse("api:article-detail", kwargs={"pk": article.pk})
        return {
            "id": article.pk,
            "headline": article.headline,
            "url": request.build_absolute_uri(url) if request else url,
            "canonical_url": settings.SITE_URL + article.get_absolute_url(),
        }


class ArticleDetailSerializer(ArticleListSerializer):
    body = serializers.CharField(help_text="Sanitised HTML.")
    related = RelatedSummarySerializer(
        many=True, source="related_links", help_text="Shown under “Read more”, in the editors' order."
    )
    corrections = CorrectionSerializer(many=True)

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "body",
            "related",
            "corrections",
            "publish_at",
            "created_at",
        ]


class SlugField(serializers.SlugRelatedField):
    """A related object by slug; text no slug could be (NUL bytes, too long) is refused before the query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and ("\x00" in data or len(data) > 200):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:50])
        return super().to_internal_value(data)


class ArticleWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Drafts as staff write them; the workflow state changes only through the actions."""

    LIMITS = {"tags": 50, "bylines": 20, "related": 20}

    section = SlugField(slug_field="slug", queryset=Section.objects.all())
    tags = SlugField(
        slug_field="slug", many=True, queryset=Tag.objects.all(), required=False, help_text="Tag slugs."
    )
    bylines = SlugField(
        slug_field="slug",
        many=True,
        queryset=Author.objects.all(),
        required=False,
        help_text="Author slugs, in byline order.",
    )
    related = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Article.objects.all(),
        required=False,
        help_text="Ids of related articles, in the order shown under “Read more”.",
    )
    lead_image = serializers.PrimaryKeyRelatedField(
        queryset=Image.objects.all(), allow_null=True, required=False, help_text="Id of an uploaded image."
    )

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "section",
            "tags",
            "bylines",
            "related",
            "lead_image",
            "lead_image_caption",
            "source_credit",
            "comments_enabled",
            "is_featured",
            "is_breaking",
        ]

    def to_internal_value(self, data):
        if isinstance(data, dict):
            too_long = {
                name: [f"At most {limit} items."]
                for name, limit in self.LIMITS.items()
                if isinstance(data.get(name), list) and len(data[name]) > limit
            }
            if too_long:
                raise serializers.ValidationError(too_long)
        return super().to_internal_value(data)

    def validate_bylines(self, authors):
        if len({a.pk for a in authors}) != len(authors):
            raise serializers.ValidationError("An author appears twice.")
        return authors

    def validate_tags(self, tags):
        return list(dict.fromkeys(tags))

    def validate_related(self, articles):
        if len({a.pk for a in articles}) != len(articles):
            raise serializers.ValidationError("An article appears twice.")
        if self.instance is not None and any(a.pk == self.instance.pk for a in articles):
            raise serializers.ValidationError("An article cannot be related to itself.")
        return articles

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = self.context["request"].user
        if not services.can_publish(user):
            for flag in ("is_featured", "is_breaking"):
                current = getattr(self.instance, flag) if self.instance else False
                if flag in attrs and attrs[flag] != current:
                    raise PermissionDenied("Only editors can mark articles as featured or breaking.")
        return attrs

    def create(self, validated_data):
        return self._save(Article(created_by=self.context["request"].user), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, article, data):
        tags, bylines, related = data.pop("tags", None), data.pop("bylines", None), data.pop("related", None)
        user = self.context["request"].user
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment("Changed through the API" if article.pk else "Created through the API")
            for name, value in data.items():
                setattr(article, name, value)
            article.save()
            if tags is not None:
                article.tags.set(tags)
            if bylines is not None:
                article.bylines.all().delete()
                Byline.objects.bulk_create(
                    Byline(article=article, author=author, position=n) for n, author in enumerate(bylines)
                )
            if related is not None:
                article.related_links.all().delete()
                RelatedArticle.objects.bulk_create(
                    RelatedArticle(article=article, related=other, position=n)
                    for n, other in enumerate(related)
                )
        return article


class ScheduleSerializer(StrictFieldsMixin, serializers.Serializer):
    publish_at = serializers.DateTimeField(help_text="When the article goes live; must be in the future.")


class ArticleCommentSerializer(serializers.Serializer):
    """A reader's approved comment, rendered as the site renders it: a name, never an email or address."""

    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(
        help_text="The comment this replies to; its own id at the top level."
    )
    level = serializers.IntegerField(help_text="Nesting depth, 0 at the top.")
    name = serializers.CharField(help_text="The name the commenter gave; emails in it are masked.")
    submit_date = serializers.DateTimeField()
    text_html = serializers.CharField(
        help_text="The comment as HTML: escaped text, paragraphs, links marked nofollow; emails masked."
    )

    def to_representation(self, comment):
        return {
            "id": comment.pk,
            "parent_id": comment.parent_id,
            "level": comment.level,
            "name": public_name(comment.user_name),
            "submit_date": serializers.DateTimeField().to_representation(comment.submit_date),
            "text_html": str(public_text(comment.comment)),
        }


class CommentPostSerializer(StrictFieldsMixin, serializers.Serializer):
    """The same fields and limits as the site's comment form."""

    name = serializers.CharField(max_length=50, help_text="Shown with the comment.")
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text="Required unless signed in; never published, never echoed back. Anonymous commenters get "
        "a confirmation link by email.",
    )
    url = serializers.URLField(max_length=200, required=False, allow_blank=True, help_text="Your web site.")
    comment = serializers.CharField(
        max_length=settings.COMMENT_MAX_LENGTH, help_text="Plain text; links are allowed."
    )
    parent_id = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, default=0, help_text="Id of the comment replied to."
    )
    followup = serializers.BooleanField(required=False, default=False, help_text="Email me replies.")

    def validate_url(self, url):
        if url and not url.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Enter a web address that starts with http:// or https://.")
        return url

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = self.context["request"].user
        if not (user and user.is_authenticated and user.email) and not attrs.get("email"):
            raise serializers.ValidationError({"email": ["Give an email address to confirm your comment."]})
        return attrs


class CommentPostedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["published", "held", "confirm"],
        help_text="`published`: visible now; `held`: awaits a moderator; `confirm`: see the emailed link.",
    )
    message = serializers.CharField(help_text="What happens next, for a person.")
    comment = ArticleCommentSerializer(allow_null=True, help_text="The published comment; null otherwise.")


COMMENT_OUTCOME_MESSAGES = {
    "published": "Your comment is published.",
    "held": "Your comment is waiting for a moderator.",
    "confirm": "We have emailed you a link; your comment appears once you follow it.",
}


class ImageSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    file = serializers.ImageField(
        write_only=True, help_text="JPEG, PNG, WebP or GIF, 200 to 8000 pixels a side."
    )
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = Image
        fields = [
            "id",
            "file",
            "title",
            "caption",
            "credit",
            "alt_text",
            "width",
            "height",
            "renditions",
            "created_at",
        ]
        read_only_fields = ["width", "height", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .images import validate_image_upload

        self.fields["file"].validators.append(validate_image_upload)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["file"].required = False

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, image):
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request else (lambda url: url)
        return [{"url": absolute(url), "width": width} for url, width in image.renditions()]


# ---------------------------------------------------------------------------------------------------
# Filters


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class ArticleFilter(django_filters.FilterSet):
    section = django_filters.CharFilter(field_name="section__slug", max_length=80, help_text="Section slug.")
    tag = django_filters.CharFilter(field_name="tags__slug", max_length=60, help_text="Tag slug.")
    author = django_filters.CharFilter(
        field_name="bylines__author__slug", max_length=140, help_text="Author slug."
    )
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601, e.g. 2026-11-01T00:00:00Z."
    )
    published_before = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO 8601; articles published before it."
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601; changed at or after it."
    )
    featured = StrictBooleanFilter(field_name="is_featured", help_text="`true` or `false`.")
    breaking = StrictBooleanFilter(field_name="is_breaking", help_text="`true` or `false`.")
    status = django_filters.ChoiceFilter(
        choices=Article.Status.choices,
        help_text="Workflow state; only staff see states other than published.",
    )
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text='Full-text search of headline, standfirst and body ("a phrase", or, -word).',
    )

    class Meta:
        model = Article
        fields = []

    def search(self, queryset, name, value):
        return search(queryset, value)


# ---------------------------------------------------------------------------------------------------
# Views


class ArticleCursorPagination(StrictCursorPagination):
    """Newest first by publication time; drafts (staff only) sort by when they were created."""

    ordering = ("-sort_at", "-id")
    position_type = "datetime"


class CommentCursorPagination(StrictCursorPagination):
    """Threads in the order they were started, each thread's replies in order."""

    ordering = ("thread_id", "order")
    position_type = int
    page_size = 50
    max_page_size = 200


class SlugCursorPagination(StrictCursorPagination):
    ordering = ("name",)
    page_size = 50


class SectionCursorPagination(StrictCursorPagination):
    ordering = ("position", "name")
    position_type = int
    page_size = 50


class ImageCursorPagination(StrictCursorPagination):
    ordering = ("-created_at", "-id")
    position_type = "datetime"


ARTICLE_EXAMPLE = {
    "id": 42,
    "url": "https://news.example.org/api/v1/articles/42/",
    "headline": "Council approves new harbour plan",
    "slug": "council-approves-harbour-plan",
    "dek": "The plan adds two ferry piers and a cycle path.",
    "section": {"id": 1, "name": "City", "slug": "city"},
    "tags": [{"id": 3, "name": "Transport", "slug": "transport"}],
    "bylines": [
        {
            "id": 7,
            "display_name": "Ada Reporter",
            "slug": "ada-reporter",
            "kind": "staff",
            "job_title": "City correspondent",
            "url": "https://news.example.org/api/v1/authors/ada-reporter/",
            "page_url": "https://news.example.org/authors/ada-reporter/",
        }
    ],
    "lead_image": {
        "id": 5,
        "width": 1600,
        "height": 900,
        "alt": "Three cranes against an orange sky",
        "caption": "Harbour cranes at dawn.",
        "credit": "Staff photographer",
        "renditions": [
            {"url": "https://news.example.org/media/renditions/a/480.jpg", "width": 480},
            {"url": "https://news.example.org/media/renditions/a/800.jpg", "width": 800},
        ],
    },
    "source_credit": "With reporting by AFP",
    "is_featured": False,
    "is_breaking": False,
    "status": "published",
    "published_at": "2026-11-25T09:30:00Z",
    "first_published_at": "2026-11-25T09:30:00Z",
    "updated_at": "2026-11-25T10:02:11Z",
    "canonical_url": "https://news.example.org/city/2026/11/25/council-approves-harbour-plan/",
    "comment_count": 3,
}

WRITE_EXAMPLE = {
    "headline": "Council approves new harbour plan",
    "slug": "council-approves-harbour-plan",
    "dek": "The plan adds two ferry piers and a cycle path.",
    "body": "<p>The council voted seven to two in favour.</p>",
    "section": "city",
    "tags": ["transport"],
    "bylines": ["ada-reporter"],
    "related": [17, 12],
    "lead_image": 5,
}


def SLUG(what):  # noqa: N802 - reads like the constant it stands for
    return OpenApiParameter("slug", str, OpenApiParameter.PATH, description=f"The {what}'s slug.")


SECTION_EXAMPLE = {
    "id": 1,
    "name": "City",
    "slug": "city",
    "description": "Council, courts, transport and the harbour front.",
    "position": 0,
    "url": "https://news.example.org/api/v1/sections/city/",
    "page_url": "https://news.example.org/city/",
    "articles_url": "https://news.example.org/api/v1/articles/?section=city",
}
TAG_EXAMPLE = {
    "id": 3,
    "name": "Transport",
    "slug": "transport",
    "url": "https://news.example.org/api/v1/tags/transport/",
    "page_url": "https://news.example.org/tag/transport/",
    "articles_url": "https://news.example.org/api/v1/articles/?tag=transport",
}
COMMENT_EXAMPLE = {
    "id": 12,
    "parent_id": 10,
    "level": 1,
    "name": "Sam",
    "submit_date": "2026-11-25T11:00:00Z",
    "text_html": "<p>Good news for cyclists.</p>",
}
IMAGE_EXAMPLE = {
    "id": 5,
    "title": "Harbour cranes",
    "caption": "Harbour cranes at dawn.",
    "credit": "Staff photographer",
    "alt_text": "Three cranes against an orange sky",
    "width": 1600,
    "height": 900,
    "renditions": ARTICLE_EXAMPLE["lead_image"]["renditions"],
    "created_at": "2026-11-25T08:12:00Z",
}
SCHEMA_EXAMPLES.update(
    {
        "ArticleList": ARTICLE_EXAMPLE,
        "ArticleDetail": ARTICLE_EXAMPLE
        | {
            "body": "<p>The council voted seven to two in favour.</p>",
            "related": [
                {
                    "id": 17,
                    "headline": "Ferry timetable to change in spring",
                    "url": "https://news.example.org/api/v1/articles/17/",
                    "canonical_url": "https://news.example.org/city/2026/11/20/ferry-timetable-spring/",
                }
            ],
            "corrections": [
                {
                    "kind": "correction",
                    "note": "An earlier version gave the wrong vote count.",
                    "noted_at": "2026-11-25T10:00:00Z",
                }
            ],
            "publish_at": None,
            "created_at": "2026-11-24T17:40:00Z",
        },
        "ArticleWriteRequest": WRITE_EXAMPLE,
        "PatchedArticleWriteRequest": {"dek": "A shorter standfirst.", "tags": ["transport", "harbour"]},
        "ScheduleRequest": {"publish_at": "2026-11-26T07:00:00Z"},
        "ArticleComment": COMMENT_EXAMPLE,
        "CommentPostRequest": {
            "name": "Sam",
            "email": "sam@example.org",
            "comment": "Good news.",
            "parent_id": 0,
        },
        "CommentPosted": {
            "status": "published",
            "message": COMMENT_OUTCOME_MESSAGES["published"],
            "comment": COMMENT_EXAMPLE,
        },
        "Section": SECTION_EXAMPLE,
        "Tag": TAG_EXAMPLE,
        "Image": IMAGE_EXAMPLE,
        "ImageRequest": {"file": "(the image file)", "title": "Harbour cranes", "alt_text": "Three cranes"},
        "PatchedImageRequest": {"caption": "Harbour cranes at dawn, seen from the Old Quay."},
    }
)

PATH_PARAMETERS = [
    OpenApiParameter("section", str, OpenApiParameter.PATH, description="Section slug."),
    OpenApiParameter("year", str, OpenApiParameter.PATH, description="Four digits, e.g. 2026."),
    OpenApiParameter("month", str, OpenApiParameter.PATH, description="Two digits, 01 to 12."),
    OpenApiParameter("day", str, OpenApiParameter.PATH, description="Two digits, 01 to 31."),
    OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Article slug."),
]


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        parameters=[
            OpenApiParameter("featured", bool, description="`true`: featured stories only; `false`: others."),
            OpenApiParameter("breaking", bool, description="`true`: breaking news only; `false`: others."),
        ],
        description="Newest first by publication time, with cursor pagination. Anonymous clients and readers "
        "see published articles only; staff see every state (filter with `status`).",
        examples=[OpenApiExample("an article in a list", value=ARTICLE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary="Get an article by id"),
    create=extend_schema(
        summary="Create a draft",
        description="Needs the `add_article` permission. The article starts as a draft; use the actions to "
        "move it through the workflow. Only editors may set `is_featured` and `is_breaking`.",
        request=ArticleWriteSerializer,
        responses={201: ArticleDetailSerializer},
        examples=[OpenApiExample("a new draft", value=WRITE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Replace an article's editable fields",
        description="Allowed where the admin allows it: editors edit everything, reporters their own drafts.",
        request=ArticleWriteSerializer,
        responses={200: ArticleDetailSerializer},
        examples=[OpenApiExample("a full edit", value=WRITE_EXAMPLE, request_only=True)],
    ),
    partial_update=extend_schema(
        summary="Change some of an article's editable fields",
        description="Lists given (`tags`, `bylines`, `related`) replace the old ones, in the order given.",
        request=ArticleWriteSerializer,
        responses={200: ArticleDetailSerializer},
        examples=[
            OpenApiExample(
                "new bylines", value={"bylines": ["ada-reporter", "ben-writer"]}, request_only=True
            )
        ],
    ),
)
class ArticleViewSet(
    NewsroomViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    pagination_class = ArticleCursorPagination
    filterset_class = ArticleFilter
    parser_classes = [LimitedJSONParser]
    open_actions = {"comments"}  # readers post comments; the comments app's rules decide
    schema_error_codes = {"comments": ["409"]}
    permission_map = {
        "create": ["articles.add_article"],
        "update": ["articles.change_article"],
        "partial_update": ["articles.change_article"],
        "submit": ["articles.change_article"],
        "publish": ["articles.change_article"],
        "schedule": ["articles.change_article"],
        "unpublish": ["articles.change_article"],
    }

    def get_queryset(self):
        user = self.request.user
        queryset = with_sort_time(visible_articles(user), user)
        if self.action == "list":
            return for_api_listing(queryset)
        return for_api_detail(queryset, user)

    def get_serializer_class(self):
        if self.action == "list":
            return ArticleListSerializer
        if self.action in ("create", "update", "partial_update"):
            return ArticleWriteSerializer
        return ArticleDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        return self._detail_response(self.get_object())

    def _detail_response(self, article, status_code=status.HTTP_200_OK):
        if status_code == status.HTTP_200_OK:
            self._last_modified = self._article_last_modified(article)
        return Response(
            ArticleDetailSerializer(article, context=self.get_serializer_context()).data, status_code
        )

    def _article_last_modified(self, article):
        """The article's own change, or the last comment posted or moderated (the comment count shows)."""
        comments = ReaderComment.objects.filter(
            content_type=article_content_type(), object_pk=str(article.pk)
        ).aggregate(posted=Max("submit_date"), decided=Max("moderation__decided_at"))
        return max(filter(None, [article.updated_at, comments["posted"], comments["decided"]]))

    def _reload(self, article):
        user = self.request.user
        return for_api_detail(with_sort_time(Article.objects.filter(pk=article.pk), user), user).get()

    def _check_can_edit(self, article):
        if not services.can_edit(article=article, user=self.request.user):
            raise PermissionDenied("You may not edit this article: reporters edit only their own drafts.")

    def create(self, request, *args, **kwargs):
        serializer = ArticleWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        article = serializer.save()
        return self._detail_response(self._reload(article), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        article = self.get_object()
        self._check_can_edit(article)
        serializer = ArticleWriteSerializer(
            article,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._detail_response(self._reload(article))

    @extend_schema(
        summary="Get an article by its address",
        description="The same path as the article's page on the site: section/yyyy/mm/dd/slug.",
        parameters=PATH_PARAMETERS,
        responses=ArticleDetailSerializer,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"by-path/(?P<section>[-\w]+)/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-\w]+)",
        filter_backends=[],
        pagination_class=None,
    )
    def by_path(self, request, section, year, month, day, slug):
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError as error:
            raise Http404 from error
        article = (
            self.get_queryset().filter(section__slug=section, slug=slug, published_at__date=date).first()
        )
        if article is None:
            raise Http404
        return self._detail_response(article)

    @extend_schema(
        methods=["GET"],
        summary="List an article's comments",
        description="Approved comments of a published article, threaded: each has its `parent_id` and "
        "`level`; threads in the order they were started. Names only, never an email or address.",
        responses=ArticleCommentSerializer(many=True),
        examples=[
            OpenApiExample(
                "a reply",
                response_only=True,
                value={
                    "id": 12,
                    "parent_id": 10,
                    "level": 1,
                    "name": "Sam",
                    "submit_date": "2026-11-25T11:00:00Z",
                    "text_html": "<p>Good news for cyclists.</p>",
                },
            )
        ],
    )
    @extend_schema(
        methods=["POST"],
        summary="Post a comment",
        description="Anyone may post, signed in or not: the comment goes through the same moderation and "
        "privacy rules as the site's form. Anonymous commenters confirm by email first (202, `confirm`); "
        "a held comment waits for a moderator (201, `held`). The email is never echoed back. "
        "Closed comments answer 403, a repeat 409, posting too fast 429.",
        request=CommentPostSerializer,
        responses={201: CommentPostedSerializer, 202: CommentPostedSerializer},
        examples=[
            OpenApiExample(
                "an anonymous reply",
                request_only=True,
                value={"name": "Sam", "email": "sam@example.org", "comment": "Good news.", "parent_id": 10},
            ),
            OpenApiExample(
                "confirmation needed",
                response_only=True,
                status_codes=["202"],
                value={"status": "confirm", "message": COMMENT_OUTCOME_MESSAGES["confirm"], "comment": None},
            ),
        ],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        pagination_class=CommentCursorPagination,
        serializer_class=ArticleCommentSerializer,
    )
    def comments(self, request, pk=None):
        if request.method == "POST":
            return self._post_comment(request, pk)
        article = self._published_or_404(pk)
        comments = (
            public_comments()
            .filter(object_pk=str(article.pk))
            .only("id", "parent_id", "level", "thread_id", "order", "user_name", "submit_date", "comment")
        )
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(ArticleCommentSerializer(page, many=True).data)

    def _post_comment(self, request, pk):
        article = self._published_or_404(pk, only_pk=False)
        serializer = CommentPostSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            outcome = comment_services.post_comment(
                article=article,
                user=request.user,
                name=data["name"],
                email=data.get("email", ""),
                url=data.get("url", ""),
                text=data["comment"],
                ip=request.META.get("REMOTE_ADDR") or None,
                parent_id=data["parent_id"],
                followup=data["followup"],
            )
        except Refused as refusal:
            raise CommentRefused(refusal) from refusal
        published = outcome.status == comment_services.PUBLISHED
        body = {
            "status": outcome.status,
            "message": COMMENT_OUTCOME_MESSAGES[outcome.status],
            "comment": ArticleCommentSerializer(outcome.comment).data if published else None,
        }
        code = (
            status.HTTP_202_ACCEPTED
            if outcome.status == comment_services.CONFIRM
            else status.HTTP_201_CREATED
        )
        return Response(body, code)

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "comments" and self.request.method == "POST":
            throttles.append(CommentPostThrottle())
        return throttles

    def _published_or_404(self, pk, only_pk=True):
        queryset = Article.objects.published()
        try:
            return (queryset.only("pk") if only_pk else queryset).get(pk=int(pk))
        except (Article.DoesNotExist, ValueError, OverflowError) as error:
            raise Http404 from error

    def _workflow(self, service, **kwargs):
        article = self.get_object()
        try:
            service(article=article, by=self.request.user, **kwargs)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"non_field_errors": error.messages}) from error
        return self._detail_response(self._reload(article))

    @extend_schema(
        summary="Send a draft to the editors for review", request=None, responses=ArticleDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request, pk=None):
        return self._workflow(services.submit_for_review)

    @extend_schema(
        summary="Publish now",
        description="Editors only (the `publish_article` permission); needs at least one byline.",
        request=None,
        responses=ArticleDetailSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def publish(self, request, pk=None):
        return self._workflow(services.publish_article)

    @extend_schema(
        summary="Schedule publication",
        description="Editors only; the schedule publishes it at `publish_at`.",
        request=ScheduleSerializer,
        responses=ArticleDetailSerializer,
        examples=[
            OpenApiExample(
                "tomorrow morning", value={"publish_at": "2026-11-26T07:00:00Z"}, request_only=True
            )
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def schedule(self, request, pk=None):
        serializer = ScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._workflow(services.schedule_article, at=serializer.validated_data["publish_at"])

    @extend_schema(
        summary="Unpublish",
        description="Editors only; readers no longer see the article.",
        request=None,
        responses=ArticleDetailSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def unpublish(self, request, pk=None):
        return self._workflow(services.unpublish_article)


@extend_schema_view(
    list=extend_schema(summary="List sections", description="In the site's navigation order."),
    retrieve=extend_schema(summary="Get a section", parameters=[SLUG("section")]),
)
class SectionViewSet(NewsroomViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Section.objects.all()
    serializer_class = SectionSerializer
    lookup_field = "slug"
    pagination_class = SectionCursorPagination


@extend_schema_view(
    list=extend_schema(summary="List tags", description="Alphabetical."),
    retrieve=extend_schema(summary="Get a tag", parameters=[SLUG("tag")]),
)
class TagViewSet(NewsroomViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    lookup_field = "slug"
    pagination_class = SlugCursorPagination


@extend_schema_view(
    list=extend_schema(summary="List images in the library", description="Staff with `view_image` only."),
    retrieve=extend_schema(summary="Get an image"),
    create=extend_schema(
        summary="Upload an image",
        description="Multipart form data. A file that is not a JPEG/PNG/WebP/GIF, is too large or too small "
        "is refused with 400.",
    ),
    partial_update=extend_schema(summary="Change an image's title, caption, credit or alt text"),
)
class ImageViewSet(
    NewsroomViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Image.objects.all()
    serializer_class = ImageSerializer
    pagination_class = ImageCursorPagination
    parser_classes = [MultiPartParser, FormParser, LimitedJSONParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_map = {
        "list": ["articles.view_image"],
        "retrieve": ["articles.view_image"],
        "create": ["articles.add_image"],
        "partial_update": ["articles.change_image"],
    }

    def perform_create(self, serializer):
        serializer.save(uploaded_by=self.request.user)

"""Social posts through the API: what the admin's "Social posts" list shows (each article's posts to each
account, and how they went), for staff with the admin's view permission, and its two buttons, Retry and
Share again, for editors (`sharing.services`, the same rules as the admin)."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from articles.api.filters import ArticleIdFilter, StrictCharFilter, StrictChoiceFilter
from newsroom.api import (
    ID_PATTERN,
    SCHEMA_EXAMPLES,
    NewsroomViewMixin,
    TimeAndIdCursorPagination,
    refuse_any_body,
)
from newsroom.users import display_name

from . import services
from .models import ShareRecord
from .networks import NETWORKS


class ShareFilter(django_filters.FilterSet):
    article = ArticleIdFilter()
    state = StrictChoiceFilter(choices=ShareRecord.State.choices, help_text="Where the post stands.")
    network = StrictChoiceFilter(choices=[(name, name) for name in NETWORKS], help_text="The network.")
    account = StrictCharFilter(help_text="The account's name in SHARING_ACCOUNTS.")

    class Meta:
        model = ShareRecord
        fields = []


class ArticleOfShareSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    headline = serializers.CharField(help_text="The article's headline now.")


class OptionalURLField(serializers.URLField):
    """A URL, or null where the row stores none (""): the contract's `format: uri` holds no empty string."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ShareSerializer(serializers.ModelSerializer):
    article = ArticleOfShareSerializer(help_text="The article posted.")
    remote_url = OptionalURLField(
        read_only=True,
        allow_null=True,
        help_text="Where the post can be seen; null until it is sent, or if the network gave none.",
    )
    requested_by = serializers.SerializerMethodField(help_text="Who published it or asked to share again.")

    class Meta:
        model = ShareRecord
        fields = [
            "id", "article", "account", "network", "round", "state", "text", "attempts", "last_error",
            "remote_url", "next_attempt_at", "requested_by", "created_at", "sent_at", "failed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_requested_by(self, share) -> str:
        user = share.requested_by
        return display_name(user) if user else ""


class ShareCursorPagination(TimeAndIdCursorPagination):
    """Newest first, as the admin lists them."""

    ordering = ("-created_at", "-id")


SHARE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The share's id.")
SCHEMA_EXAMPLES["Share"] = {
    "id": 31,
    "article": {"id": 87, "headline": "Council backs a night ferry for a one-year trial"},
    "account": "newsroom-mastodon",
    "network": "mastodon",
    "round": 1,
    "state": "failed",
    "text": "Council backs a night ferry for a one-year trial https://news.example/... #transport",
    "attempts": 5,
    "last_error": "Gave up after 5 attempts. Last error: the server answered 503.",
    "remote_url": None,
    "next_attempt_at": None,
    "requested_by": "Ada Editor",
    "created_at": "2026-11-26T21:14:03Z",
    "sent_at": None,
    "failed_at": "2026-11-26T21:31:40Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="Social posts",
        description="Every article's posts to the configured accounts, newest first, with how each went "
        "(pending, sent with the post's address, failed with the reason, or not posted because the article "
        "was withdrawn first). Staff with the view permission on shares (reporters and editors).",
    ),
    retrieve=extend_schema(summary="A social post", parameters=[SHARE_ID]),
    retry=extend_schema(
        summary="Retry",
        description="A failed post tries again as the same post. If an earlier try may have gone out (its "
        "answer was lost), the same words go with the same idempotency key and record key, so the network "
        "can recognise the repeat (X by the words, Bluesky by the record key, Mastodon by the key for an "
        "hour); a post refused outright is written again from the article. Editors only; the article must "
        "be published.",
        parameters=[SHARE_ID],
        request=None,
        responses=ShareSerializer,
    ),
    share_again=extend_schema(
        summary="Share again",
        description="Posts the article again to the same account: a new post (a new `round`), answered "
        "with 201 and the new share. Editors only; the article must be published.",
        parameters=[SHARE_ID],
        request=None,
        responses={201: ShareSerializer},
    ),
)
class ShareViewSet(
    NewsroomViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = ShareRecord.objects.select_related("article", "requested_by").defer("article__body")
    serializer_class = ShareSerializer
    pagination_class = ShareCursorPagination
    filterset_class = ShareFilter
    lookup_value_regex = ID_PATTERN
    permission_map = {
        "list": ["sharing.view_sharerecord"],
        "retrieve": ["sharing.view_sharerecord"],
        "retry": ["sharing.change_sharerecord"],
        "share_again": ["sharing.change_sharerecord"],
    }

    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def retry(self, request, pk=None):
        refuse_any_body(request)
        share = services.retry_share(share=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=share.pk)).data)

    @action(detail=True, methods=["post"], url_path="share-again", filter_backends=[], pagination_class=None)
    def share_again(self, request, pk=None):
        refuse_any_body(request)
        share = self.get_object()
        again = services.share_again(article=share.article, account=share.account, by=request.user)
        data = self.get_serializer(self.get_queryset().get(pk=again.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

"""The moderation API: the queue the admin's Reader comments page shows, for a newsroom's own moderation
tools, with the same decisions (comments.services) under the same permission (`can_moderate`: moderators
and editors). It never carries a commenter's email or IP address: those stay in the admin, behind the
personal-data permission."""

import django_filters
from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from articles.api.filters import ArticleIdFilter, StrictChoiceFilter
from newsroom.api import (
    ID_PATTERN,
    SCHEMA_EXAMPLES,
    NewsroomViewMixin,
    TimeAndIdCursorPagination,
    refuse_any_body,
)

from . import services
from .models import HoldRule, ReaderComment
from .queries import NOT_ON_SITE, with_article_names

STATES = [
    ("held", "Held: waiting for a moderator"),
    ("reported", "Reported by readers: on the site, with reports no moderator has answered"),
    ("published", "Published"),
    ("removed", "Removed"),
    ("spam", "Marked as spam"),
    ("all", "All"),
]
MODERATE = ["django_comments.can_moderate"]


class ModerationFilter(django_filters.FilterSet):
    state = StrictChoiceFilter(
        choices=STATES, method="in_state", help_text="Which comments; `held` when not given, as in the admin."
    )
    rule = StrictChoiceFilter(
        choices=HoldRule.choices, field_name="moderation__held_reason", help_text="The rule that held them."
    )
    article = ArticleIdFilter(field_name="object_pk")

    class Meta:
        model = ReaderComment
        fields = []

    def in_state(self, queryset, name, value):
        return queryset.in_state(value)


class ArticleOfCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    headline = serializers.CharField(
        help_text=f'"{NOT_ON_SITE}" to a moderator when the article is not published: its headline is '
        "not theirs to read."
    )
    on_site = serializers.BooleanField(help_text="Whether readers can see the article (and so the comment).")


class ModerationCommentSerializer(serializers.Serializer):
    """A comment as a moderator weighs it: never the commenter's email or IP address."""

    id = serializers.IntegerField()
    article = serializers.SerializerMethodField(help_text="The article it was posted on.")
    parent_id = serializers.SerializerMethodField(help_text="The comment it answers; null for a new thread.")
    name = serializers.CharField(source="user_name")
    website = serializers.CharField(source="user_url", help_text="As typed by the commenter; may be empty.")
    comment = serializers.CharField(help_text="Plain text, as written.")
    submit_date = serializers.DateTimeField()
    state = serializers.ChoiceField(
        choices=["held", "published", "removed", "spam"], help_text="Where the comment stands now."
    )
    held_by_rule = serializers.SerializerMethodField(help_text="The rule that held it; empty when none did.")
    open_reports = serializers.IntegerField(
        source="open_report_count", help_text="Readers' reports no moderator has answered yet."
    )
    decided_at = serializers.SerializerMethodField(help_text="When a moderator last decided on it.")

    @extend_schema_field(ArticleOfCommentSerializer)
    def get_article(self, comment):
        return {
            "id": int(comment.object_pk),
            "headline": comment.article_headline or NOT_ON_SITE,
            "on_site": comment.article_on_site,
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_parent_id(self, comment):
        return comment.parent_id if comment.parent_id != comment.pk else None  # xtd: a thread answers itself

    @extend_schema_field(serializers.ChoiceField(choices=["", *HoldRule.values]))
    def get_held_by_rule(self, comment):
        moderation = getattr(comment, "moderation", None)
        return moderation.held_reason if moderation else ""

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_decided_at(self, comment):
        moderation = getattr(comment, "moderation", None)
        decided = moderation.decided_at if moderation else None
        return serializers.DateTimeField().to_representation(decided) if decided else None


class ModerationCursorPagination(TimeAndIdCursorPagination):
    """Oldest first, as the queue is worked; a comment decided on between two pages moves no other."""

    ordering = ("submit_date", "id")
    page_size = 50
    max_page_size = 200


COMMENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The comment's id.")
SCHEMA_EXAMPLES["ModerationComment"] = {
    "id": 412,
    "article": {"id": 87, "headline": "Council backs a night ferry for a one-year trial", "on_site": True},
    "parent_id": None,
    "name": "Sam Reader",
    "website": "",
    "comment": "At last: I can take the late shift without sleeping on a colleague's sofa.",
    "submit_date": "2026-11-26T21:14:03Z",
    "state": "held",
    "held_by_rule": "first_time",
    "open_reports": 0,
    "decided_at": None,
}


def _decision(summary, description):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[COMMENT_ID],
        request=None,
        responses=ModerationCommentSerializer,
    )


@extend_schema_view(
    list=extend_schema(
        summary="The moderation queue",
        description="Held comments, oldest first, unless `state` asks for others. Moderators and editors "
        "only (`can_moderate`). Never the commenters' email or IP addresses.",
    ),
    retrieve=extend_schema(summary="A comment, as a moderator sees it", parameters=[COMMENT_ID]),
)
class ModerationCommentViewSet(
    NewsroomViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ModerationCommentSerializer
    pagination_class = ModerationCursorPagination
    filterset_class = ModerationFilter
    lookup_value_regex = ID_PATTERN
    permission_map = dict.fromkeys(["list", "retrieve", "approve", "keep", "remove", "spam"], MODERATE)

    def get_queryset(self):
        queryset = with_article_names(
            ReaderComment.objects.select_related("moderation")
            .defer("user_email", "ip_address")
            .annotate(open_report_count=Count("reports", filter=Q(reports__reviewed_at__isnull=True))),
            self.request.user,
        )
        if self.action == "list" and "state" not in self.request.query_params:
            queryset = queryset.held()
        return queryset

    def _decide(self, service, **kwargs):
        refuse_any_body(self.request)
        comment = self.get_object()
        service(comments=[comment], by=self.request.user, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=comment.pk)).data)

    @_decision("Approve", "Publishes a held or removed comment (and the replies that left with it).")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def approve(self, request, pk=None):
        return self._decide(services.approve_comments)

    @_decision("Keep", "A reported comment stays on the site; its readers' reports are closed.")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def keep(self, request, pk=None):
        return self._decide(services.keep_comments)

    @_decision(
        "Remove", "Takes the comment off the site, and its replies with it; no mail quoting it goes out."
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def remove(self, request, pk=None):
        return self._decide(services.remove_comments)

    @_decision("Mark as spam", "As Remove, and the comment is counted as spam.")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def spam(self, request, pk=None):
        return self._decide(services.remove_comments, spam=True)

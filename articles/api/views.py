"""The articles API views: public reads from Article.objects.published(), staff writes through services.py."""

import copy
import datetime
import hashlib
import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.http import parse_etags
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from comments import services as comment_services
from comments.moderation import Refused
from newsroom import fragments
from newsroom.api import (
    CREATED_LOCATION,
    ID_PATTERN,
    MOVED_LOCATION,
    VERSION_ETAG,
    CommentRefused,
    LimitedJSONParser,
    NewsroomViewMixin,
    SlugLookupMixin,
    StrictCursorPagination,
    TimeAndIdCursorPagination,
    created_location,
    refuse_any_body,
    refuse_unknown_parameters,
)
from newsroom.security import client_ip
from newsroom.throttles import CommentPostThrottle
from sharing import services as sharing_services
from sharing.api import ShareSerializer, ShareViewSet

from .. import services
from ..conflicts import EditConflict, last_change, lock_version
from ..models import Article, Image, RemovedArticle, Section, Tag
from .examples import (
    ARTICLE_EXAMPLE,
    BYLINES_EXAMPLE,
    COMMENT_EXAMPLE,
    NEW_TAG_EXAMPLE,
    SCHEDULE_EXAMPLE,
    TAG_WRITE_EXAMPLE,
    WRITE_EXAMPLE,
)
from .filters import ArticleFilter
from .queries import (
    for_api_detail,
    for_api_listing,
    for_api_listing_ids,
    public_comments,
    sees_unpublished,
    visible_articles,
    with_sort_time,
)
from .serializers import (
    COMMENT_OUTCOME_MESSAGES,
    ArticleCommentSerializer,
    ArticleDetailSerializer,
    ArticleListSerializer,
    ArticleWriteSerializer,
    CommentPostedSerializer,
    CommentPostSerializer,
    CorrectionWriteSerializer,
    ImageSerializer,
    ReturnToDraftSerializer,
    ScheduleSerializer,
    SectionSerializer,
    TagSerializer,
    TagWriteSerializer,
    cached_for,
    detail_deps,
    plain,
)


class ImageInUse(exceptions.APIException):
    """The image is shown by articles: 409, with where it is used."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "image_in_use"

    def __init__(self, articles):
        super().__init__(
            detail=f"This image is used by {len(articles)} article(s); remove it from them first.",
            code="image_in_use",
        )
        self.articles = articles


class Shared(exceptions.APIException):
    """The article was posted (or is queued) to social networks, so it stays: 409, as the admin refuses."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "shared"


class Gone(exceptions.APIException):
    """The article was on the site and has left it (RemovedArticle): 410, so a client drops its copy."""

    status_code = status.HTTP_410_GONE
    default_code = "gone"


def _gone(removal: RemovedArticle) -> Gone:
    return Gone(
        f"This article was taken off the site at {removal.removed_at:%Y-%m-%d %H:%M} UTC; drop your copy. "
        "articles/removed/ lists every such article."
    )


class PreconditionFailed(exceptions.APIException):
    """`If-Match` named a version of the article that is no longer the current one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "edit_conflict"
    default_detail = "The article changed since you read it."

    def __init__(self, conflict: EditConflict | None = None, detail: str = ""):
        super().__init__(
            detail=detail or f"{conflict.message} Read it again (GET) and send its new ETag in If-Match.",
            code="edit_conflict",
        )


VERSION_TAG = re.compile(r'"v(\d{1,18})"')
FORMAT = api_settings.URL_FORMAT_OVERRIDE  # "format": DRF repeats it in the links it writes


def _as_if_asked(request, format_asked):
    """The request as if its query had said `?format=<format_asked>`, or had no `format` if None."""
    if request.query_params.get(FORMAT) == format_asked:
        return request
    query = request.query_params.copy()
    query.pop(FORMAT, None)
    if format_asked:
        query[FORMAT] = format_asked
    django_request = copy.copy(request._request)
    django_request.GET = query
    asked = copy.copy(request)
    asked._request = django_request
    return asked


def version_etag(article) -> str:
    return f'"v{article.version}"'


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ArticleCursorPagination(TimeAndIdCursorPagination):
    """Newest first by publication time, then id; drafts (staff only) sort by when they were created."""

    ordering = ("-sort_at", "-id")


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


class ImageCursorPagination(TimeAndIdCursorPagination):
    ordering = ("-created_at", "-id")


def SLUG(what):  # noqa: N802 - reads like the constant it stands for
    return OpenApiParameter("slug", str, OpenApiParameter.PATH, description=f"The {what}'s slug.")


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
        description="Newest first by publication time, then by id, with cursor pagination: the `next` link "
        "starts after the last article's time and id, so articles that share a time are neither skipped nor "
        "repeated at a page's edge. Anonymous clients and readers "
        "see published articles only; staff see every state (filter with `status`).",
        examples=[OpenApiExample("an article in a list", value=ARTICLE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get an article by id",
        description="An article that was on the site and has left it (unpublished or deleted) answers 410: "
        "drop your copy. An id that never reached readers answers 404.",
    ),
    create=extend_schema(
        summary="Create a draft",
        description="Needs the `add_article` permission. The article starts as a draft; use the actions to "
        "move it through the workflow. Only editors may set `is_featured` and `is_breaking`.",
        request=ArticleWriteSerializer,
        responses={201: ArticleDetailSerializer},
        parameters=[CREATED_LOCATION, VERSION_ETAG],
        examples=[OpenApiExample("a new draft", value=WRITE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Replace an article's editable fields",
        description="Allowed where the admin allows it: editors edit everything, reporters their own drafts. "
        "The required fields must all be given; an optional one left out (`tags`, `bylines`, `related`, "
        "`lead_image`...) keeps its value, so send `[]` or `null` to clear it.",
        request=ArticleWriteSerializer,
        responses={200: ArticleDetailSerializer},
        examples=[OpenApiExample("a full edit", value=WRITE_EXAMPLE, request_only=True)],
    ),
    partial_update=extend_schema(
        summary="Change some of an article's editable fields",
        description="Lists given (`tags`, `bylines`, `related`) replace the old ones, in the order given.",
        request=ArticleWriteSerializer,
        responses={200: ArticleDetailSerializer},
        examples=[OpenApiExample("new bylines", value=BYLINES_EXAMPLE, request_only=True)],
    ),
    destroy=extend_schema(
        summary="Delete an article",
        description="Allowed where the admin allows it: editors delete any story, reporters only a draft of "
        "their own that never ran. A story posted (or queued to be posted) on social networks is kept (409): "
        "unpublish it instead. A story readers could read leaves the site at once and is listed by "
        "`articles/removed/`; its readers' comments are deleted with it, as the admin's delete page warns. "
        "Editors can recover the story in the admin (Articles > Recover deleted articles), not its comments.",
    ),
)
class ArticleViewSet(
    NewsroomViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Article.objects.none()  # names the model for the schema; get_queryset() serves
    lookup_value_regex = ID_PATTERN  # one address per article
    pagination_class = ArticleCursorPagination
    filterset_class = ArticleFilter
    parser_classes = [LimitedJSONParser]
    open_actions = {"comments"}  # readers post comments; the comments app's rules decide
    schema_read_error_codes = {"retrieve": ["410"], "by_path": ["410"]}
    schema_error_examples = {
        "destroy": {
            "400": (
                "`If-Match` is not an ETag (its quotes missing?).",
                {
                    "code": "malformed_if_match",
                    "message": "If-Match must hold the article's ETag as its ETag header gives it, quotes "
                    'and all (such as "v7"); what was sent, v7 (its quotes missing?), is not one. Nothing '
                    "was saved.",
                    "errors": {},
                },
            ),
            "403": (
                "Not this account's to delete: reporters delete only their own drafts that never ran.",
                {
                    "code": "permission_denied",
                    "message": services.NOT_YOURS_TO_DELETE,
                    "errors": {},
                },
            ),
            "409": (
                "The story was posted (or is queued) on social networks, so it stays: unpublish it instead.",
                {
                    "code": "shared",
                    "message": services.SHARED_NOT_DELETED,
                    "errors": {},
                },
            ),
        }
    }
    schema_error_codes = {
        "comments": ["409"],
        "destroy": ["409", "410", "412"],
        **dict.fromkeys(
            [
                "update",
                "partial_update",
                "submit",
                "return_to_draft",
                "publish",
                "schedule",
                "unpublish",
                "add_correction",
            ],
            ["412"],
        ),
    }
    permission_map = {
        "create": ["articles.add_article"],
        "update": ["articles.change_article"],
        "partial_update": ["articles.change_article"],
        "destroy": ["articles.change_article"],  # and services.can_delete: reporters their own drafts
        "submit": ["articles.change_article"],
        "return_to_draft": ["articles.change_article"],
        "publish": ["articles.change_article"],
        "schedule": ["articles.change_article"],
        "unpublish": ["articles.change_article"],
        "add_correction": ["articles.change_article", "articles.add_correction"],
        "share": ["sharing.change_sharerecord"],
    }

    def get_queryset(self):
        user = self.request.user
        queryset = with_sort_time(visible_articles(user), user)
        if self.action == "list":
            if fragments.enabled() and cached_for(self.request):
                return for_api_listing_ids(queryset)
            return for_api_listing(queryset)
        return for_api_detail(queryset, user)

    def get_serializer_class(self):
        if self.action == "list":
            return ArticleListSerializer
        if self.action in ("create", "update", "partial_update"):
            return ArticleWriteSerializer
        return ArticleDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        """An article that was on the site and has left it is a 410, not a 404: the client that holds it
        hears to drop it, one that mistyped an id still gets a 404."""
        try:
            return self._retrieve(request, *args, **kwargs)
        except Http404:
            self._gone_or_404(kwargs)

    def _gone_or_404(self, kwargs):
        """Raise the 410 of an article that was on the site and has left it, else the 404."""
        article_id = _int_or_none(kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        removal = RemovedArticle.objects.filter(article_id=article_id).first() if article_id else None
        if removal is not None:
            raise _gone(removal) from None
        raise Http404

    def _retrieve(self, request, *args, **kwargs):
        """Anonymous clients get the detail from the cache while everything it shows is unchanged
        (detail_deps): no query at all. Staff are always answered from the database."""
        article_id = _int_or_none(kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        if not cached_for(request) or article_id is None:
            return self._detail_response(self.get_object())

        def build(_ids):
            article = self.get_object()  # a 404 raises before anything is stored
            data = plain(ArticleDetailSerializer(article, context=self.get_serializer_context()).data)
            return [(data, detail_deps(article))]

        site = request.build_absolute_uri("/")
        # v2: the representation alone (v1 stored it with a Last-Modified time, no longer sent).
        [data] = fragments.cached_items(
            "api:ArticleDetail:v2",
            [article_id],
            key_parts=lambda pk: [site, pk],
            render_missing=build,
            use=True,
        )
        return Response(data)

    def _detail_response(self, article, status_code=status.HTTP_200_OK):
        return Response(
            ArticleDetailSerializer(article, context=self.get_serializer_context()).data, status_code
        )

    def _reload(self, article):
        user = self.request.user
        return for_api_detail(with_sort_time(Article.objects.filter(pk=article.pk), user), user).get()

    def _check_can_edit(self, article):
        if not services.can_edit(article=article, user=self.request.user):
            raise PermissionDenied(services.NOT_YOURS_TO_EDIT)

    def create(self, request, *args, **kwargs):
        serializer = ArticleWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        article = serializer.save()
        article = self._reload(article)
        response = self._detail_response(article, status.HTTP_201_CREATED)
        # A plain str: Django's development server refuses a header value of any other type.
        response["Location"] = str(response.data["url"])
        response["ETag"] = version_etag(article)
        return response

    def update(self, request, *args, **kwargs):
        """With `If-Match` (the ETag of a GET, or `"v<version>"`), a change made since is a 412."""
        with transaction.atomic():
            # Lock the row first, then read it: the check and the save see the same version.
            current_version = lock_version(_int_or_none(kwargs.get(self.lookup_url_kwarg or "pk")))
            article = self.get_object()
            self._check_can_edit(article)
            self._check_if_match(article)
            article.version = current_version or article.version
            serializer = ArticleWriteSerializer(
                article,
                data=request.data,
                partial=kwargs.get("partial", False),
                context=self.get_serializer_context(),
            )
            serializer.is_valid(raise_exception=True)
            # One that changes nothing saves nothing and answers 200, as publishing a published article does.
            serializer.save()
        response = self._detail_response(self._reload(article))
        response["ETag"] = version_etag(article)
        return response

    def destroy(self, request, *args, **kwargs):
        """With `If-Match`, as for an edit: a story changed since it was read is not deleted (412)."""
        with transaction.atomic():
            lock_version(_int_or_none(kwargs.get(self.lookup_url_kwarg or "pk")))
            try:
                article = self.get_object()
            except Http404:
                self._gone_or_404(kwargs)  # deleted already: 410, as a GET says
            if not services.can_delete(article=article, user=request.user):
                raise PermissionDenied(services.NOT_YOURS_TO_DELETE)
            self._check_if_match(article)
            try:
                services.delete_article(article=article, by=request.user)
            except DjangoValidationError as error:
                raise Shared(error.messages[0]) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _check_if_match(self, article):
        if_match = self.request.headers.get("If-Match")
        if not if_match:
            return
        parsed = parse_etags(if_match)
        if not parsed:  # `v12` or `12`: not an ETag, so not a version this client read
            raise exceptions.ParseError(
                detail=f"If-Match must hold the article's ETag as its ETag header gives it, quotes and all "
                f"(such as {version_etag(article)}); what was sent, {if_match[:40]} (its quotes missing?), "
                "is not one. Nothing was saved.",
                code="malformed_if_match",
            )
        if parsed == ["*"]:
            return
        # If-Match compares strongly (RFC 9110 13.1.1): a weak ETag never matches. Every ETag the API sends
        # is strong, so a W/ was added on the way (a proxy compressing the answer) and vouches for no bytes.
        tags = {tag for tag in parsed if not tag.startswith("W/")}
        if not tags:
            raise PreconditionFailed(
                detail=f"If-Match names only weak ETags ({if_match[:40]}), and a weak ETag never matches: "
                "If-Match compares ETags strongly (RFC 9110), and this article's ETags are strong. Send "
                'its ETag as the API gave it, without W/ (or "v<version>" with the version you read). '
                "Nothing was saved."
            )
        if version_etag(article) in tags or any(etag in tags for etag in self._representation_etags(article)):
            return
        versions = [VERSION_TAG.fullmatch(tag) for tag in tags]
        if all(versions) and all(int(found[1]) > article.version for found in versions):
            # No one changed it: this client names a version it cannot have read.
            raise PreconditionFailed(
                detail="If-Match names a version of this article that was never sent (its current ETag is "
                f"{version_etag(article)}). Read it (GET) and send the ETag it answers with. Nothing was "
                "saved."
            )
        if any(etag in tags for etag in self._reader_etags(article)):
            raise PreconditionFailed(
                detail="If-Match holds the ETag of this article as readers get it (a GET without a token), "
                "which leaves out what staff see. Read it with the token you write with (GET) and send the "
                "ETag that answers with. Nothing was saved."
            )
        changed_by, changed_at = last_change(article.pk, self.request.user)
        raise PreconditionFailed(
            EditConflict(current_version=article.version, changed_by=changed_by, changed_at=changed_at)
        )

    def _reader_etags(self, article):
        """The ETags a GET without a token answers with now, as `_representation_etags` works them out: a
        client that reads the public answer and writes with its token sends one of these, which said a
        change had been made "after you opened it" when none had."""
        reader = copy.copy(self.request)
        reader._request = copy.copy(self.request._request)
        reader.user = AnonymousUser()
        public = for_api_detail(with_sort_time(visible_articles(reader.user), reader.user), reader.user)
        article = public.filter(pk=article.pk).first()
        if article is None:  # not on the site: readers have no ETag of it
            return
        view = copy.copy(self)
        view.request = reader
        yield from view._representation_etags(article)

    def _representation_etags(self, article):
        """The ETags a GET of this article answers with now (its body hashed, as HttpCachingMixin does), as
        asked with this request's `?format=` and the other way: DRF's links repeat `?format=json`, so a client
        may read with it and write without it. The second is worked out only if the first does not match."""
        given = self.request.query_params.get(FORMAT)
        for format_asked in (given, None if given else "json"):
            context = self.get_serializer_context() | {"request": _as_if_asked(self.request, format_asked)}
            data = ArticleDetailSerializer(article, context=context).data
            content = JSONRenderer().render(data, "application/json", self.get_renderer_context())
            yield f'"{hashlib.sha256(content).hexdigest()[:32]}"'

    @extend_schema(
        summary="Get an article by its address",
        description="The same path as the article's page on the site: section/yyyy/mm/dd/slug. The "
        "address of an article that was on the site and has left it (unpublished or deleted) answers 410, as "
        "its page does.",
        parameters=[*PATH_PARAMETERS, MOVED_LOCATION],
        responses={
            200: ArticleDetailSerializer,
            301: OpenApiResponse(
                description="The article's address changed (slug, section or date): `Location` is the "
                "by-path address of where it is now."
            ),
        },
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
            return self._moved(request, f"/{section}/{year}/{month}/{day}/{slug}/", slug)
        return self._detail_response(article)

    def _moved(self, request, path, slug):
        """An address the article had before its slug, section or date changed: 301 to the by-path address
        of where it is now, as the site answers the old page address."""
        from ..views import ArticleView

        moved = ArticleView.moved_article(path, slug)
        if moved is None:
            removal = RemovedArticle.last_with_slug(slug)
            if removal is not None:
                raise _gone(removal)
            raise Http404
        query = request.META.get("QUERY_STRING", "")
        target = request.build_absolute_uri(
            f"{reverse('api:article-list')}by-path{moved.get_absolute_url()}" + (f"?{query}" if query else "")
        )
        return Response(status=status.HTTP_301_MOVED_PERMANENTLY, headers={"Location": target})

    @extend_schema(
        methods=["GET"],
        summary="List an article's comments",
        description="Approved comments of a published article, threaded: each has its `parent_id` and "
        "`level`; threads in the order they were started. Names only, never an email or address.",
        responses=ArticleCommentSerializer(many=True),
        examples=[OpenApiExample("a reply", response_only=True, value=COMMENT_EXAMPLE)],
    )
    @extend_schema(
        methods=["POST"],
        summary="Post a comment",
        description="Anyone may post, signed in or not: the comment goes through the same moderation and "
        "privacy rules as the site's form. Signed in, it goes under the account's name (`name` is not "
        "needed, and ignored). Anonymous commenters confirm by email first (202, `confirm`); "
        "a held comment waits for a moderator (201, `held`). The email is never echoed back. "
        "Closed comments answer 403, a repeat 409, posting too fast 429. To reply, add `parent_id`: the `id` "
        "of a comment of this article, from its comments list.",
        request=CommentPostSerializer,
        responses={201: CommentPostedSerializer, 202: CommentPostedSerializer},
        examples=[
            # No `parent_id`: a reply names a comment of the same article, which no one example can.
            OpenApiExample(
                "an anonymous comment",
                request_only=True,
                value={"name": "Sam", "email": "sam@example.org", "comment": "Good news."},
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
        # It takes no filter, and its own backends are none: `?page=2` or `?foo=1` is a 400, as on /articles/.
        refuse_unknown_parameters(request, set(), self.paginator)
        article = self._published_or_404(pk)
        comments = (
            public_comments()
            .filter(object_pk=str(article.pk))
            .only(
                "id",
                "parent_id",
                "level",
                "thread_id",
                "order",
                "user_name",
                "user_url",
                "submit_date",
                "comment",
            )
        )
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(ArticleCommentSerializer(page, many=True).data)

    def _post_comment(self, request, pk):
        article = self._published_or_404(pk, only_pk=False)
        serializer = CommentPostSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        # The readers' per-address limit counts the posts the comments app weighs, not those sent back for a
        # field left empty or a mistyped address (400): a reader who mends a typo keeps their allowance.
        throttle = CommentPostThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        data = serializer.validated_data
        try:
            outcome = comment_services.post_comment(
                article=article,
                user=request.user,
                name=data.get("name", ""),
                email=data.get("email", ""),
                url=data["website"],
                text=data["comment"],
                ip=client_ip(request),
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

    def _published_or_404(self, pk, only_pk=True):
        queryset = Article.objects.published()
        try:
            return (queryset.only("pk") if only_pk else queryset).get(pk=int(pk))
        except (Article.DoesNotExist, ValueError, OverflowError) as error:
            raise Http404 from error

    def _workflow(self, service, status_code=status.HTTP_200_OK, **kwargs):
        """With `If-Match`, as for an edit: publishing a version other than the one read is a 412 (the
        admin's Publish button refuses the same), so nobody publishes text they never saw."""
        with transaction.atomic():
            lock_version(_int_or_none(self.kwargs.get(self.lookup_url_kwarg or "pk")))
            article = self.get_object()
            self._check_if_match(article)
            try:
                service(article=article, by=self.request.user, **kwargs)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"non_field_errors": error.messages}) from error
        article = self._reload(article)
        response = self._detail_response(article, status_code)
        response["ETag"] = version_etag(article)  # for the next step's If-Match, as an edit's answer has
        return response

    @extend_schema(
        summary="Send a draft to the editors for review", request=None, responses=ArticleDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request, pk=None):
        refuse_any_body(request)
        return self._workflow(services.submit_for_review)

    @extend_schema(
        summary="Send a story in review back to draft",
        description="Editors only: its writer may edit it again. The `note`, if given, says why; it is kept "
        "as an editorial note on the story, which readers never see.",
        request=ReturnToDraftSerializer,
        responses=ArticleDetailSerializer,
        examples=[
            OpenApiExample(
                "with a reason",
                value={"note": "Needs a second source for the council vote figures."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="return", filter_backends=[], pagination_class=None)
    def return_to_draft(self, request, pk=None):
        serializer = ReturnToDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._workflow(services.return_to_draft, **serializer.validated_data)

    @extend_schema(
        summary="Publish now",
        description="Editors only (the `publish_article` permission); needs at least one byline.",
        request=None,
        responses=ArticleDetailSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def publish(self, request, pk=None):
        refuse_any_body(request)  # a `publish_at` sent here would be ignored: an embargo broken by a slip
        return self._workflow(services.publish_article)

    @extend_schema(
        summary="Schedule publication",
        description="Editors only; the schedule publishes it at `publish_at`.",
        request=ScheduleSerializer,
        responses=ArticleDetailSerializer,
        examples=[OpenApiExample("tomorrow morning", value=SCHEDULE_EXAMPLE, request_only=True)],
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
        refuse_any_body(request)
        return self._workflow(services.unpublish_article)

    @extend_schema(
        summary="Share where never posted",
        description="Posts a published article once to each configured account that never had it: one "
        "published with `share_on_publish` false, or before the account was added. Answered with 201 and "
        "the new shares (see `/api/v1/shares/`); an account that had it is left alone (a share's "
        "`share-again` posts there once more), and when every account had it the answer is 400. Editors "
        "only, as the admin's action on the article list.",
        request=None,
        responses={201: ShareSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def share(self, request, pk=None):
        refuse_any_body(request)
        shares = sharing_services.share_where_never_posted(article=self.get_object(), by=request.user)
        made = ShareViewSet.queryset.filter(pk__in=[share.pk for share in shares]).order_by("account")
        data = ShareSerializer(made, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add a correction or update",
        description="Shown to readers at the foot of the article, dated now, as the admin's Corrections are. "
        "Only on an article that has been published (a draft's text is simply changed: 400 otherwise), by "
        "whoever may edit it: editors any article, reporters their own drafts (a story of theirs withdrawn "
        "back to draft). The article is saved with it (its `version` goes up). Corrections are not changed "
        "or removed through the API: a newsroom's record of what it got wrong stays.",
        request=CorrectionWriteSerializer,
        responses={201: ArticleDetailSerializer},
        examples=[
            OpenApiExample(
                "a correction",
                value={"kind": "correction", "note": "An earlier version gave the pier's length as 90 m."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="corrections", filter_backends=[], pagination_class=None)
    def add_correction(self, request, pk=None):
        serializer = CorrectionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._workflow(services.add_correction, status.HTTP_201_CREATED, **serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="List sections", description="In the site's navigation order."),
    retrieve=extend_schema(summary="Get a section", parameters=[SLUG("section")]),
)
class SectionViewSet(SlugLookupMixin, NewsroomViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Section.objects.all()
    serializer_class = SectionSerializer
    pagination_class = SectionCursorPagination

    def get_queryset(self):
        """Staff who see drafts see every section (a first story is filed in an empty one); others those
        with a published article, as the site's navigation shows them."""
        queryset = super().get_queryset()  # a copy: the class's own queryset must never hold results
        return queryset if sees_unpublished(self.request.user) else queryset.in_use()


@extend_schema_view(
    list=extend_schema(summary="List tags", description="Alphabetical."),
    retrieve=extend_schema(summary="Get a tag", parameters=[SLUG("tag")]),
    create=extend_schema(
        summary="Create a tag",
        description="Needs the `add_tag` permission (reporters and editors have it), as the “+” beside Tags "
        "on the admin's article form does; the answer's `slug` is what `tags` of an article takes. A name "
        "another tag has (capitals aside) or a slug another has is refused (400) naming that tag's slug, "
        "and nothing is saved. Readers see the tag, in `tags/` and at its `page_url`, once a published "
        "article carries it. Tags are renamed and deleted in the admin.",
        request=TagWriteSerializer,
        responses={201: TagSerializer},
        parameters=[created_location("tag")],
        examples=[
            OpenApiExample("a new tag", value=TAG_WRITE_EXAMPLE, request_only=True),
            OpenApiExample("the tag made", value=NEW_TAG_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    ),
)
class TagViewSet(SlugLookupMixin, NewsroomViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    pagination_class = SlugCursorPagination
    permission_map = {"create": ["articles.add_tag"]}
    schema_error_examples = {
        "create": {
            "400": (
                "The input is not valid, or another tag has this name or slug: its slug is named, to use.",
                {
                    "code": "invalid",
                    "message": "Some input is not valid: name.",
                    "errors": {
                        "name": [
                            'The tag “Ferries” already has this name; its slug is "ferries": tag articles '
                            "with that, or choose another name."
                        ]
                    },
                },
            ),
            "403": (
                "The account may not create tags (it lacks the admin's `add_tag` permission).",
                {"code": "permission_denied", "message": "Your account may not do this.", "errors": {}},
            ),
        }
    }

    def get_queryset(self):
        """Staff who see drafts see every tag (drafts carry them); others those on a published article."""
        queryset = super().get_queryset()  # a copy: the class's own queryset must never hold results
        return queryset if sees_unpublished(self.request.user) else queryset.in_use()

    def get_serializer_class(self):
        return TagWriteSerializer if self.action == "create" else TagSerializer

    def create(self, request, *args, **kwargs):
        """Answered with the tag as `tags/{slug}/` shows it, not with what was sent."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tag = serializer.save()
        data = TagSerializer(tag, context=self.get_serializer_context()).data
        # A plain str: Django's development server refuses a header value of any other type.
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": str(data["url"])})


@extend_schema_view(
    list=extend_schema(summary="List images in the library", description="Staff with `view_image` only."),
    retrieve=extend_schema(summary="Get an image"),
    create=extend_schema(
        summary="Upload an image",
        description="Multipart form data. A file that is not a JPEG/PNG/WebP/GIF, is too large or too small "
        "is refused with 400.",
        # Only multipart carries a file: JSON or a urlencoded form offered here could only be refused.
        request={"multipart/form-data": ImageSerializer},
        parameters=[created_location("image")],
    ),
    partial_update=extend_schema(summary="Change an image's title, caption, credit or alt text"),
    destroy=extend_schema(
        summary="Delete an image",
        description="Refused with 409 while an article shows it (lead image or in the body); "
        "`errors.used_by` lists them as `id: headline`.",
    ),
)
class ImageViewSet(
    NewsroomViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Image.objects.all()
    lookup_value_regex = ID_PATTERN
    serializer_class = ImageSerializer
    pagination_class = ImageCursorPagination
    parser_classes = [MultiPartParser, FormParser, LimitedJSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    schema_error_codes = {"destroy": ["409"]}
    schema_error_examples = {
        "destroy": {
            "409": (
                "Articles show the image (as lead image or in the body): `used_by` names them.",
                {
                    "code": "image_in_use",
                    "message": "This image is used by 2 article(s); remove it from them first.",
                    "errors": {"used_by": ["12: Ferry timetable changes", "15: Pier opens"]},
                },
            )
        }
    }
    permission_map = {
        "list": ["articles.view_image"],
        "retrieve": ["articles.view_image"],
        "create": ["articles.add_image"],
        "partial_update": ["articles.change_image"],
        "destroy": ["articles.delete_image"],
    }

    def get_success_headers(self, data):
        """A 201 names the new image's address, as an article's and a tag's do."""
        url = self.request.build_absolute_uri(reverse("api:image-detail", kwargs={"pk": data["id"]}))
        return {"Location": url}

    def perform_update(self, serializer):
        if not services.can_change_image(image=serializer.instance, user=self.request.user):
            raise PermissionDenied(services.IMAGE_NOT_YOURS_TO_CHANGE)
        serializer.save()

    def perform_destroy(self, image):
        """Refused while any article shows the image (lead image or body), naming them."""
        with transaction.atomic():
            Image.objects.select_for_update().filter(pk=image.pk).first()
            articles = list(image.used_in().values("id", "headline"))
            if articles:
                raise ImageInUse(articles)
            image.delete()

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, ImageInUse):
            response.data["errors"] = {
                "used_by": [f"{a['id']}: {a['headline']}" for a in exc.articles],
            }
        return response

    def perform_create(self, serializer):
        serializer.save(uploaded_by=self.request.user)

"""What every API endpoint shares: the error format, pagination, throttles, permissions, HTTP caching.

The endpoints themselves live in each app's `api.py`; `newsroom/api_urls.py` routes them under /api/v1/.
"""

import datetime
import hashlib
from base64 import b64decode
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse, QueryDict
from django.urls import resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_view_model
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

# ---------------------------------------------------------------------------------------------------
# Errors: one shape for every 4xx, {"code": ..., "message": ..., "errors": {field: [messages]}}


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer of the API."""

    code = serializers.CharField(
        help_text="Machine-readable reason, e.g. `invalid`, `not_found`, `throttled`."
    )
    message = serializers.CharField(help_text="One sentence for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field (dotted paths for nested fields); empty unless the input was invalid.",
    )


class InvalidQuery(exceptions.ValidationError):
    """A query parameter (cursor, filter) is not valid: 400 with the parameter named."""


class CommentRefused(exceptions.APIException):
    """The comments app refused a post (closed, duplicate, flood...): its status, code and message, and the
    field at fault when there is one."""

    def __init__(self, refusal):
        super().__init__(detail=refusal.message, code=refusal.code)
        self.status_code = refusal.status
        self.wait = refusal.retry_after or None
        self.field = refusal.field


class PayloadTooLarge(exceptions.APIException):
    """413: the body is refused unread, so no part of it is parsed or saved."""

    status_code = 413
    default_detail = "The request body is too large."
    default_code = "too_large"


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested error details as {"field": [...], "bylines.0": [...]}, strings only."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == "__all__" else str(key)
            flat.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def exception_handler(exc, context):
    """DRF's handler, then the one error format; Django's own exceptions are translated first."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        codes = exc.get_codes()
        code = "invalid_query" if isinstance(exc, InvalidQuery) else "invalid"
        if (
            isinstance(codes, list)
            and len(codes) == 1
            and isinstance(codes[0], str)
            and codes[0] != "invalid"
        ):
            code = codes[0]
        only_general = set(errors) == {api_settings.NON_FIELD_ERRORS_KEY}
        message = errors[api_settings.NON_FIELD_ERRORS_KEY][0] if only_general else _invalid_message(errors)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        message = str(detail) if not isinstance(detail, dict | list) else str(exc.default_detail)
        errors = {exc.field: [message]} if getattr(exc, "field", "") else {}
    elif isinstance(exc, Http404):
        code, message, errors = "not_found", "Not found.", {}
    elif isinstance(exc, DjangoPermissionDenied):
        code, message, errors = "permission_denied", str(exc) or "Permission denied.", {}
    else:  # pragma: no cover - DRF handles nothing else
        code, message, errors = "error", "The request failed.", {}
    response.data = {"code": str(code), "message": message, "errors": errors}
    return response


def _invalid_message(errors) -> str:
    names = ", ".join(sorted(errors))
    return f"Some input is not valid: {names}."


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/ answer in the API's error format, not with the site's HTML page. An
    endpoint's address typed without its final slash (`/api/v1/articles`) is not unknown: a GET is sent on
    (301), as Django's APPEND_SLASH sends the site's pages (this catch-all matched first, so it never did),
    and any other method, whose body a redirect would drop, is told the address to use."""
    message = "There is no API endpoint at this address."
    if not request.path_info.endswith("/") and resolve(f"{request.path_info}/").func is not not_found:
        if request.method in ("GET", "HEAD"):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        message += f" The API's addresses end with a slash: {request.path}/"
    return JsonResponse(
        {"code": "not_found", "message": message, "errors": {}}, status=status.HTTP_404_NOT_FOUND
    )


# ---------------------------------------------------------------------------------------------------
# Parsing: a JSON body larger than API_MAX_JSON_BYTES is refused before it is read (413), and one nested
# deeper than Python's decoder goes (`[[[[...` a few kilobytes long) is a 400 like any other malformed body.


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            length = int(length or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_JSON_BYTES:
            raise PayloadTooLarge(
                f"The request body is {length} bytes; the largest accepted is {settings.API_MAX_JSON_BYTES}."
            )
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from None


def refuse_any_body(request):
    """An action that takes no body (a moderation decision, a retry) refuses one: what was sent would be
    ignored, and a client that thought it said something should hear that it did not."""
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: ["This action takes no body."]})
    if data:
        raise exceptions.ValidationError({name: [StrictFieldsMixin.UNKNOWN] for name in sorted(data)})


# ---------------------------------------------------------------------------------------------------
# Serializers refuse fields they do not know, so a typo or a read-only field is an error, not a no-op.


# Unknown fields are refused, not ignored; text fields take JSON strings only (DRF's CharField would store
# `123` or `1.5` as the text "123", so a client's mix-up of fields would pass unnoticed). In the same way a
# yes-or-no field takes only `true` or `false` (DRF's BooleanField reads "yes", "no", 1 and 0), and a list
# only a JSON array (DRF's list of related rows took an object's keys as the list), and a number only a JSON
# number (DRF's IntegerField reads "12" as 12 and true as 1). These errors come in
# the same answer as the fields' own, so a client fixes everything in one go.
# A comment, not a docstring: drf-spectacular describes a component by the first docstring in its
# serializer's classes, so a serializer without its own showed this one to clients.
class StrictFieldsMixin:
    UNKNOWN = "Unknown or read-only field; it cannot be set here."
    NOT_TEXT = "Must be text (a JSON string), not {}."
    NOT_BOOLEAN = "Must be true or false (a JSON boolean), not {}."
    NOT_A_LIST = "Must be a list (a JSON array), not {}."
    NOT_A_NUMBER = "Must be a number (a JSON number), not {}."

    def shape_errors(self, data) -> dict:
        """Unknown fields and values of the wrong JSON type: found without a query, whatever else is wrong."""
        if not isinstance(data, dict):
            return {}
        writable = {name: field for name, field in self.fields.items() if not field.read_only}
        errors = {name: [self.UNKNOWN] for name in sorted(set(data) - set(writable))}
        errors |= {  # DRF's CharField took a number as its digits, and said "Not a valid string." of the rest
            name: [self.NOT_TEXT.format(_json_kind(data[name]))]
            for name, field in writable.items()
            if isinstance(field, serializers.CharField)
            and data.get(name) is not None
            and not isinstance(data[name], str)
        }
        if isinstance(data, QueryDict):  # a form (an image upload) sends every value as text
            return errors
        for name, field in writable.items():
            value = data.get(name)
            if value is None:  # absent, or null: the field's own rules answer
                continue
            if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
                errors[name] = [self.NOT_BOOLEAN.format(_json_kind(value))]
            elif isinstance(field, serializers.ManyRelatedField | serializers.ListField) and not isinstance(
                value, list
            ):
                errors[name] = [self.NOT_A_LIST.format(_json_kind(value))]
            elif isinstance(field, serializers.IntegerField) and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):  # DRF's IntegerField reads "12" as 12, and true as 1
                errors[name] = [self.NOT_A_NUMBER.format(_json_kind(value))]
        return errors

    def to_internal_value(self, data):
        errors = self.shape_errors(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not errors or not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError(error.detail | errors) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


def _json_kind(value) -> str:
    """What a client sent, in JSON's words, for a message: "text", "a number", "an object"..."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


NULL_ITEM = "An item of this list may not be null."


class IdField(serializers.PrimaryKeyRelatedField):
    """A row by its id, a JSON number. A number with a fraction (`1.5`) is refused: the database would round
    it to another row's id (DRF's own field refuses booleans and "1.5" as text, but passes 1.5 on); so is
    an id as text ("1"), which DRF takes, and a null in a list, which DRF looked up as the id "None"."""

    def to_internal_value(self, data):
        if data is None:  # only a list's item gets here: the field's own null is answered before
            raise serializers.ValidationError(NULL_ITEM, code="null")
        if isinstance(data, float):
            self.fail("incorrect_type", data_type="a number with a fraction")
        if isinstance(data, str):
            self.fail("incorrect_type", data_type="text")
        return super().to_internal_value(data)


# ---------------------------------------------------------------------------------------------------
# Pagination: cursors; a cursor that does not decode, or whose position is not of the right type, is a 400.


class StrictCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    position_type = str  # str, int or "datetime": what the first ordering field holds

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded == "":  # DRF reads `?cursor=` as the first page; the README promises a 400 for it
            raise InvalidQuery({"cursor": ["Give a value, or leave the parameter out."]})
        if encoded and not _is_a_cursor(encoded):
            raise InvalidQuery({"cursor": ["This cursor is not valid; use the `next` or `previous` link."]})
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise InvalidQuery(
                {"cursor": ["This cursor is not valid; use the `next` or `previous` link."]}
            ) from error
        if cursor is None or cursor.position is None:
            return cursor
        position = self.clean_position(cursor.position)
        if position is None:
            raise InvalidQuery({"cursor": ["This cursor is not valid; use the `next` or `previous` link."]})
        return cursor._replace(position=position)

    @staticmethod
    def _moment_in_utc(position: str):
        """The position as an aware time in UTC, or None. Our links carry UTC, but a hand-edited one may not:
        PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows, and a moment at either end of the
        years 1 to 9999 may have no UTC time Python can hold (OverflowError)."""
        try:
            moment = parse_datetime(position)
            if moment is None:
                return None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            return None

    def clean_position(self, position: str) -> str | None:
        """The cursor's position as the query compares it (a time in UTC), or None if it is not valid."""
        if "\x00" in position:
            return None
        if self.position_type == "datetime":
            moment = self._moment_in_utc(position)
            return None if moment is None else str(moment)
        if self.position_type is int:
            return position if position.lstrip("-").isdigit() and abs(int(position)) < 2**63 else None
        return position

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        valid = raw is None or (raw.isascii() and raw.isdigit() and len(raw) < 5 and int(raw) >= 1)
        if not valid or (raw is not None and int(raw) > self.max_page_size):
            raise InvalidQuery({"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    # DRF's examples of the links are another API's (`api.example.org/accounts/`), the next one with a stray
    # quote at its end: the docs showed them in every list's example answer.
    NEXT_EXAMPLE = "https://news.example.org/api/v1/articles/?cursor=cD0yMDI2LTExLTI1"

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["next"]["example"] = self.NEXT_EXAMPLE
        response["properties"]["previous"]["example"] = None
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size}; {self.page_size} by default."
                )
        return parameters


class TimeAndIdCursorPagination(StrictCursorPagination):
    """For a list ordered by a time, then by id (`ordering = ("-published_at", "-id")`): a cursor holds both,
    `2026-11-28 10:00:00+00:00|29`, and the next page starts strictly after that pair.

    DRF's cursor holds the time alone and steps over the rows that share it by counting them (its offset):
    when one of those leaves the list (a story withdrawn) or joins it between two pages, the count lands on
    the wrong row, and a client walking the pages misses a story or gets one twice. A cursor holding a time
    alone (a link given out before) still pages DRF's way.
    """

    position_type = "datetime"

    def paginate_queryset(self, queryset, request, view=None):
        after = self._time_and_id_cursor(request)
        if after is None:
            return super().paginate_queryset(queryset, request, view)
        page = super().paginate_queryset(queryset.filter(self._beyond(after)), request, view)
        # DRF paged from the cursor without its position (decode_cursor), as from an end of the list.
        if after.reverse:
            self.has_next, self.next_position = True, after.position
        else:
            self.has_previous, self.previous_position = True, after.position
        self.display_page_controls = self.template is not None
        return page

    def decode_cursor(self, request):
        """DRF filters on the time alone: it gets a (time, id) cursor without its position, and
        paginate_queryset filters on both."""
        cursor = super().decode_cursor(request)
        return cursor._replace(position=None) if self._holds_an_id(cursor) else cursor

    def _time_and_id_cursor(self, request):
        cursor = super().decode_cursor(request)  # ours, with the position
        return cursor if self._holds_an_id(cursor) else None

    @staticmethod
    def _holds_an_id(cursor) -> bool:
        return cursor is not None and "|" in (cursor.position or "")

    def _beyond(self, cursor) -> Q:
        """The rows after the cursor's (time, id) in the direction it pages."""
        moment, pk = cursor.position.split("|")
        time, id_ = (name.lstrip("-") for name in self.ordering)
        # As DRF decides: (cursor reversed) XOR (list newest first).
        lookup = "lt" if cursor.reverse != self.ordering[0].startswith("-") else "gt"
        # Bounded by the time itself too, so the index on it starts the scan at the cursor: with only the OR,
        # PostgreSQL read the list from its start, past every earlier page, to find where this one begins.
        past_the_id = Q(**{f"{time}__{lookup}": moment}) | Q(**{f"{id_}__{lookup}": pk})
        return Q(**{f"{time}__{lookup}e": moment}) & past_the_id

    def clean_position(self, position: str) -> str | None:
        moment, bar, pk = position.rpartition("|")
        if not bar:  # a time alone: a link given out before ids were added
            return super().clean_position(position)
        if not (pk.isascii() and pk.isdigit() and len(pk) < 20 and int(pk) < 2**63):
            return None
        moment = super().clean_position(moment)
        return None if moment is None else f"{moment}|{int(pk)}"

    def _get_position_from_instance(self, instance, ordering):
        moment = super()._get_position_from_instance(instance, ordering)
        return f"{moment}|{super()._get_position_from_instance(instance, ordering[1:])}"


def _is_a_cursor(encoded: str) -> bool:
    """What our `next`/`previous` links carry: base64 of a query naming an offset, direction or position.
    DRF's decoding skips characters outside base64, so `?cursor=%00` read as "the first page"."""
    try:
        decoded = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
    except (ValueError, UnicodeError):
        return False
    return bool(parse_qs(decoded, keep_blank_values=True).keys() & {"o", "r", "p"})


# ---------------------------------------------------------------------------------------------------
# Permissions: anyone may read what the queryset shows them; writes need an active staff account and the
# Django model permissions that the view names for the action (the same ones the admin checks).


def is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class StaffModelPermissions(BasePermission):
    """`view.required_permissions(request)` names the permissions; safe methods need none unless named."""

    message = "Your account may not do this."

    def has_permission(self, request, view):
        if getattr(view, "action", None) in getattr(view, "open_actions", ()):
            return True
        required = view.required_permissions(request)
        if request.method in SAFE_METHODS and not required:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return is_staff_user(user) and user.has_perms(required)


# ---------------------------------------------------------------------------------------------------
# HTTP caching of public reads: an ETag of the answer, 304 for `If-None-Match`. Anonymous answers are public
# but revalidated on every use, as the pages are: a CDN keeps them and asks again each time (a 304 while
# nothing changed), so a withdrawn article leaves it at once. No Last-Modified: an answer also changes with
# what it shows of other rows (an author renamed, a related story withdrawn), which no one time covers, so
# `If-Modified-Since` answered 304 with old data. Staff answers, and the browsable API's pages (they carry a
# CSRF token and set its cookie), are private and never stored.


class HttpCachingMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            patch_cache_control(response, no_store=True)
            return response
        response.render()
        if response.cookies or getattr(response.accepted_renderer, "format", "") == "api":
            patch_cache_control(response, private=True, no_store=True)
            return response
        if request.user and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, response=response)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, stricter and cheaper.

    A parameter the list does not take is a 400 naming it, not silently ignored: a misspelt filter would
    otherwise answer with everything, and `?page=2` on a cursor list with the first page again, for ever.
    An invalid value is a 400 with the code `invalid_query`, like a bad cursor or page size. When the
    request names none of the view's filters the query is left alone: a FilterSet with no value changes
    nothing, and building its form (every field copied, every label worked out) cost more than the rest of
    a cached list."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        filters = set(filterset_class.base_filters) if filterset_class else set()
        if getattr(view, "action", None) == "list":
            refuse_unknown_parameters(request, filters, getattr(view, "paginator", None))
        if not filters or request.query_params.keys().isdisjoint(filters):
            return queryset
        try:
            return super().filter_queryset(request, queryset, view)
        except exceptions.ValidationError as error:
            raise InvalidQuery(error.detail) from error


def refuse_unknown_parameters(request, filters: set[str], paginator) -> None:
    taken = set(filters) | {api_settings.URL_FORMAT_OVERRIDE}
    if paginator is not None:
        taken |= {paginator.cursor_query_param, paginator.page_size_query_param}
    unknown = sorted(set(request.query_params) - taken)
    # `?section=a&section=b` would be read as `b` alone: a client that meant "either" gets half its answer.
    repeated = sorted(
        name for name in set(request.query_params) & taken if len(request.query_params.getlist(name)) > 1
    )
    if not unknown and not repeated:
        return
    listed = ", ".join(f"`{name}`" for name in sorted(taken))
    errors = {
        name: [
            "This list pages with a cursor: follow the `next` link."
            if name == "page"
            else f"This list takes no such parameter; it takes {listed}."
        ]
        for name in unknown
    }
    errors |= {name: ["Give this parameter once; it takes one value."] for name in repeated}
    raise InvalidQuery(errors)


class SlugLookupMixin:
    """Objects found by slug. An address that cannot hold one (a NUL byte, a space) matches no route, so it
    is a 404 before any query: PostgreSQL would refuse to compare a NUL byte at all."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # Django's <slug:> converter


class NewsroomViewMixin(HttpCachingMixin):
    """Base of every API view: `permission_map` names the model permissions each action needs."""

    permission_classes = [StaffModelPermissions]
    parser_classes = [LimitedJSONParser]
    filter_backends = [FilterBackend]
    permission_map: dict[str, list[str]] = {}

    def initial(self, request, *args, **kwargs):
        """A method the address does not take is a 405 whoever asks, before any credentials are weighed: an
        anonymous `DELETE` of a section was a 401, as if a token would let it through."""
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):  # as APIView.dispatch decides
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def required_permissions(self, request) -> list[str]:
        return list(self.permission_map.get(self.action, []))

    def required_permissions_for_schema(self, method) -> list[str]:
        return list(self.permission_map.get(getattr(self, "action", None), []))


# ---------------------------------------------------------------------------------------------------
# OpenAPI: every operation documents the errors it can answer with, in the one error format.

ERROR_EXAMPLES = {
    "400": (
        "The input or a query parameter is not valid.",
        {
            "code": "invalid",
            "message": "Some input is not valid: headline.",
            "errors": {"headline": ["This field is required."]},
        },
    ),
    "401": (
        "No valid credentials were given (send `Authorization: Token <key>`).",
        {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "errors": {},
        },
    ),
    "403": (
        "The account may not do this.",
        {
            "code": "permission_denied",
            "message": "Only editors can publish, schedule or unpublish articles.",
            "errors": {},
        },
    ),
    "404": ("Nothing public at this address.", {"code": "not_found", "message": "Not found.", "errors": {}}),
    "410": (
        "The article was on the site and has been taken off it (unpublished or deleted): drop your copy.",
        {
            "code": "gone",
            "message": "This article was taken off the site at 2026-11-26 09:15 UTC; drop your copy. "
            "articles/removed/ lists every such article.",
            "errors": {},
        },
    ),
    "409": (
        "The same comment was already posted.",
        {"code": "duplicate", "message": "You have already said that.", "errors": {}},
    ),
    "412": (
        "`If-Match` named an older version: someone changed the article since it was read.",
        {
            "code": "edit_conflict",
            "message": "Ada Editor changed this article at 17:42 on 25 Nov 2026, after you opened it; "
            "nothing was saved. Read it again (GET) and send its new ETag in If-Match.",
            "errors": {},
        },
    ),
    "411": (
        "The body was sent without a `Content-Length` (`Transfer-Encoding: chunked`); it was not read.",
        {
            "code": "length_required",
            "message": "Send the request body with a Content-Length header; a body sent without one "
            "(Transfer-Encoding: chunked) is not read, and nothing was saved.",
            "errors": {},
        },
    ),
    "413": (
        "The JSON body is larger than the API accepts (`API_MAX_JSON_BYTES`); it was not read.",
        {
            "code": "too_large",
            "message": "The request body is 2097152 bytes; the largest accepted is 1048576.",
            "errors": {},
        },
    ),
    "415": (
        "The body is not JSON (or multipart form data for images).",
        {"code": "unsupported_media_type", "message": 'Unsupported media type "text/plain".', "errors": {}},
    ),
    "429": (
        "Too many requests from this client; retry after the number of seconds in `Retry-After`.",
        {
            "code": "throttled",
            "message": "Request was throttled. Expected available in 42 seconds.",
            "errors": {},
        },
    ),
    "503": (
        "The database is briefly out of reach (a restart, a failover); retry after the number of seconds in "
        "`Retry-After`.",
        {
            "code": "unavailable",
            "message": "The service is briefly unavailable; retry in 10 seconds.",
            "errors": {},
        },
    ),
}


ID_PATTERN = "[1-9][0-9]{0,17}"  # a row's id in a path, spelt one way only (not +17, 017 or a full-width ７)


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag of the article as this client last read it (a GET's `ETag`, or the `ETag` of the "
    'last write\'s answer, such as `"v12"`), quotes and all. If the article has changed since, nothing is '
    'saved (or deleted) and the answer is 412. A weak ETag (`W/"v12"`) never matches: If-Match compares '
    "strongly (RFC 9110), so it is a 412 too. Optional, but without it a write goes ahead over changes this "
    "client never saw.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="The `ETag` of an earlier answer to this same request: while it still matches, the answer is "
    "304 with no body.",
)

# The headers answers carry, declared where they are sent (OpenApiParameter with `response`).
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=["200"],
    description="A tag of this answer's body: send it in `If-None-Match` to be answered 304 while it "
    "matches.",
)
VERSION_ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=["200", "201"],
    description='The article\'s version after this write, such as `"v13"`: send it in `If-Match` with the '
    "next one.",
)


def created_location(what: str) -> OpenApiParameter:
    """A 201's `Location` header, as the contract gives it for a new `what`."""
    return OpenApiParameter(
        "Location",
        str,
        OpenApiParameter.HEADER,
        response=["201"],
        description=f"The new {what}'s address in the API.",
    )


CREATED_LOCATION = created_location("article")
MOVED_LOCATION = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    response=["301"],
    description="Where the article is now, by the same kind of address.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    response=["429", "503"],
    description="Seconds to wait before asking again.",
)


class NewsroomAutoSchema(AutoSchema):
    def _resolve_path_parameters(self, variables):
        """An id spelt as ID_PATTERN (the viewsets' `lookup_value_regex`) is an integer in the contract."""
        parameters = super()._resolve_path_parameters(variables)
        model = get_view_model(self.view, emit_warnings=False)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == f"^{ID_PATTERN}$" and model is not None:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = f"The {model._meta.verbose_name}'s id."
        return parameters

    def get_override_parameters(self):
        """The conditional headers the API honours, where it honours them: `If-Match` on the writes that
        answer 412 for an older version (an edit conflict is only caught when the client sends it), and
        `If-None-Match` on the reads that answer 304; and the ETag and Retry-After headers of the answers
        (the views declare the rest: a new article's Location)."""
        parameters = list(super().get_override_parameters())
        if "412" in getattr(self.view, "schema_error_codes", {}).get(getattr(self.view, "action", None), []):
            parameters.append(IF_MATCH)
            if self.method != "DELETE":
                parameters.append(VERSION_ETAG)
        if self.method == "GET" and isinstance(self.view, HttpCachingMixin):
            parameters += [IF_NONE_MATCH, ETAG]
        return [*parameters, RETRY_AFTER]

    def get_description(self):
        """An operation says only what its `extend_schema(description=...)` says. Docstrings are written for
        whoever reads the code, and a view without one would inherit its base class's."""
        return ""

    def _error_codes(self) -> list[str]:
        codes = ["400", "429", "503"]
        if self.method not in SAFE_METHODS or self.view.required_permissions_for_schema(self.method):
            codes += ["401", "403"]
        if self.method not in SAFE_METHODS and self.method != "DELETE":
            codes += ["411", "413", "415"]
        if "{" in self.path:
            codes.append("404")
        if self.method not in SAFE_METHODS:
            codes += getattr(self.view, "schema_error_codes", {}).get(getattr(self.view, "action", None), [])
        else:
            reads = getattr(self.view, "schema_read_error_codes", {})
            codes += reads.get(getattr(self.view, "action", None), [])
        return codes

    def get_auth(self):
        """Public reads take credentials but do not need them (StaffModelPermissions is not AllowAny)."""
        auths = super().get_auth()
        public = self.method in SAFE_METHODS and not self.view.required_permissions_for_schema(self.method)
        public = public or getattr(self.view, "action", None) in getattr(self.view, "open_actions", ())
        if public and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self._error_codes()):
            if code in responses:
                continue
            description, example = self._error_example(code)
            responses[code] = self._get_response_for_code(
                OpenApiResponse(
                    ErrorSerializer,
                    description=description,
                    examples=[OpenApiExample(f"error {code}", value=example, status_codes=[code])],
                ),
                code,
                direction=direction,
            )
        if "200" in responses and self.method == "GET":
            responses["304"] = {"description": "Not modified: the `If-None-Match` ETag still matches."}
        return responses

    def _error_example(self, code):
        """The view's own words for an error of this action (`schema_error_examples`: a 409 means one thing
        when deleting an image, another when posting a comment), else the API's."""
        own = getattr(self.view, "schema_error_examples", {}).get(getattr(self.view, "action", None), {})
        return own.get(code) or ERROR_EXAMPLES[code]


# Fields whose meaning is the same wherever they appear, described once for the whole schema.
FIELD_DESCRIPTIONS = {
    "id": "Stable numeric identifier.",
    "url": "This object in the API.",
    "name": "The name readers see.",
    "slug": "The identifier used in addresses.",
    "headline": "The related article's headline.",
    "section": "The section the article belongs to.",
    "tags": "Tags, alphabetical.",
    "lead_image": "The lead image with caption, credit, alt text and renditions; null when there is none.",
    "status": "Workflow state; anonymous clients only ever see `published`.",
    "published_at": "When it was last published; null until it is.",
    "first_published_at": "When it was first published; null until it is.",
    "updated_at": "When it was last changed.",
    "created_at": "When it was created.",
    "corrections": "Corrections and updates shown to readers, oldest first.",
    "kind": "What kind it is; one of the enum's values.",
    "website": "The author's own web site.",
    "submit_date": "When the comment was posted.",
    "noted_at": "When the correction or update was made.",
    "width": "Pixels.",
    "height": "Pixels.",
    "renditions": "JPEG renditions, narrowest first, for `srcset`.",
    "credit": "Photographer and agency.",
    "canonical_url": "The article's address on the site.",
    "comments_enabled": "Whether readers may comment on the article.",
    "next": "Link to the next page; null on the last page.",
    "previous": "Link to the previous page; null on the first page.",
    "results": "The items of this page.",
}


def describe_common_fields(result, generator, request, public):
    """drf-spectacular post-processing hook: every property of every component gets a description."""
    for component in result.get("components", {}).get("schemas", {}).values():
        properties = component.get("properties", {})
        for name, prop in properties.items():
            if prop.get("description") or name not in FIELD_DESCRIPTIONS:
                continue
            if "$ref" in prop:
                ref = {"$ref": prop.pop("$ref")}
                properties[name] = {"allOf": [ref], **prop, "description": FIELD_DESCRIPTIONS[name]}
            else:
                prop["description"] = FIELD_DESCRIPTIONS[name]
    return result


# Example values by component name; each app's api.py adds its own. The hook below puts one on every
# request and response body that has none of its own, wrapping list items in the pagination envelope.
SCHEMA_EXAMPLES: dict[str, dict] = {}


def _example_for(schema):
    if schema.get("type") == "array":  # a plain list of items (no pagination): one item's example in it
        item = _example_for(schema.get("items", {}))
        return None if item is None else [item]
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    if name in SCHEMA_EXAMPLES:
        return SCHEMA_EXAMPLES[name]
    item = name.removeprefix("Paginated").removesuffix("List")
    if name.startswith("Paginated") and item in SCHEMA_EXAMPLES:
        return {
            "next": StrictCursorPagination.NEXT_EXAMPLE,
            "previous": None,
            "results": [SCHEMA_EXAMPLES[item]],
        }
    return None


def add_missing_examples(result, generator, request, public):
    """drf-spectacular post-processing hook: an example on every request and success body."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            bodies = [operation.get("requestBody", {})]
            bodies += [body for code, body in operation.get("responses", {}).items() if code.startswith("2")]
            for body in bodies:
                for media in body.get("content", {}).values():
                    if media.get("examples"):
                        continue
                    value = _example_for(media.get("schema", {}))
                    if value is not None:
                        media["examples"] = {"example": {"value": value, "summary": "example"}}
    return result

"""Routes of the REST API: /api/v1/ for the endpoints, /api/schema/ and /api/docs/ for the contract; /api/
itself sends to the current version."""

from django.urls import include, path, re_path, reverse
from django.utils.cache import patch_cache_control
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from articles.api import ArticleViewSet, ImageViewSet, SectionViewSet, TagViewSet
from articles.api.removed import RemovedArticleViewSet
from authors.api import AuthorViewSet
from comments.api import ModerationCommentViewSet
from sharing.api import ShareViewSet

from .api import HttpCachingMixin, is_staff_user, not_found


class NewsroomAPIRoot(HttpCachingMixin, APIRootView):
    """GET /api/v1/: a link to every list the client may read, to the OpenAPI contract and to its docs
    (Swagger UI, Redoc). A staff-only list (images, the moderation queue, shares) is offered only to a
    client whose account may read it: to others it was a link that answered 401 or 403.

    The lists' links carry the root's `?format=` on (DRF's `reverse`); the schema's and the docs' do not, as
    they have formats of their own (the docs are HTML only: `/api/docs/?format=json` is a 406). Cached and
    revalidated as every public GET is (ETag, 304)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for prefix, viewset, _ in router.registry:
            required = getattr(viewset, "permission_map", {}).get("list", [])
            if required and not (is_staff_user(request.user) and request.user.has_perms(required)):
                del response.data[prefix]
        for name in ("schema", "docs", "redoc"):
            response.data[name] = request.build_absolute_uri(reverse(f"api:{name}"))
        if request.user.is_authenticated:  # the lists offered are the account's own
            patch_cache_control(response, private=True, no_store=True)
        return response


router = DefaultRouter()
router.APIRootView = NewsroomAPIRoot
router.register("articles", ArticleViewSet, basename="article")
router.register("articles/removed", RemovedArticleViewSet, basename="removed-article")
router.register("sections", SectionViewSet, basename="section")
router.register("tags", TagViewSet, basename="tag")
router.register("authors", AuthorViewSet, basename="author")
router.register("images", ImageViewSet, basename="image")
router.register("moderation/comments", ModerationCommentViewSet, basename="moderation-comment")
router.register("shares", ShareViewSet, basename="share")

app_name = "api"
urlpatterns = [
    # A temporary redirect: the current version moves on, the versioned addresses stay.
    path("", RedirectView.as_view(pattern_name="api:api-root", query_string=True), name="index"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script in the docs.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^", not_found),  # anything else under /api/, newlines included
]

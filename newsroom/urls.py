from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView
from watchman import views as watchman_views

from articles import sitemaps
from articles.views import robots_txt
from newsroom import converters, health, views  # noqa: F401 - converters registers <id:>
from newsroom.admin import LabelledAutocompleteJsonView
from newsroom.page_cache import csrf_token_view, public_revalidated

# A database out of reach answers 503 with Retry-After instead of the 500 page (newsroom/views.py).
handler500 = "newsroom.views.server_error"
# A form over the size limits answers 413 with what happened (newsroom/views.py), not a bare 400.
handler400 = "newsroom.views.bad_request"

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Newsroom"
# The article list and form need the width: beside Django's sidebar, the list's last column was cut off at
# 1280 pixels and the body editor was 280 wide at 1024. The index and the breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for on pages that name no icon (the browsable API, feeds): ours."""

    def get_redirect_url(self, *args, **kwargs):
        return static_url("img/favicon.svg")


urlpatterns = [
    # Ahead of the admin's own "View on site" shortcut, which checks no permission (newsroom/views.py).
    path(
        "admin/r/<id:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.view_on_site),
        name="view-on-site",
    ),
    # Ahead of the admin's own too, at its address: choices labelled by their admin (newsroom/admin.py).
    path(
        "admin/autocomplete/",
        admin.site.admin_view(LabelledAutocompleteJsonView.as_view(admin_site=admin.site)),
        name="labelled-autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("newsroom.api_urls")),
    path("comments/csrf/", csrf_token_view, name="csrf-token"),  # for forms on cached pages
    path("comments/", include("comments.urls")),  # our views; xtd's pickle links stay unmounted
    path("authors/", include("authors.urls")),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("health/", health.serving, name="health"),  # GET and HEAD come from health.HealthFirst, first
    path("health/status/", never_cache(watchman_views.status), name="health-status"),  # administrators
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("sitemap.xml", public_revalidated(sitemaps.sitemap_index), name="sitemap-index"),
    path(
        "sitemap-news.xml",
        public_revalidated(sitemap_views.sitemap),
        {"sitemaps": {"news": sitemaps.NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="sitemap-news",
    ),
    path(
        "sitemap-<section>.xml",
        public_revalidated(sitemap_views.sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap-section",
    ),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""Sitemaps: articles, sections, authors, and a Google News sitemap of the last two days."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from authors.models import Author

from .models import Article, Section

NEWS_WINDOW = timedelta(days=2)


class PublicSitemap(Sitemap):
    """Addresses on SITE_URL, whatever the Sites framework or the request's Host header say."""

    limit = 5000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def latest(self):
        return None


class ArticleSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .only("slug", "published_at", "revised_at", "created_at", "publish_at", "section__slug")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.last_revised

    def latest(self):
        times = Article.objects.published().aggregate(Max("revised_at"), Max("published_at"))
        return max((at for at in times.values() if at is not None), default=None)


class SectionSitemap(PublicSitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        return Section.objects.in_use().only("slug")

    def latest(self):
        return Article.objects.published().aggregate(at=Max("published_at"))["at"]


class AuthorSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        """Only authors with at least one published article: a byline on a draft is not public."""
        return Author.objects.with_public_fields().bylined().only("slug").order_by("slug")


class NewsSitemap(ArticleSitemap):
    """Google News: articles published in the last two days, with publication name, language and title."""

    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            super()
            .items()
            .filter(published_at__gte=since)
            .only(
                "slug", "headline", "published_at", "revised_at", "created_at", "publish_at", "section__slug"
            )
        )


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "news": NewsSitemap,
}


def sitemap_index(request):
    """Like django.contrib.sitemaps.views.index, but on SITE_URL and with a fixed number of queries."""
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        view = "sitemap-news" if name == "news" else "sitemap-section"
        kwargs = {} if name == "news" else {"section": name}
        location = settings.SITE_URL + reverse(view, kwargs=kwargs)
        pages = sitemap.paginator.num_pages if name != "news" else 1
        latest = sitemap.latest()
        for page in range(1, pages + 1):
            entries.append({"location": location + (f"?p={page}" if page > 1 else ""), "last_mod": latest})
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )

from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.models import F, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from comments.queries import page_key as comment_page_key
from newsroom import fragments
from newsroom.page_cache import article_deps, list_deps
from newsroom.throttles import SearchThrottle
from newsroom.views import throttled

from .changes import readable
from .models import Article, ArticleRedirect, RemovedArticle, Section, Tag
from .navigation import browse_by
from .pagination import ArticleListMixin, FragmentPagesMixin
from .previews import PreviewClosed, article_id_from_token
from .related import ReadMore
from .search import CountedPagePaginator, clean_query, search_articles, tidy_query
from .templatetags.newsroom_site import absolute, iso_time

HOME_FEATURED = 4
HOME_LATEST = 10
HOME_PER_SECTION = 4
# A story flagged breaking shows the banner for this long; nobody has to remember to untick it.
BREAKING_NEWS_FOR = timedelta(hours=24)
# Saves within this time of publishing (the publish itself, a typo fix) do not show as "Updated".
# The publisher logo in JSON-LD (Google asks for at most 600×60).
LOGO, LOGO_SIZE = "img/logo.png", (600, 60)


class PublishedArticlesMixin:
    """Every public view starts from Article.objects.published(); nothing else decides visibility."""

    def published_articles(self):
        return Article.objects.published().for_listing().with_comment_counts().newest_first()


class HomeView(PublishedArticlesMixin, TemplateView):
    """The front page: its top (breaking, top stories, latest) and a block per section, each a fragment
    (newsroom/fragments.py) whose articles are read only when it is rendered: a publish renders the top and
    its own section's block again, and the other blocks come from the cache."""

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = self.published_articles()
        blocks = SectionBlocks(published)
        context.update(front=FrontTop(published), section_blocks=blocks)
        fragments.prefetch(self.request, ("home-top", []), *(("home-section", [b.slug]) for b in blocks))
        return context


class FrontTop:
    def __init__(self, published):
        self.published = published

    @cached_property
    def breaking(self):
        since = timezone.now() - BREAKING_NEWS_FOR
        return self.published.filter(is_breaking=True, published_at__gte=since).first()

    @cached_property
    def featured(self):
        return list(self.published.filter(is_featured=True)[:HOME_FEATURED])

    @cached_property
    def latest(self):
        shown = {a.pk for a in self.featured}
        return [a for a in self.published[: HOME_LATEST + len(shown)] if a.pk not in shown][:HOME_LATEST]

    @property
    def deps(self) -> set[str]:
        deps = {"list:all"}
        for article in [self.breaking, *self.featured, *self.latest]:
            deps |= article_deps(article) if article else set()
        return deps


def menu_section_slugs() -> list[str]:
    """Section slugs in menu order, from the Browse By menu the page shows anyway (cached)."""
    return [nav["url"].strip("/") for nav in browse_by()["sections"]]


class SectionBlocks:
    """The newest few of every section, in menu order; all of them in one query, when the first is shown."""

    def __init__(self, published):
        self.published = published

    def __iter__(self):
        return iter([SectionBlock(self, slug) for slug in menu_section_slugs()])

    @cached_property
    def by_section(self) -> dict:
        blocks = {}
        for article in self.newest_per_section(self.published):
            blocks.setdefault(article.section.slug, []).append(article)
        return blocks

    @staticmethod
    def newest_per_section(published):
        order = ("section__position", "section__name", "-published_at", "-id")
        if not connection.features.supports_slicing_ordering_in_compound:  # SQLite: a row number per section
            rank = Window(
                RowNumber(), partition_by=F("section_id"), order_by=[F("published_at").desc(), F("id").desc()]
            )
            return published.annotate(rank=rank).filter(rank__lte=HOME_PER_SECTION).order_by(*order)
        # PostgreSQL: one small index scan per section (section, status, published_at), joined by UNION in a
        # subquery; a row number over every published article grew with the archive (0.5 s at 100,000).
        newest_ids = [
            published.filter(section__slug=slug).values_list("id", flat=True)[:HOME_PER_SECTION]
            for slug in menu_section_slugs()
        ]
        if not newest_ids:
            return published.none()
        return published.filter(pk__in=newest_ids[0].union(*newest_ids[1:], all=True)).order_by(*order)


class SectionBlock:
    def __init__(self, blocks: SectionBlocks, slug: str):
        self.blocks, self.slug = blocks, slug

    @property
    def articles(self) -> list:
        return self.blocks.by_section.get(self.slug, [])

    @property
    def section(self):
        return self.articles[0].section if self.articles else None

    @property
    def deps(self) -> set[str]:
        if not self.articles:
            return {"list:all"}  # an empty section: its first story bumps the list of all
        return list_deps(self.section, self.articles)


class SectionView(ArticleListMixin, PublishedArticlesMixin, ListView):
    template_name = "articles/section.html"
    # A section with no published story is no page yet, as it is in no navigation: see Section.in_use.
    empty_is_not_found = True

    def get_queryset(self):
        self.section = self.owner = get_object_or_404(Section, slug=self.kwargs["slug"])
        return self.published_articles().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(ArticleListMixin, PublishedArticlesMixin, ListView):
    template_name = "articles/tag.html"
    # A tag on no published story is no page: its name could give away a story still in draft.
    empty_is_not_found = True

    def get_queryset(self):
        self.tag = self.owner = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return self.published_articles().tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


def article_metadata(article) -> dict:
    """What search engines and social networks read from an article page (Open Graph and JSON-LD)."""
    url = ArticleDetail(article).url
    description = ArticleDetail(article).description
    authors = [b.author for b in article.bylines.all()]
    image = None
    if article.lead_image:
        image = {"url": absolute(article.lead_image.social_card.url), "width": 1200, "height": 630}
    modified = article.shown_as_updated
    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": description,
        "datePublished": iso_time(article.published_at) or None,
        "dateModified": iso_time(modified or article.published_at) or None,
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "author": [
            {
                "@type": "Organization" if author.is_agency else "Person",
                "name": author.display_name,
                "url": absolute(author.get_absolute_url()),
            }
            for author in authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": absolute("/"),
            "logo": {
                "@type": "ImageObject",
                "url": absolute(static(LOGO)),
                "width": LOGO_SIZE[0],
                "height": LOGO_SIZE[1],
            },
        },
    }
    if image:
        json_ld["image"] = [
            {"@type": "ImageObject", "url": image["url"], "width": image["width"], "height": image["height"]}
        ]
    return {"url": url, "description": description, "image": image, "modified": modified, "json_ld": json_ld}


class ArticleDetail:
    """What an article page shows beyond the article row, loaded only when a part that shows it renders.

    The page's cached fragments (newsroom/fragments.py) need none of it: a page whose parts are all cached
    runs one query, the article's own.
    """

    def __init__(self, article):
        self._article = article

    @cached_property
    def article(self):
        """The article with its bylines, tags and corrections (one query each, once)."""
        article = self._article
        prefetch_related_objects([article], *Article.objects.for_detail()._prefetch_related_lookups)
        return article

    @cached_property
    def meta(self) -> dict:
        return article_metadata(self.article)

    @property
    def url(self) -> str:
        return absolute(self._article.get_absolute_url())

    @property
    def description(self) -> str:
        article = self._article
        # The body's text as read: its entities unescaped, its paragraphs apart (words() joins the lines).
        return article.dek or Truncator(readable("body", article.body)).words(40)

    @property
    def deps(self) -> set[str]:
        return article_deps(self.article)


class ArticleView(DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        self.day()  # a date that does not exist is a malformed address: 404, no guessing
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            target = self.moved_article(request.path, kwargs["slug"])
            if target is None:
                removal = RemovedArticle.last_with_slug(kwargs["slug"])
                if removal is None:
                    raise
                return render(request, "410.html", {"removal": removal}, status=410)
            if target.get_absolute_url() == request.path:
                raise
            return HttpResponsePermanentRedirect(target.get_absolute_url())

    @staticmethod
    def moved_article(path, slug):
        """The published article an old address stands for: a recorded old path, else the same slug.

        Slugs are unique, so a known slug under another section or date (a section renamed, say) is
        still that article.
        """
        moved = (
            ArticleRedirect.objects.filter(old_path=path, article__in=Article.objects.published())
            .select_related("article__section")
            .first()
        )
        if moved is not None:
            return moved.article
        return Article.objects.published().select_related("section").filter(slug=slug).first()

    def day(self) -> date:
        try:
            return date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except ValueError as error:
            raise Http404("No such date.") from error

    def get_object(self, queryset=None):
        """The published article at this address; for anonymous readers, from the fragment cache while
        it and its section and image are unchanged, read together with the page's parts (two cache round
        trips, no query). The parts are keyed by the address, which is known before the article is."""
        key = self.fragment_key
        fragments.prefetch(
            self.request,
            *((name, [key]) for name in ("article", "article-head", "article-story", "read-more")),
            # The threads' key ends with why comments are closed, known only with the article: "" (open),
            # as most stories are; a closed one's threads are read on their own.
            ("comments", [key, comment_page_key(self.request), ""]),
            ("comment-form", [key]),
        )
        return fragments.value(self.request, "article", [key], self.read_article, article_deps)

    @property
    def fragment_key(self) -> str:
        """The key of the page's cached parts (templates/articles/article.html, comments/_section.html)."""
        return self.request.path

    def read_article(self):
        return get_object_or_404(
            Article.objects.published().select_related("section", "lead_image"),
            section__slug=self.kwargs["section"],
            slug=self.kwargs["slug"],
            published_at__date=self.day(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context.update(
            detail=ArticleDetail(article), read_more=ReadMore(article), fragment_key=self.fragment_key
        )
        return context


class PreviewView(DetailView):
    """A draft shown in the site's own template to whoever holds a valid, unexpired signed link."""

    template_name = "articles/article.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        try:
            self.article_id = article_id_from_token(kwargs["token"])
        except PreviewClosed:
            # A link the desk sent that has run its course, not a mistyped address: its holder is told so.
            hours = settings.PREVIEW_LINK_MAX_AGE // timedelta(hours=1)
            response = render(request, "articles/preview_closed.html", {"hours": hours}, status=410)
            response["Cache-Control"] = "private, no-store"
            return response
        except signing.BadSignature as error:
            raise Http404("This preview link is not valid.") from error
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(Article.objects.for_detail(), pk=self.article_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, detail=ArticleDetail(self.object), **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


class SearchView(FragmentPagesMixin, PublishedArticlesMixin, ListView):
    """Full-text search on PostgreSQL, a plain fallback on SQLite; an empty query gets a friendly page.

    The results are a fragment under the versions of every published article (`list:all`) and of the cards
    shown: a search asked again (the day's big story) is not ranked again until an article changes."""

    template_name = "articles/search.html"
    paginate_by = 20
    paginator_class = CountedPagePaginator
    context_object_name = "articles"
    fragment = "search-results"

    def get(self, request, *args, **kwargs):
        asked = clean_query(request.GET.get("q", ""))
        return (asked and throttled(request, SearchThrottle(), self)) or super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        if not self.query:
            return Article.objects.none()
        return search_articles(Article.objects.published().for_search_results(), self.query)

    def prepare_page(self, page) -> None:
        page.query = self.query

    def get_context_data(self, **kwargs):
        typed = tidy_query(self.request.GET.get("q", ""))  # shown again in the box, an emoji alone too
        return super().get_context_data(query=self.query, raw_query=typed, **kwargs)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(reverse('sitemap-index'))}",
        f"Sitemap: {absolute(reverse('sitemap-news'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

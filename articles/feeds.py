"""RSS 2.0 and Atom feeds of published articles: the whole site, and each section, tag and author."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator, get_text_list

from authors.models import Author
from newsroom.page_cache import public_revalidated

from .changes import readable
from .fields import xml_text
from .models import Article, Section, Tag
from .templatetags.newsroom_site import absolute

FEED_SIZE = 30


class WithoutControls:
    """A feed whose every piece of text, of the feed and of each item, is xml_text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_text, args), **{name: xml_text(v) for name, v in kwargs.items()})
        self.feed["categories"] = [xml_text(c) for c in self.feed.get("categories") or ()]

    def add_item(self, *args, categories=(), **kwargs):
        categories = [xml_text(c) for c in categories or ()]
        kwargs = {name: xml_text(v) for name, v in kwargs.items()}
        super().add_item(*map(xml_text, args), categories=categories, **kwargs)


class RssFeed(WithoutControls, Rss201rev2Feed):
    pass


class AtomFeed(WithoutControls, Atom1Feed):
    pass


class LatestArticlesFeed(Feed):
    """Title, link, guid, dates, author names, categories, summary and the lead image of each article."""

    description_template = None
    feed_type = RssFeed
    url_name = "articles:feed"

    def __call__(self, request, *args, **kwargs):
        return public_revalidated(super().__call__)(request, *args, **kwargs)

    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return absolute("/")

    def feed_url(self, obj=None):
        """Links are absolute on SITE_URL, so the Sites framework's domain never leaks into a feed."""
        return absolute(reverse(self.url_name, kwargs={"slug": obj.slug} if obj is not None else {}))

    def description(self, obj=None):
        return f"The latest news from {settings.SITE_NAME}."

    def articles(self, obj=None):
        return Article.objects.published()

    def items(self, obj=None):
        return (
            self.articles(obj)
            .for_listing()
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))
            .newest_first()[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        """HTML, as feed readers take a description and Atom's summary says it is: the standfirst or the start
        of the body's text as read (paragraphs apart), escaped ("<desk@example.org>" would read as a tag)."""
        return escape(item.dek or Truncator(readable("body", item.body)).words(50))

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_guid_is_permalink(self, item):
        return True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_revised

    def item_author_name(self, item):
        # "A, B and C", as the byline reads on the site (Atom and RSS items carry one author name).
        return get_text_list([byline.author.display_name for byline in item.bylines.all()], "and") or None

    def item_categories(self, item):
        return [item.section.name] + [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        if not item.lead_image:
            return []
        rendition = item.lead_image.social_card
        try:
            length = str(rendition.size)
        except (OSError, ValueError):
            length = "0"
        return [Enclosure(absolute(rendition.url), length, "image/jpeg")]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed
    url_name = "articles:feed-atom"
    subtitle = LatestArticlesFeed.description


class ArticlesOfFeed(LatestArticlesFeed):
    """The feed of one section, tag or author: `findable` to find it by slug, `articles_of` to list it."""

    def findable(self):
        """The things that have a feed, asked for each request: which tags and authors are on a published
        article changes as stories go out (a queryset kept on the class would keep the time it was made)."""
        raise NotImplementedError

    def get_object(self, request, slug):
        return get_object_or_404(self.findable(), slug=slug)

    def title(self, obj=None):
        return f"{obj} · {settings.SITE_NAME}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def articles_of(self, published, obj):
        raise NotImplementedError

    def articles(self, obj=None):
        return self.articles_of(Article.objects.published(), obj)


class SectionFeed(ArticlesOfFeed):
    url_name = "articles:section-feed"

    def findable(self):
        return Section.objects.in_use()

    def description(self, obj=None):
        return obj.description or f"The latest {obj.name} news from {settings.SITE_NAME}."

    def articles_of(self, published, obj):
        return published.in_section(obj)


class SectionAtomFeed(SectionFeed):
    feed_type = AtomFeed
    url_name = "articles:section-feed-atom"
    subtitle = SectionFeed.description


class TagFeed(ArticlesOfFeed):
    url_name = "articles:tag-feed"

    def findable(self):
        return Tag.objects.in_use()

    def description(self, obj=None):
        return f"Articles about {obj.name} from {settings.SITE_NAME}."

    def articles_of(self, published, obj):
        return published.tagged(obj)


class TagAtomFeed(TagFeed):
    feed_type = AtomFeed
    url_name = "articles:tag-feed-atom"
    subtitle = TagFeed.description


class AuthorFeed(ArticlesOfFeed):
    url_name = "authors:feed"

    def findable(self):
        return Author.objects.with_public_fields().bylined()

    def description(self, obj=None):
        return f"Articles by {obj.display_name} in {settings.SITE_NAME}."

    def articles_of(self, published, obj):
        return published.by_author(obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = AtomFeed
    url_name = "authors:feed-atom"
    subtitle = AuthorFeed.description

"""The "Read more" block: the editor's choices, then the published articles closest by tags and section."""

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from .models import Article, RelatedArticle

# A shared tag says more about a story than a shared section.
TAG_WEIGHT, SECTION_WEIGHT = 2, 1
CANDIDATES = 300


def related_articles(article: Article, *, limit: int = 6) -> list[Article]:
    """At most `limit` published articles, never `article` itself, in two queries (rows, then bylines).

    Expects `article.tags` to be prefetched (for_detail() does it), so reading the tags costs nothing.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    chosen = RelatedArticle.objects.filter(article_id=article.pk, related_id=OuterRef("pk"))
    shared_tags = (
        Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)
        .values("article_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = (
        Article.objects.published()
        .filter(candidates(article, tag_ids))
        .exclude(pk=article.pk)
        .annotate(
            chosen_position=Subquery(chosen.values("position")[:1], output_field=IntegerField()),
            score=Coalesce(Subquery(shared_tags, output_field=IntegerField()), Value(0)) * TAG_WEIGHT
            + Case(When(section_id=article.section_id, then=Value(SECTION_WEIGHT)), default=Value(0)),
        )
        .for_listing()
        .order_by(F("chosen_position").asc(nulls_last=True), "-score", "-published_at", "-id")
    )
    return list(rows[:limit])


def candidates(article: Article, tag_ids: list[int]) -> Q:
    """Which articles are scored: the editor's choices, and only the newest few hundred of the section and of
    each shared tag, however big they grow."""
    chosen = RelatedArticle.objects.filter(article_id=article.pk).values("related_id")
    in_section = (
        Article.objects.published()
        .filter(section_id=article.section_id)
        .exclude(pk=article.pk)
        .newest_first()
        .values("pk")[:CANDIDATES]
    )
    tagged = [newest_with_tag(tag_id) for tag_id in tag_ids]
    if connection.features.supports_slicing_ordering_in_compound:
        # One list of ids (UNION), looked up by primary key: an OR of three IN (...) read the whole table.
        return Q(pk__in=chosen.union(in_section, *tagged, all=True))
    condition = Q(pk__in=chosen) | Q(pk__in=in_section)  # SQLite: no LIMIT inside a UNION
    for ids in tagged:
        condition |= Q(pk__in=ids)
    return condition


def newest_with_tag(tag_id: int):
    """Ids of a tag's newest articles by id (the order they were written in), read from the index on (tag,
    article) alone: walking the published articles newest first until enough carried the tag took 150 ms
    at 100,000 articles. Drafts among them are dropped by the query that scores them."""
    through = Article.tags.through.objects
    return through.filter(tag_id=tag_id).order_by("-article_id").values("article_id")[:CANDIDATES]


class ReadMore:
    """The "Read more" block of an article page, chosen only when shown (a cached fragment needs no query)."""

    def __init__(self, article: Article):
        self.article = article

    @cached_property
    def articles(self) -> list[Article]:
        return related_articles(self.article)

    @property
    def deps(self) -> set[str]:
        """What the block shows and picks from: its cards, the editor's choices, the section and tags (read
        only after a rendering, so a cached block costs no query)."""
        from newsroom.page_cache import article_deps

        article = self.article
        deps = {f"related:{article.pk}", f"list:section:{article.section_id}"}
        deps |= {f"list:tag:{tag.pk}" for tag in article.tags.all()}
        # Every editor's choice, shown or not: one still in draft joins the block when it is published.
        # `public:` moves only when a story goes on or off the site or changes there; `article:` would
        # move with each save of a draft, and a new ETag would tell readers that one is being written.
        chosen = RelatedArticle.objects.filter(article_id=article.pk).values_list("related_id", flat=True)
        deps |= {f"public:{related_id}" for related_id in chosen}
        for card in self.articles:
            deps |= article_deps(card)
        return deps

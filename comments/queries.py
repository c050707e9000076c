"""Reading comments: counts for lists of articles and the threaded, paginated comments of one article."""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, JSONObject
from django_comments_xtd.models import DISLIKEDIT_FLAG, LIKEDIT_FLAG


def article_content_type():
    from articles.models import Article

    return ContentType.objects.get_for_model(Article)


def article_filter(article) -> dict:
    return {"content_type": article_content_type(), "object_pk": str(article.pk)}


def same_address(rows, field: str, emails) -> Q:
    """Those of `rows` (a manager or a query) whose `field` is one of these addresses, capitals aside.
    `iexact` alone finds too many on PostgreSQL, whose UPPER() folds letters of other alphabets onto ASCII
    ones: `sam@gmaıl.com`, with a dotless ı, is a domain of its own that anyone may register, and it matched
    sam@gmail.com's rows. So the rows it finds are compared again as Python lowers them, which keeps ı and i
    apart (one query more)."""
    wanted = {email.strip().lower() for email in emails} - {""}
    near = reduce(operator.or_, (Q(**{f"{field}__iexact": email}) for email in wanted), Q(pk__in=[]))
    found = rows.filter(near).values_list("pk", field) if wanted else []
    return Q(pk__in=[pk for pk, address in found if address.strip().lower() in wanted])


def with_comment_counts(queryset, name: str = "comment_count"):
    """Annotate each article with its number of approved comments, in the same single query.

    Use it on any Article queryset (lists, feeds, the API):
    `with_comment_counts(Article.objects.published())`.
    """
    from .models import ReaderComment

    comments = (
        ReaderComment.objects.approved()
        .filter(content_type=article_content_type(), object_pk=Cast(OuterRef("pk"), CharField()))
        .order_by()
        .values("content_type")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(**{name: Coalesce(Subquery(comments, output_field=IntegerField()), Value(0))})


def comment_count(article) -> int:
    """The annotated count when present (no query), otherwise one query."""
    from .models import ReaderComment

    annotated = getattr(article, "comment_count", None)
    if isinstance(annotated, int):
        return annotated
    return ReaderComment.objects.approved().for_article(article).count()


def page_key(request) -> str:
    """The comment page asked for (`?comments_page=`): a number, else "1" (what the paginator shows)."""
    number = str(request.GET.get("comments_page", "1")) if request is not None else "1"
    return number if number.isdigit() and len(number) <= 6 else "1"


@dataclass
class Node:
    comment: object
    children: list = field(default_factory=list)


def comment_threads(article, *, page_number=1, per_page=None):
    """One page of approved threads (oldest first) as a tree, in a fixed number of queries.

    Replies whose parent is not approved are left out with it, so a removed comment takes its thread along.
    """
    from .models import ReaderComment

    per_page = per_page or settings.COMMENTS_PER_PAGE
    approved = ReaderComment.objects.approved().for_article(article)
    roots = approved.filter(level=0).order_by("submit_date", "pk").values_list("thread_id", flat=True)
    page = Paginator(roots, per_page).get_page(page_number)
    rows = (
        approved.filter(thread_id__in=list(page.object_list))
        .select_related(None)
        .only(
            "pk",
            "user_name",
            "user_url",
            "comment",
            "submit_date",
            "thread_id",
            "parent_id",
            "level",
            "order",
            "content_type_id",
            "object_pk",
        )
        .with_staff_mark()
        .annotate(
            likes=Count("flags", filter=Q(flags__flag=LIKEDIT_FLAG)),
            dislikes=Count("flags", filter=Q(flags__flag=DISLIKEDIT_FLAG)),
        )
        .order_by("thread_id", "order")
    )
    nodes, roots_out = {}, []
    for comment in rows:
        node = nodes[comment.pk] = Node(comment)
        if comment.level == 0:
            roots_out.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].children.append(node)
    return page, roots_out


def comment_url(article, comment) -> str:
    """The article's address at the comment page that shows this comment, and its anchor: a link to
    `#c<id>` alone lands on the first page, where a comment of a later one is not."""
    from .models import ReaderComment

    roots = ReaderComment.objects.approved().for_article(article).filter(level=0)
    root = roots.filter(pk=comment.thread_id).values("submit_date").first()
    earlier = 0
    if root is not None:
        when = root["submit_date"]
        before = Q(submit_date__lt=when) | Q(submit_date=when, pk__lt=comment.thread_id)
        earlier = roots.filter(before).count()
    number = earlier // settings.COMMENTS_PER_PAGE + 1
    query = f"?comments_page={number}" if number > 1 else ""
    return f"{article.get_absolute_url()}{query}#c{comment.pk}"


def max_level() -> int:
    return settings.COMMENTS_XTD_MAX_THREAD_LEVEL


def articles_named_to(user):
    """The articles whose headlines the moderation queue may show (the admin's and the API's): all for who
    may view articles (reporters and editors), those on the site for moderators, to whom a withdrawn story's
    rewritten headline is news."""
    from articles.models import Article

    if user.has_perm("articles.view_article"):
        return Article.objects.all()
    return Article.objects.published()


NOT_ON_SITE = "A story not on the site"


def with_article_names(queryset, user):
    """Comments annotated, in the same query, with their article's headline as `user` may read it
    (`article_headline`, None where not) and whether readers see the article (`article_on_site`)."""
    from articles.models import Article

    article = Cast(OuterRef("object_pk"), IntegerField())
    return queryset.annotate(
        article_headline=Subquery(articles_named_to(user).filter(pk=article).values("headline")[:1]),
        article_on_site=Exists(Article.objects.published().filter(pk=article)),
    )


def with_answered_comments(queryset):
    """Replies annotated, in the same query, with the comment each answers (`answers`: its `name`, `text`,
    `public`, `removed` and `spam`), for a moderator judging a reply in its context; None for a comment that
    starts a thread (xtd: it answers itself) and for one whose comment is no longer stored."""
    from .models import ReaderComment

    answered = (
        ReaderComment.objects.filter(pk=OuterRef("parent_id"))
        .exclude(pk=OuterRef("pk"))
        .values(
            json=JSONObject(
                name="user_name",
                text="comment",
                public="is_public",
                removed="is_removed",
                spam="moderation__is_spam",
            )
        )[:1]
    )
    return queryset.annotate(answers=Subquery(answered))

"""The desk: what needs an editor's attention, on the admin index, in a fixed number of queries.

One query counts every article pile (conditional aggregates), one lists the first few of each pile (a
window function numbers the rows per pile), one counts held comments, one comments readers reported, one
failed shares and, for who may see commenters' addresses, one comment mail given up: at most six, however
many articles and comments there are.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from .models import Article

ITEMS_PER_PILE = 5
RECENT = timedelta(days=2)
Status = Article.Status


@dataclass
class Pile:
    key: str
    title: str
    count: int
    url: str
    items: list = field(default_factory=list)
    empty: str = "Nothing here."


def _changelist(name: str, **params) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _mine(user) -> Q:
    return Q(created_by=user) | Q(bylines__author__user=user)


def article_piles(user) -> list[Pile]:
    if not user.has_perm("articles.view_article"):
        return []
    now = timezone.now()
    since = now - RECENT
    mine_ids = Article.objects.filter(_mine(user)).values("pk")
    conditions = {
        "drafts": Q(status=Status.DRAFT, pk__in=mine_ids),
        "review": Q(status=Status.IN_REVIEW),
        "scheduled": Q(status=Status.SCHEDULED),
        "published": Q(status=Status.PUBLISHED, published_at__gte=since, published_at__lte=now),
    }
    counts = Article.objects.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
    )
    # Newest first within each pile, except the schedule, which reads soonest first.
    pile = Case(*(When(condition, then=Value(key)) for key, condition in conditions.items()), default=None)
    order = Case(
        When(status=Status.SCHEDULED, then=F("publish_at")),
        When(status=Status.PUBLISHED, then=F("published_at")),
        default=F("updated_at"),
    )
    rows = (
        Article.objects.annotate(pile=pile)
        .filter(pile__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("pile")],
                order_by=[
                    Case(When(status=Status.SCHEDULED, then=order)).asc(nulls_last=True),
                    order.desc(),
                    F("pk").desc(),
                ],
            )
        )
        .filter(rank__lte=ITEMS_PER_PILE)
        .only("pk", "headline", "status", "publish_at", "published_at", "updated_at")
        .order_by("pile", "rank")
    )
    items = {key: [] for key in conditions}
    for article in rows:
        items[article.pile].append(article)
    return [
        Pile(
            "drafts",
            "My drafts",
            counts["drafts"],
            _changelist("articles_article", status__exact=Status.DRAFT, mine="yes"),
            items["drafts"],
            "No drafts of yours.",
        ),
        Pile(
            "review",
            "Waiting for review",
            counts["review"],
            _changelist("articles_article", status__exact=Status.IN_REVIEW),
            items["review"],
            "Nothing waits for review.",
        ),
        Pile(
            "scheduled",
            "Scheduled",
            counts["scheduled"],
            _changelist("articles_article", status__exact=Status.SCHEDULED),
            items["scheduled"],
            "Nothing is scheduled.",
        ),
        Pile(
            "published",
            f"Published in the last {RECENT.days * 24} hours",
            counts["published"],
            _changelist("articles_article", status__exact=Status.PUBLISHED),
            items["published"],
            "Nothing published lately.",
        ),
    ]


def comment_piles(user) -> list[Pile]:
    if not user.has_perm("django_comments.can_moderate"):
        return []
    from comments.models import ReaderComment

    return [
        Pile(
            "comments",
            "Comments held for moderation",
            ReaderComment.objects.held().count(),
            _changelist("newsroom_comments_readercomment", state="held"),
            empty="No comment is waiting.",
        ),
        Pile(
            "reported",
            "Comments reported by readers",
            ReaderComment.objects.reported().count(),
            _changelist("newsroom_comments_readercomment", state="reported"),
            empty="No report is open.",
        ),
    ]


def share_pile(user) -> Pile | None:
    if not user.has_perm("sharing.view_sharerecord"):
        return None
    from sharing.models import ShareRecord

    return Pile(
        "shares",
        "Shares that failed",
        ShareRecord.objects.filter(state=ShareRecord.State.FAILED).count(),
        _changelist("sharing_sharerecord", state__exact=ShareRecord.State.FAILED),
        empty="Every share went out.",
    )


def undelivered_mail_pile(user) -> Pile | None:
    """For who may see commenters' addresses only: the recipients are theirs."""
    if not user.has_perm("newsroom_comments.view_commenter_personal_data"):
        return None
    from comments.models import OutgoingMail

    given_up = OutgoingMail.objects.given_up()
    return Pile(
        "mail",
        "Comment mail given up",
        given_up.count(),
        _changelist("newsroom_comments_outgoingmail", state="given_up"),
        empty="Every comment mail went out or is still being tried.",
    )


def desk_for(user) -> list[Pile]:
    if not (user and user.is_authenticated and user.is_staff):
        return []
    piles = article_piles(user)
    piles += comment_piles(user)
    if shares := share_pile(user):
        piles.append(shares)
    if mail := undelivered_mail_pile(user):
        piles.append(mail)
    return piles

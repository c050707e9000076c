"""The desk: what needs an editor's attention, on the admin index, in a fixed number of queries.

One query counts every article pile (conditional aggregates), one lists the first few of each pile (a
window function numbers the rows per pile; subqueries bring each draft's latest workflow event, so a story
an editor sent back says so), one counts held comments, one comments readers reported, one
failed shares and, for who may see commenters' addresses, one comment mail given up: at most six, however
many articles and comments there are.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from newsroom.users import display_name

from .models import Article, WorkflowEvent
from .services import RETURNED_WITH_A_NOTE

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


@dataclass
class SentBack:
    """A draft whose latest workflow event is an editor sending it back: who, when, and whether a note says
    why (the event's detail, as `services.return_to_draft` writes it)."""

    by: str
    at: datetime
    with_note: bool


# The latest event's fields, annotated on a draft's row as `last_event_<name>`.
LAST_EVENT_FIELDS = ["action", "at", "detail", "actor__first_name", "actor__last_name", "actor__username"]


def _last_event_of_drafts() -> dict:
    """One subquery per field of a draft's latest workflow event, inside the rows query; the CASE keeps the
    database from running them for the other piles' rows."""
    latest = WorkflowEvent.objects.filter(article=OuterRef("pk")).order_by("-at", "-pk")
    return {
        f"last_event_{name}": Case(When(status=Status.DRAFT, then=Subquery(latest.values(name)[:1])))
        for name in LAST_EVENT_FIELDS
    }


def _sent_back(article) -> SentBack | None:
    event = {name: getattr(article, f"last_event_{name}") for name in LAST_EVENT_FIELDS}
    if event["action"] != WorkflowEvent.Action.RETURNED:
        return None
    by = ""
    if event["actor__username"] is not None:  # None: the editor's account was deleted since
        actor = get_user_model()(
            first_name=event["actor__first_name"],
            last_name=event["actor__last_name"],
            username=event["actor__username"],
        )
        by = display_name(actor)
    return SentBack(by=by, at=event["at"], with_note=event["detail"] == RETURNED_WITH_A_NOTE)


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
        .annotate(**_last_event_of_drafts())
        .only("pk", "headline", "status", "publish_at", "published_at", "updated_at")
        .order_by("pile", "rank")
    )
    items = {key: [] for key in conditions}
    for article in rows:
        article.sent_back = _sent_back(article)
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
            ReaderComment.objects.awaiting_decision().count(),  # as the hourly digest counts them
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

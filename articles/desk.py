"""The desk: what needs an editor's attention, on the admin index, in a fixed number of queries.

One query counts every article pile (conditional aggregates), one lists the first few of each pile: inside
it, window functions number the articles of each pile (and, for an editor, every draft once more, for "Being
written") to pick the first few, and only those are read with what the desk shows of them (their bylines,
joined, a row per byline; each draft's latest workflow event, so a story an editor sent back says so). Then
one counts held comments, one comments readers reported, one failed shares and, for who may see
commenters' addresses, one comment mail given up: at most six, however many articles and comments there are.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import DenseRank, RowNumber
from django.urls import reverse
from django.utils import timezone

from newsroom.users import display_name

from .models import Article, WorkflowEvent, mine
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
    shows_bylines: bool = False


def _changelist(name: str, **params) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


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


def _ranks(numbering, editor: bool) -> dict:
    """Each article's place in its pile (`rank`) and, for an editor, among all drafts (`writing_rank`):
    newest first, except the schedule, which reads soonest first."""
    order = Case(
        When(status=Status.SCHEDULED, then=F("publish_at")),
        When(status=Status.PUBLISHED, then=F("published_at")),
        default=F("updated_at"),
    )
    ranks = {
        "rank": Window(
            numbering(),
            partition_by=[F("pile")],
            order_by=[
                Case(When(status=Status.SCHEDULED, then=order)).asc(nulls_last=True),
                order.desc(),
                F("pk").desc(),
            ],
        )
    }
    if editor:
        ranks["writing_rank"] = Window(
            numbering(), partition_by=[F("status")], order_by=[F("updated_at").desc(), F("pk").desc()]
        )
    return ranks


def article_piles(user) -> list[Pile]:
    if not user.has_perm("articles.view_article"):
        return []
    now = timezone.now()
    since = now - RECENT
    conditions = {
        "drafts": Q(status=Status.DRAFT) & mine(user),
        "review": Q(status=Status.IN_REVIEW),
        "scheduled": Q(status=Status.SCHEDULED),
        "published": Q(status=Status.PUBLISHED, published_at__gte=since, published_at__lte=now),
    }
    counts = Article.objects.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in conditions.items()},
        writing=Count("pk", filter=Q(status=Status.DRAFT)),
    )
    pile = Case(*(When(condition, then=Value(key)) for key, condition in conditions.items()), default=None)
    # An editor sees what the whole newsroom is writing: every draft, theirs in "My drafts" too.
    editor = user.has_perm("articles.edit_any_article")
    listed, shown = Q(pile__isnull=False), Q(pile__isnull=False, rank__lte=ITEMS_PER_PILE)
    if editor:
        listed |= Q(status=Status.DRAFT)
        shown |= Q(status=Status.DRAFT, writing_rank__lte=ITEMS_PER_PILE)
    first = (
        Article.objects.annotate(pile=pile).filter(listed).annotate(**_ranks(RowNumber, editor)).filter(shown)
    )
    # The first few of each pile, again: ranked anew among themselves, with what the desk shows of them
    # (subqueries and a join that, in the ranking above, ran for every draft in the newsroom).
    rows = (
        Article.objects.filter(pk__in=first.values("pk"))
        .annotate(pile=pile)
        # A row per byline (none: one row, its name None); an article's rows share their ranks.
        .annotate(byline=F("bylines__author__display_name"), byline_position=F("bylines__position"))
        .annotate(**_ranks(DenseRank, editor), **_last_event_of_drafts())
        .only("pk", "headline", "status", "publish_at", "published_at", "updated_at")
        .order_by("pk", "byline_position", "bylines__id")
    )
    items = {key: [] for key in [*conditions, "writing"]}
    articles = {}
    for row in rows:
        article = articles.get(row.pk)
        if article is None:
            article = articles[row.pk] = row
            article.bylines_shown = []
            article.sent_back = _sent_back(article)
            if article.pile is not None and article.rank <= ITEMS_PER_PILE:
                items[article.pile].append(article)
            if editor and article.status == Status.DRAFT and article.writing_rank <= ITEMS_PER_PILE:
                items["writing"].append(article)
        if row.byline is not None:
            article.bylines_shown.append(row.byline)
    for key, pile_items in items.items():
        pile_items.sort(key=lambda article: article.writing_rank if key == "writing" else article.rank)
    piles = [
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
            shows_bylines=True,  # whose story the editor is about to read
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
    if editor:
        piles.insert(
            1,
            Pile(
                "writing",
                "Being written",
                counts["writing"],
                _changelist("articles_article", status__exact=Status.DRAFT),
                items["writing"],
                "No one is writing a draft.",
                shows_bylines=True,
            ),
        )
    return piles


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

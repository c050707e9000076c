"""Workflow writes: every path (admin, API, the schedule) goes through these, and they check who may."""

import html
import json
import logging
import unicodedata
from datetime import datetime, timedelta
from itertools import count

import reversion
from anyascii import anyascii
from django.conf import settings
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Exists, Max, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from reversion.models import Revision, Version

from authors.models import Author
from newsroom import page_cache
from newsroom.formats import moment

from .models import (
    Article,
    ArticleRedirect,
    Correction,
    EditorialNote,
    RelatedArticle,
    RemovedArticle,
    Tag,
    WorkflowEvent,
)
from .redirects import forget_taken_old_paths

Status = Article.Status
logger = logging.getLogger(__name__)
# The schedule runs every minute; a run later than this after an article's time is a late one.
SCHEDULE_ON_TIME = timedelta(minutes=5)


# A headline of symbols, emoji or punctuation alone gives no slug at all.
NO_SLUG_FROM_HEADLINE = (
    "Give a slug (a-z, 0-9 and hyphens, such as “harbour-vote”): one is made only from a headline's letters "
    "and digits, and this headline has none."
)


# The admin's slug is filled in the browser (Django's URLify), which spells Latin, Greek, Cyrillic, Arabic and
# a few more alphabets, and leaves it empty for the rest (Hebrew, Chinese, Thai...), which slug_base spells.
SLUG_NOT_FILLED = (
    "Give a slug (a-z, 0-9 and hyphens), such as “{slug}”, made from the headline as the API would make it "
    "(the browser fills the slug in from some alphabets only)."
)


def slug_base(headline: str) -> str:
    """The slug the headline makes, or "" when it has no letter or digit (NO_SLUG_FROM_HEADLINE)."""
    return slugify(_in_latin_letters(headline))[:190].strip("-")


def _in_latin_letters(text: str) -> str:
    """The text spelt in ASCII (anyascii: "Νέα γραμμή" gives "Nea grammi", "Новости" "Novosti", "Straße"
    "Strasse"), as the admin's slug field spells Greek and Cyrillic as it is typed. Alone, slugify dropped
    every letter outside Latin, so a Greek headline made no slug. Symbols are left out, not spelt: anyascii
    writes 🚢 as ":ship:" and € as "EUR", words the headline never said."""
    return "".join(
        char if char.isascii() else " " if unicodedata.category(char).startswith("S") else anyascii(char)
        for char in text
    )


def free_slug(headline: str) -> str:
    """A slug made from the headline that no article has yet: `night-ferry`, else `night-ferry-2`, `-3`...
    Empty when the headline has no letter or digit to make one from."""
    base = slug_base(headline)
    if not base:
        return ""
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(slug for n in count(1) if (slug := base if n == 1 else f"{base}-{n}") not in taken)


NO_SLUG_FROM_NAME = (
    "Give a slug (a-z, 0-9 and hyphens, such as “harbour-vote”): one is made only from a name's letters and "
    "digits, and this name has none."
)


def tag_slug(name: str) -> str:
    """The slug a tag's name makes, as an article's headline makes one (slug_base: Greek and Cyrillic spelt in
    Latin letters), cut to fit the tag's slug; "" when the name has no letter or digit (NO_SLUG_FROM_NAME)."""
    return slug_base(name)[: Tag._meta.get_field("slug").max_length].strip("-")


def create_tag(*, name: str, slug: str, by) -> Tag:
    """Make a tag outside the admin (the API), as the article form's "+" does: only for an account with the
    admin's `add_tag`, and logged as the admin logs an addition, so the tag's History says who made it.
    The pages it changes are refreshed by the signals, as for any save of a tag."""
    if not by.has_perm("articles.add_tag"):
        raise PermissionDenied("Your account may not create tags.")
    with transaction.atomic():
        tag = Tag.objects.create(name=name, slug=slug)
        LogEntry.objects.log_actions(
            by.pk, [tag], ADDITION, change_message="Added through the API.", single_object=True
        )
    return tag


def can_edit(*, article: Article, user) -> bool:
    """Editors edit everything; a reporter edits only their own articles while they are drafts."""
    if user is None or not user.is_active:
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    if not user.has_perm("articles.change_article"):
        return False
    if article.pk is None:
        return True
    return is_own(article=article, user=user) and article.status == Status.DRAFT


REPORTERS_EDIT = "reporters edit only their own drafts"
# What a refused edit answers, in the admin and the API alike.
NOT_YOURS_TO_EDIT = f"You may not edit this article: {REPORTERS_EDIT}."


def edit_refusal(*, article: Article, user) -> str:
    """Why a story the user may read is not theirs to change, for the admin's read-only page (which otherwise
    leaves a reporter guessing). Only for a story can_edit refuses them."""
    if not user.has_perm("articles.change_article"):
        return "You may not edit this article: your role in the newsroom does not edit articles."
    if not is_own(article=article, user=user):
        return NOT_YOURS_TO_EDIT
    state = article.get_status_display().lower()
    if article.status == Status.IN_REVIEW:
        return (
            f"You may not edit this article: it is {state}, and {REPORTERS_EDIT}. "
            "An editor can send it back to draft for you."
        )
    return f"You may not edit this article: it is {state}, and {REPORTERS_EDIT}. An editor can change it."


REPORTERS_DELETE = "you may delete only your own drafts that were never published."
SHARED_STAYS = (
    "a story posted (or queued to be posted) on social networks stays in the archive, because the posts link "
    "to it. Unpublish it instead."
)
# What a refused deletion answers, in the admin and the API alike.
NOT_YOURS_TO_DELETE = f"You may not delete this article: {REPORTERS_DELETE}"
SHARED_NOT_DELETED = f"This article cannot be deleted: {SHARED_STAYS}"


def can_delete(*, article: Article, user) -> bool:
    """Editors delete any story (the delete page warns of one on the site); a reporter only a draft of their
    own that never ran, so nothing readers saw goes with it (an editor can still recover it)."""
    if user is None or not user.is_active:
        return False
    if user.has_perm("articles.delete_article"):
        return True
    return (
        user.has_perm("articles.change_article")
        and article.status == Status.DRAFT
        and article.first_published_at is None
        and is_own(article=article, user=user)
    )


def delete_article(*, article: Article, by) -> None:
    """Delete a story outside the admin (the API), as the admin's delete page does: only where can_delete
    allows it and no social post links to it, and logged as the admin logs it, so "Recover deleted
    articles" says when and by whom. What leaves the site with it is the signals' work (article_deleted)."""
    if not can_delete(article=article, user=by):
        raise PermissionDenied(NOT_YOURS_TO_DELETE)
    if article.shares.exists():
        raise ValidationError(SHARED_NOT_DELETED, code="shared")
    with transaction.atomic():
        LogEntry.objects.log_actions(by.pk, [article], DELETION, single_object=True)
        article.delete()


def is_own(*, article: Article, user) -> bool:
    """The user started the story or writes it (a byline of theirs)."""
    return article.created_by_id == user.pk or article.bylines.filter(author__user=user).exists()


# What a refused change of an image answers, in the admin (its read-only page) and the API alike.
IMAGE_NOT_YOURS_TO_CHANGE = (
    "You may not change this image: reporters change only their own uploads, and only while no submitted, "
    "scheduled or published article shows them."
)


def can_change_image(*, image, user) -> bool:
    """Editors change any image; a reporter only their own uploads, and only while no article past the
    draft stage shows them (as lead image or in the body): swapping the picture of a published or
    submitted article would be publishing it."""
    if user is None or not user.is_active or not user.has_perm("articles.change_image"):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    return image.uploaded_by_id == user.pk and not image.used_in().exclude(status=Status.DRAFT).exists()


BYLINE_KEPT = "A published or scheduled article keeps at least one byline."
# What a reporter's bylines without their own answer, in the admin and the API alike.
OWN_BYLINE = (
    "Your story carries your own byline (you may add colleagues'): only an editor files a story under "
    "other writers' names alone."
)
NO_AUTHOR_OF_YOURS = (
    " No author is linked to your account yet: ask an editor to link yours (Authors, the author's “User”)."
)


def must_keep_a_byline(article: Article) -> bool:
    """A story on the site or on the schedule never loses its last byline (publishing needs one too)."""
    return article.pk is not None and article.status in (Status.SCHEDULED, Status.PUBLISHED)


def byline_refusal(*, article: Article, authors, user) -> str:
    """Why `user` may not give `article` these bylines (Author rows, in order), or "". A reporter's story
    carries their own byline: under a colleague's alone it sat in that colleague's "My drafts", who could
    submit it. Editors byline anyone, and bylines an editor set stay when a reporter leaves them as they are.
    A reporter no author is linked to has no byline of their own to give (and the admin, like review, wants
    one), so they write once an editor has linked one."""
    if user.has_perm("articles.edit_any_article"):
        return ""
    if any(author.user_id == user.pk for author in authors):
        return ""
    if article.pk is not None and {a.pk for a in authors} == set(
        article.bylines.values_list("author_id", flat=True)
    ):
        return ""
    if not Author.objects.filter(user=user).exists():
        return OWN_BYLINE + NO_AUTHOR_OF_YOURS
    return OWN_BYLINE


NEEDS_A_BODY = "An article needs a body with text or a picture before it is {}."
NOTHING_KEPT = (
    "Nothing is left of this body once what the site does not keep (scripts, styles, embeds, unknown markup) "
    "is removed: it needs text or a picture."
)
BODY_KEPT = (
    "A published or scheduled article keeps a body with text or a picture. To take it off the site or the "
    "schedule, unpublish it."
)


def body_refusal(*, article: Article, body: str, going_out_as: str = "") -> str:
    """Why `body` cannot be saved on `article`, or "": the admin's form and the API ask before saving. A
    story sent out (`going_out_as` "published", say) needs one with something in it, and one on the site or
    the schedule keeps it: emptied on the site, the page showed a headline over nothing; emptied on the
    schedule, the story was refused at its time with no one told."""
    if has_content(body):
        return ""
    if going_out_as:
        return NEEDS_A_BODY.format(going_out_as)
    return BODY_KEPT if must_keep_a_byline(article) else ""


def can_publish(user) -> bool:
    return user is not None and user.is_active and user.has_perm("articles.publish_article")


def _require_publisher(user):
    if not can_publish(user):
        raise PermissionDenied("Only editors can publish, schedule or unpublish articles.")


def _locked(article: Article) -> Article:
    """Re-read the row under a lock so two editors acting at once cannot both change it."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _record(article, action, by, detail=""):
    """The workflow event, and a revision for the history: "Scheduled for Fri 27 Nov 2026, 09:00 UTC", and
    "Published by the schedule" when no one acted."""
    WorkflowEvent.objects.create(article=article, action=action, actor=by, detail=detail)
    comment = " ".join(
        [WorkflowEvent.Action(action).label, detail or ("by the schedule" if by is None else "")]
    ).strip()
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(comment)
        if by is not None:
            reversion.set_user(by)
        reversion.add_to_revision(article)


def record_recovery(*, article: Article, by) -> None:
    """A deleted article brought back (the admin's recover): its history, kept through the deletion
    (WorkflowEvent), says so, and preview links made before it stay closed, as after a withdrawal
    (articles.previews). Not "Unpublished": a draft that never ran comes back too. Its old addresses, kept
    too, are its own again, but for those another article's slug has taken meanwhile."""
    WorkflowEvent.objects.create(article=article, action=WorkflowEvent.Action.RECOVERED, actor=by)
    forget_taken_old_paths(article)


ALREADY_IN_REVIEW = "This article is already in review: an editor will publish it or send it back to you."


@transaction.atomic
def submit_for_review(*, article: Article, by) -> Article:
    if not can_edit(article=article, user=by):
        # A reporter's own story sent twice (a second click, a retried API call) is told where it stands,
        # not that it is not theirs.
        if article.status == Status.IN_REVIEW and is_own(article=article, user=by):
            raise ValidationError(ALREADY_IN_REVIEW)
        raise PermissionDenied("You can only submit your own drafts for review.")
    article = _locked(article)
    if article.status not in (Status.DRAFT, Status.UNPUBLISHED):
        raise ValidationError(
            f"Only drafts can be sent for review; this article is {article.get_status_display()}."
        )
    _require_ready(article, "sent for review")  # what editors would have to send back
    article.mark_in_review()
    article.save(update_fields=["status", "updated_at"])
    _record(article, WorkflowEvent.Action.SUBMITTED, by)
    return article


NOTE_MAX_LENGTH = EditorialNote._meta.get_field("text").max_length


# The workflow event's detail for a story sent back with its reason (the reporter's desk says so).
RETURNED_WITH_A_NOTE = "with a note"


@transaction.atomic
def return_to_draft(*, article: Article, by, note: str = "", note_written: bool = False) -> Article:
    """An editor sends a story in review back to its writer, who may edit it again; the reason, if given,
    is an editorial note on the story (staff only, like every note). `note_written`: the editor wrote it
    beside the step (the admin saves its notes before it takes the step)."""
    if not can_publish(by):
        raise PermissionDenied("Only editors can send a story back to draft.")
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"A note has at most {NOTE_MAX_LENGTH} characters; this one has {len(note)}."}
        )
    article = _locked(article)
    if article.status != Status.IN_REVIEW:
        raise ValidationError(
            f"Only a story in review can be sent back; this article is {article.get_status_display()}."
        )
    article.mark_returned()
    article.save(update_fields=["status", "updated_at"])
    if note:
        EditorialNote.objects.create(article=article, text=note, written_by=by)
    _record(
        article,
        WorkflowEvent.Action.RETURNED,
        by,
        detail=RETURNED_WITH_A_NOTE if note or note_written else "",
    )
    return article


@transaction.atomic
def publish_article(*, article: Article, by) -> Article:
    """Publish now. `by=None` is the schedule itself, which may publish only what an editor scheduled."""
    if by is not None:
        _require_publisher(by)
    article = _locked(article)
    if article.status == Status.PUBLISHED:
        return article
    if by is None and article.status != Status.SCHEDULED:
        raise PermissionDenied("The schedule only publishes scheduled articles.")
    _require_ready(article, "published")
    first_time = article.first_published_at is None
    article.mark_published(_publication_time(article, by))
    article.save(update_fields=["status", "published_at", "first_published_at", "publish_at", "updated_at"])
    _record(article, WorkflowEvent.Action.PUBLISHED, by)
    # Back on the site: clients hear of it through `updated_since`, not as removed.
    RemovedArticle.objects.filter(article_id=article.pk).delete()
    # The outbox: share records in this transaction, their tasks only after it commits.
    from sharing.services import queue_shares_for_publish

    queue_shares_for_publish(article=article, by=by, first_time=first_time)
    return article


NOT_YET_PUBLISHED = (
    "Corrections and updates are for a story readers have seen; this one has not been published yet, so "
    "change its text instead."
)


@transaction.atomic
def add_correction(*, article: Article, by, kind: str, note: str) -> Correction:
    """A correction or update at the foot of the story, dated now, as the admin's Corrections add them. The
    article is saved with it (a new version, so an edit opened before it is stale, and "Updated" for readers)
    and its history records it."""
    if not (by.has_perm("articles.add_correction") and can_edit(article=article, user=by)):
        raise PermissionDenied(f"You may not correct this article: {REPORTERS_EDIT}.")
    article = _locked(article)
    if article.first_published_at is None:  # dated before the story ran, it would read as a fix to nothing
        raise ValidationError(NOT_YET_PUBLISHED)
    correction = Correction.objects.create(article=article, kind=kind, note=note)  # "Updated" from its time
    article.save(update_fields=["updated_at"])
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(f"{correction.get_kind_display()} added")
        reversion.set_user(by)
        reversion.add_to_revision(article)
    return correction


def _require_ready(article: Article, verb: str) -> None:
    """What readers must find in a story that goes out: a byline, and a body with something in it (a body
    of only markup the sanitiser removed, `<script>…</script>`, is saved empty)."""
    if not article.bylines.exists():
        raise ValidationError(f"An article needs at least one byline before it is {verb}.")
    if not has_content(article.body):
        raise ValidationError(NEEDS_A_BODY.format(verb))


def has_content(body: str) -> bool:
    """Text a reader can see, or a picture. `.strip()` keeps the characters that show nothing (a zero-width
    space, a soft hyphen, a word joiner: format characters, category Cf), so `<p>\u200b</p>` went out as a
    headline over an empty page."""
    text = html.unescape(strip_tags(body or ""))
    return any(not _shows_nothing(char) for char in text) or "<img" in (body or "")


def _shows_nothing(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cf", "Zs")


def _publication_time(article, by):
    """Now; for the schedule, the time the editor chose, which its minute-by-minute run passed by a few
    seconds. A run much later than that (the schedule was stopped) publishes at the real time, so that the
    story still arrives at the top of the lists and feeds."""
    now = timezone.now()
    due = article.publish_at
    if by is None and due is not None and now - SCHEDULE_ON_TIME <= due <= now:
        return due
    return now


ALREADY_PUBLISHED = "This article is already published; unpublish it first to schedule it."


@transaction.atomic
def schedule_article(*, article: Article, by, at: datetime) -> Article:
    _require_publisher(by)
    article = _locked(article)
    if article.status == Status.PUBLISHED:
        raise ValidationError(ALREADY_PUBLISHED)
    _require_ready(article, "scheduled")
    article.mark_scheduled(at)
    article.save(update_fields=["status", "publish_at", "updated_at"])
    _record(article, WorkflowEvent.Action.SCHEDULED, by, detail=f"for {moment(at)}")
    return article


@transaction.atomic
def unpublish_article(*, article: Article, by, slug_on_site: str = "") -> Article:
    """`slug_on_site`: the slug readers knew, when the caller saved another with this step (the admin's
    Unpublish button saves the form first); the article's own otherwise."""
    _require_publisher(by)
    article = _locked(article)
    if article.status not in (Status.PUBLISHED, Status.SCHEDULED):
        raise ValidationError("Only published or scheduled articles can be unpublished.")
    was_on_site = article.status == Status.PUBLISHED  # a scheduled story taken off the schedule never ran
    if was_on_site:
        record_removal(article=article, slug=slug_on_site)  # before the save: the slug readers knew
    article.mark_unpublished()
    article.save(update_fields=["status", "publish_at", "updated_at"])
    _record(article, WorkflowEvent.Action.UNPUBLISHED, by)
    return article


def record_removal(*, article: Article, slug: str = "") -> None:
    """`article`, on the site until now, leaves it: API clients that hold a copy read it in
    `articles/removed/` (RemovedArticle). Only what readers knew: its id, slug and the time."""
    RemovedArticle.objects.update_or_create(
        article_id=article.pk, defaults={"slug": slug or article.slug, "removed_at": timezone.now()}
    )


# What an article's API answer shows of other rows, and through which relation: a change to one of these
# fields changes the answer, so the article counts as changed for `articles/?updated_since=`, where an app
# hears what to fetch again. Other fields (a section's place in the menu, an author's biography) do not.
SHOWN_IN_ARTICLES = {
    "Section": ("section", ["name", "slug"]),
    "Tag": ("tags", ["name", "slug"]),
    "Image": ("lead_image", ["file", "width", "height", "alt_text", "caption", "credit"]),
    "Author": ("bylines__author", ["display_name", "slug", "kind", "job_title"]),
}
# What its "Read more" entries (`related`, RelatedSummarySerializer) show of each published article they list:
# its headline and its address (slug, section, the day it was published); and of that article's section, the
# slug in the address.
SHOWN_IN_RELATED = ["headline", "slug", "section_id", "published_at"]
SHOWN_THROUGH_RELATED = {"Section": ("related_links__related__section", ["slug"])}


def note_what_articles_show(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save of a section, tag, image or author: which of the fields articles show this save changes
    (read from the row as stored, one query), for `articles_showing_changed` after the save."""
    fields = SHOWN_IN_ARTICLES[sender.__name__][1]
    if update_fields is not None:
        fields = [f for f in fields if f in update_fields]
    stored = None
    if not raw and instance.pk is not None and fields:
        stored = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    instance._articles_see_a_change = (
        set() if stored is None else {f for f in fields if stored[f] != getattr(instance, f)}
    )


def articles_showing_changed(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save of a section, tag, image or author whose shown fields changed (its name, slug, caption, job
    title...): the published articles that show it are changed at this time. Their version stays: no one
    edited their words. Not a draft or a story in review: the desk dates those by their writer's last change
    ("changed just now"), and one that goes out later is changed then anyway."""
    changed = getattr(instance, "_articles_see_a_change", set())
    if created or raw or not changed:
        return
    _articles_showing(sender, instance).update(updated_at=timezone.now())
    through, fields = SHOWN_THROUGH_RELATED.get(sender.__name__, ("", []))
    if changed & set(fields):  # a section's new slug: the address of its articles in others' "Read more"
        listed_in = {through: instance, "related_links__related__status": Status.PUBLISHED}
        _changed_now(Article.objects.filter(**listed_in, status=Status.PUBLISHED))


def articles_losing_a_tag(sender, instance, **kwargs) -> None:
    """pre_delete of a tag: the published articles that show it lose it from their answer, so they are
    changed now (the rows that tie them to it go without a signal of their own)."""
    _articles_showing(sender, instance).update(updated_at=timezone.now())


def _articles_showing(sender, instance):
    relation = SHOWN_IN_ARTICLES[sender.__name__][0]
    return Article.objects.filter(**{relation: instance}, status=Status.PUBLISHED)


def note_what_related_show(sender, instance: Article, update_fields=None, **kwargs) -> None:
    """pre_save of an article: whether this save changes what the published articles that list it under
    "Read more" show of it (SHOWN_IN_RELATED), or takes it off the site or puts it back (they list it only
    while readers see it). One query: the row as stored, and whether any published article lists it.

    Raw saves too: restoring a version from the History writes the row back raw, and the admin's save of
    the form that follows finds the restored headline already stored."""
    instance._listers_see_a_change = False
    names = [*SHOWN_IN_RELATED, "status"]
    saved = None
    if update_fields is not None:  # "section" or "section_id" alike
        saved = {Article._meta.get_field(name).attname for name in update_fields}
        if saved.isdisjoint(names):
            return
    if instance.pk is None:
        return
    listed = RelatedArticle.objects.filter(related_id=OuterRef("pk"), article__status=Status.PUBLISHED)
    stored = Article.objects.filter(pk=instance.pk).values(*names, listed=Exists(listed)).first()
    if stored is None or not stored["listed"]:
        return
    after = {
        name: stored[name] if saved is not None and name not in saved else getattr(instance, name)
        for name in names
    }
    was_shown, is_shown = _on_site(stored), _on_site(after)
    instance._listers_see_a_change = was_shown != is_shown or (
        is_shown and any(stored[name] != after[name] for name in SHOWN_IN_RELATED)
    )


def related_showing_changed(sender, instance: Article, created=False, **kwargs) -> None:
    """post_save of an article whose "Read more" entries changed (note_what_related_show): the published
    articles that list it are changed now, as `articles_showing_changed` changes those that show a section.
    Not their version, nor their "Updated" time: no one edited them, readers read the same story."""
    if created or not getattr(instance, "_listers_see_a_change", False):
        return
    instance._listers_see_a_change = False
    _changed_now(_articles_listing(instance))


def articles_losing_a_related(sender, instance: Article, **kwargs) -> None:
    """pre_delete of an article: one on the site leaves the "Read more" of the published articles that list
    it (its links are deleted with it), so they are changed now."""
    if _on_site({"status": instance.status, "published_at": instance.published_at}):
        _changed_now(_articles_listing(instance))


def _articles_listing(article: Article):
    return Article.objects.filter(related_links__related=article, status=Status.PUBLISHED)


def _on_site(row: dict) -> bool:
    """As Article.objects.published() decides, for a row given as values."""
    published_at = row["published_at"]
    return row["status"] == Status.PUBLISHED and published_at is not None and published_at <= timezone.now()


def _changed_now(articles) -> None:
    """These articles changed now, in one UPDATE whatever their number; their cached API list entries,
    which show `updated_at` and depend on `article:<id>` (newsroom/fragments.py), are built again."""
    ids = list(articles.values_list("pk", flat=True))
    if ids:
        Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        page_cache.bump(*(f"article:{pk}" for pk in ids))


def article_deleted(sender, instance: Article, **kwargs) -> None:
    """post_delete of an article, by whatever path (the admin's delete page and bulk action, a script): a
    published one leaves the site now. A withdrawn one already has its record, from when it was unpublished;
    a draft that never ran leaves none, as readers never knew it."""
    if instance.status == Status.PUBLISHED:
        record_removal(article=instance)


# Rows keyed by their article's id with no foreign-key constraint, kept when it is deleted, for its recovery.
KEPT_THROUGH_DELETION = (WorkflowEvent, EditorialNote, ArticleRedirect)


def forget_what_was_kept_for_another(sender, instance: Article, created: bool, raw: bool, **kwargs) -> None:
    """post_save of a new article: the rows a deleted article left under its id (workflow events, editorial
    notes, old addresses, kept for its recovery) are not this one's. PostgreSQL never gives an id twice, but
    SQLite (`make run`) can, once a migration rebuilds the table: its counter starts again after the highest
    id left. A new story then took the deleted one's history and notes, and its old addresses led to it.
    A recovery (django-reversion writes the row back raw) is the one new row they belong to."""
    if created and not raw:
        for model in KEPT_THROUGH_DELETION:
            model.objects.filter(article_id=instance.pk).delete()


def recoverable_until(*, deleted_at: datetime | None, last_saved: datetime) -> datetime:
    """Until when "Recover deleted articles" offers a deleted story: DELETED_ARTICLES_KEPT_DAYS after its
    deletion, as the admin's log dates it (the delete page, the bulk action and the API log it). A story a
    script deleted has no such entry, or only one of an earlier deletion: it counts from its last save, the
    latest moment known to come before the deletion, so nothing is kept longer than the period."""
    deleted = max(deleted_at, last_saved) if deleted_at else last_saved
    return deleted + timedelta(days=settings.DELETED_ARTICLES_KEPT_DAYS)


def forget_long_deleted_articles(*, now: datetime | None = None) -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): a story past `recoverable_until` leaves "Recover deleted articles" for
    good. Its versions go, with the bylines, corrections and "Read more" links saved in them, and so do the
    workflow events, editorial notes and old addresses kept through its deletion for its recovery; the
    admin's log of the deletion stays (who deleted what, and when). A fixed number of queries however many
    stories go, and run again it finds nothing to do. Returns how many stories were forgotten."""
    now = now or timezone.now()
    article_type = ContentType.objects.get_for_model(Article)
    gone = ~Exists(Article.objects.filter(pk=Cast(OuterRef("object_id"), BigIntegerField())))
    deleted_versions = Version.objects.get_for_model(Article).filter(gone)
    last_saved = dict(
        deleted_versions.values("object_id")
        .annotate(at=Max("revision__date_created"))
        .values_list("object_id", "at")
    )
    logged = dict(
        LogEntry.objects.filter(content_type=article_type, action_flag=DELETION, object_id__in=last_saved)
        .values("object_id")
        .annotate(at=Max("action_time"))
        .values_list("object_id", "at")
    )
    expired = {
        object_id
        for object_id, saved in last_saved.items()
        if recoverable_until(deleted_at=logged.get(object_id), last_saved=saved) <= now
    }
    if not expired:
        return 0
    with transaction.atomic():
        # The story's own versions and kept rows are deleted only while it is still gone (`gone`, `not_back`
        # below): one recovered meanwhile keeps its history.
        versions = deleted_versions.filter(object_id__in=expired)
        revisions = set(versions.values_list("revision_id", flat=True))
        # Each revision holds one story since migration 0028; should one hold another story still (a version
        # written some other way), of the rows saved with the story (reversion's `follow`) only its own go,
        # and the revision goes once nothing is left in it.
        followed = (
            Version.objects.filter(revision_id__in=revisions)
            .exclude(content_type=article_type)
            .values_list("pk", "format", "serialized_data")
        )
        own = [pk for pk, data_format, data in followed if _saved_for_story(data_format, data) in expired]
        Version.objects.filter(pk__in=own).delete()
        versions.delete()
        Revision.objects.filter(pk__in=revisions).filter(
            ~Exists(Version.objects.filter(revision=OuterRef("pk")))
        ).delete()
        not_back = ~Exists(Article.objects.filter(pk=OuterRef("article_id")))
        for model in KEPT_THROUGH_DELETION:
            model.objects.filter(article_id__in=[int(pk) for pk in expired]).filter(not_back).delete()
    return len(expired)


def _saved_for_story(data_format: str, data: str) -> str | None:
    """The story a saved byline, correction or "Read more" link belongs to (its `article`), read from the
    version's stored JSON as migration 0028 reads it: reversion's `field_dict` loads it into today's model,
    and a value saved in an older shape (text where a number is now) raised, and stopped every nightly run."""
    if data_format != "json":
        return None
    try:
        return str(json.loads(data)[0]["fields"]["article"])
    except (ValueError, LookupError, TypeError):
        return None


def publish_due_articles() -> list[int]:
    """Publish every scheduled article whose time has come; running it twice publishes nothing twice.

    Each article is claimed with SKIP LOCKED in its own transaction, so two runs at once split the work.
    """
    published = []
    due = Article.objects.due_for_publishing().order_by("publish_at", "pk")
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            article = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if article is None:
                continue
            try:
                publish_article(article=article, by=None)
            except ValidationError as error:
                logger.warning("Scheduled article %s was not published: %s", pk, error)
                continue
            published.append(pk)
    return published

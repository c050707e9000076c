import os
from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit

from newsroom.formats import moment
from newsroom.users import display_name

from .fields import LowercaseSlugField, OneLineCharField, no_markup
from .images import image_upload_to, validate_image_upload
from .redirects import KeepsOldAddresses
from .sanitize import sanitize_html
from .search import PostgresOnlyGinIndex

# Widths of the responsive renditions of lead images, used in srcset.
RENDITION_WIDTHS = (480, 800, 1200)


# First parts of addresses the site answers itself: a section with one of these slugs would never be seen.
RESERVED_SECTION_SLUGS = frozenset(
    {"admin", "api", "authors", "comments", "feed", "media", "preview", "search", "static", "tag"}
)


def validate_section_slug(value):
    if value.lower() in RESERVED_SECTION_SLUGS:
        raise ValidationError(
            "“%(slug)s” is already an address of the site's own pages; choose another one.",
            code="reserved_slug",
            params={"slug": value},
        )


class SectionQuerySet(models.QuerySet):
    def in_use(self):
        """Sections a reader may see: with at least one published article, as a blog hides empty categories.
        A section made ahead for a package still in draft ("Election 2027") would announce it."""
        return self.filter(Exists(Article.objects.published().filter(section=OuterRef("pk"))))


class Section(KeepsOldAddresses, models.Model):
    old_address_urls = ("articles:section", "articles:section-feed", "articles:section-feed-atom")
    name = models.CharField(max_length=80, unique=True, validators=[no_markup])
    slug = LowercaseSlugField(
        max_length=80,
        unique=True,
        validators=[validate_section_slug],
        help_text="The first part of every article address.",
    )
    description = models.TextField(blank=True, max_length=500, help_text="Shown on the section page.")
    position = models.PositiveSmallIntegerField(
        default=0, db_index=True, help_text="Order in the “Browse By” navigation, smallest first."
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class TagQuerySet(models.QuerySet):
    def in_use(self):
        """Tags a reader may see: on at least one published article. A tag made for a story still in draft
        would name that story before it runs ("Mayor resigns")."""
        return self.filter(Exists(Article.objects.published().filter(tags=OuterRef("pk"))))


class Tag(KeepsOldAddresses, models.Model):
    old_address_urls = ("articles:tag", "articles:tag-feed", "articles:tag-feed-atom")
    name = OneLineCharField(max_length=60, unique=True, validators=[no_markup])
    slug = LowercaseSlugField(max_length=60, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class Image(models.Model):
    """A photo or graphic, reusable as a lead image; renditions are made once, when it is saved."""

    file = models.ImageField(
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
        help_text="JPEG, PNG, WebP or GIF, at least 200 pixels on each side.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    title = models.CharField(
        max_length=200, validators=[no_markup], help_text="For finding the image in the library."
    )
    caption = models.CharField(
        max_length=400, blank=True, validators=[no_markup], help_text="What the image shows, for readers."
    )
    credit = models.CharField(
        max_length=200, blank=True, validators=[no_markup], help_text="Photographer and agency."
    )
    alt_text = models.CharField(
        max_length=300,
        validators=[no_markup],
        help_text="Describes the image for readers who cannot see it. Required.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    rendition_480 = ImageSpecField(source="file", processors=[ResizeToFit(480, 2000)], format="JPEG")
    rendition_800 = ImageSpecField(source="file", processors=[ResizeToFit(800, 2000)], format="JPEG")
    rendition_1200 = ImageSpecField(source="file", processors=[ResizeToFit(1200, 2400)], format="JPEG")
    social_card = ImageSpecField(source="file", processors=[ResizeToFill(1200, 630)], format="JPEG")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def used_in(self):
        """Articles that show this image: as lead image, or in the body (a figure from the library
        carries the image's id in data-file; a pasted address carries the file's name, or for a rendition
        the directory imagekit names after it: renditions/images/2026/11/pier/<hash>.jpg)."""
        in_body = Q(body__contains=f'data-file="{self.pk}"')
        if self.file:
            renditions = f"{settings.IMAGEKIT_CACHEFILE_DIR}/{os.path.splitext(self.file.name)[0]}/"
            in_body |= Q(body__contains=self.file.name) | Q(body__contains=renditions)
        return Article.objects.filter(Q(lead_image=self) | in_body).order_by("-updated_at", "-pk")

    def renditions(self):
        """(url, width) pairs for srcset, never wider than the original."""
        pairs = []
        for width in RENDITION_WIDTHS:
            if width <= max(self.width, RENDITION_WIDTHS[0]):
                pairs.append((getattr(self, f"rendition_{width}").url, min(width, self.width)))
        return pairs


def mine(user) -> Q:
    """Articles the user started or has a byline on (the desk's "My drafts", the list's "Mine"). Two lookups,
    not one across the byline join: that OR made the database read every byline of every article."""
    return Q(created_by=user) | Q(pk__in=Byline.objects.filter(author__user=user).values("article_id"))


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what a reader may see: published, and its publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_section(self, section):
        return self.filter(section=section)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def due_for_publishing(self):
        return self.filter(status=Article.Status.SCHEDULED, publish_at__lte=timezone.now())

    def with_bylines(self):
        """Each article's bylines and their authors, in one more query for the whole list."""
        return self.prefetch_related(
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("author").only(
                    "article_id", "position", "author__display_name", "author__slug", "author__kind"
                ),
            )
        )

    def for_listing(self):
        """What a list of articles shows: section, lead image and bylines, in a fixed number of queries."""
        return self.select_related("section", "lead_image").with_bylines()

    def for_search_results(self):
        """What a search result shows: headline, section, bylines and date (search adds the snippet). Not
        the body or comment count: the page shows neither; the lead image's id only for the cache's
        dependencies (newsroom/page_cache.py, article_deps)."""
        return (
            self.select_related("section")
            .only(
                "headline", "slug", "dek", "published_at", "lead_image_id", "section__name", "section__slug"
            )
            .with_bylines()
        )

    def for_detail(self):
        return self.for_listing().prefetch_related("tags", "corrections")

    def with_comment_counts(self):
        """Each article's number of approved comments as `comment_count`, inside the same query."""
        from comments.queries import with_comment_counts

        return with_comment_counts(self)

    def newest_first(self):
        return self.order_by("-published_at", "-id")


# How far ahead a story may be scheduled; a date near year 9999 overflowed when shown in local time.
SCHEDULE_HORIZON = timedelta(days=3653)
SCHEDULE_TOO_FAR = "The scheduled time must be within ten years from now."


# A revision this soon after a story went out (a typo fixed at once) does not mark it "Updated".
UPDATE_SHOWN_AFTER = timedelta(minutes=5)
# About 150,000 words of text, or a long read with its markup: past it the editor takes seconds to open and
# every save sanitises and indexes megabytes. Counted as sent, before the sanitiser.
BODY_MAX_LENGTH = 1_000_000

# What a reader reads of the article row itself: a change to any of them is an update (`revised_at`).
READER_FIELDS = frozenset(
    {"headline", "dek", "body", "section_id", "lead_image_id", "lead_image_caption", "source_credit"}
)


@reversion.register(follow=["bylines", "corrections", "related_links"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    headline = OneLineCharField(
        max_length=200,
        validators=[no_markup],
        help_text="Search results show about 60 characters of it, social cards about 70 (see the counter).",
    )
    slug = LowercaseSlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the article's address; unique.",
    )
    dek = OneLineCharField(
        "standfirst",
        max_length=400,
        blank=True,
        validators=[no_markup],
        help_text="One or two sentences under the headline; also the summary in feeds and social cards.",
    )
    body = models.TextField(
        max_length=BODY_MAX_LENGTH,
        help_text="The story. Formatting is kept; scripts and styles are removed on save.",
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    byline_authors = models.ManyToManyField(
        "authors.Author", through="Byline", related_name="articles", blank=True
    )
    lead_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.PROTECT, related_name="lead_of_articles"
    )
    lead_image_caption = OneLineCharField(
        max_length=400,
        blank=True,
        validators=[no_markup],
        help_text="Caption for this article; the image's own caption if empty.",
    )
    source_credit = OneLineCharField(
        max_length=200,
        blank=True,
        validators=[no_markup],
        help_text="Where the reporting comes from, e.g. “With reporting by AFP”.",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a scheduled article goes live, in the newsroom's own time.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Any change to the row (API clients syncing by `updated_since` need them all); `revised_at` only what
    # readers read (READER_FIELDS, a correction): the page's "Updated", JSON-LD, feeds and sitemaps.
    updated_at = models.DateTimeField(auto_now=True)
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When what readers read last changed: its words, picture, section or a correction.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every save; an edit made from an older version is refused (conflict).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_articles",
        editable=False,
    )

    is_featured = models.BooleanField("featured", default=False, help_text="Shown among the top stories.")
    is_breaking = models.BooleanField("breaking", default=False, help_text="Shows the breaking-news banner.")
    comments_enabled = models.BooleanField(default=True)
    share_on_publish = models.BooleanField(
        default=True, help_text="Post to the newsroom's social accounts when the article is first published."
    )
    share_text = models.CharField(
        max_length=500,
        blank=True,
        help_text="Instead of the headline and hashtags; the link is added and it is shortened per network.",
    )
    related_articles = models.ManyToManyField(
        "self",
        through="RelatedArticle",
        through_fields=("article", "related"),
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="Shown first under “Read more”, in this order.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_published"),
            models.Index(fields=["status", "publish_at"], name="article_status_publish_at"),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("edit_any_article", "Can edit any article, whoever wrote it"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        # Every save is a new version, workflow steps included, so a form opened before it is stale; a new
        # story is version 1.
        self.version = 1 if self._state.adding else self.version + 1
        revised = self._readers_read_a_change(kwargs.get("update_fields"))
        if revised:
            self.revised_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            also = ["version", "revised_at"] if revised else ["version"]
            kwargs["update_fields"] = {*kwargs["update_fields"], *also}
        from .redirects import remember_old_path

        with transaction.atomic():
            remember_old_path(self)
            super().save(*args, **kwargs)
        self._remember_what_readers_read()

    def get_absolute_url(self):
        when = timezone.localtime(self.published_at or self.publish_at or self.created_at or timezone.now())
        return reverse(
            "articles:detail",
            kwargs={
                "section": self.section.slug,
                "year": when.year,
                "month": f"{when.month:02d}",
                "day": f"{when.day:02d}",
                "slug": self.slug,
            },
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._remember_what_readers_read()
        return article

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """What is read again is what readers read now; Django also comes here to load a deferred field
        (`defer("body")`), which then counts as read."""
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None:
            self._remember_what_readers_read()
        else:
            attnames = {field.name: field.attname for field in self._meta.concrete_fields}
            self._remember_what_readers_read({attnames.get(name, name) for name in fields})

    def _remember_what_readers_read(self, names=None):
        """`names`: only these fields were read (None: the whole row)."""
        read = READER_FIELDS if names is None else READER_FIELDS & names
        self._as_read = {
            **getattr(self, "_as_read", {}),
            **{name: self.__dict__[name] for name in read if name in self.__dict__},
        }

    def _readers_read_a_change(self, update_fields) -> bool:
        """A new row, one not read from the database (a version restored), or a change to READER_FIELDS;
        a workflow step, closing comments, the featured and breaking flags or sharing settings are not."""
        as_read = getattr(self, "_as_read", None)
        if self.pk is None or as_read is None:
            return True
        names = READER_FIELDS if update_fields is None else READER_FIELDS & set(update_fields)
        return any(name in as_read and getattr(self, name) != as_read[name] for name in names)

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED and self.published_at and self.published_at <= timezone.now()
        )

    @property
    def last_revised(self):
        """For feeds and sitemaps: when a published story's text last changed, or when it went out."""
        return max(self.revised_at or self.published_at, self.published_at)

    @property
    def shown_as_updated(self):
        """The page's "Updated" time: a revision more than UPDATE_SHOWN_AFTER after the story went out."""
        if self.published_at and self.revised_at and self.revised_at - self.published_at > UPDATE_SHOWN_AFTER:
            return self.revised_at
        return None

    @property
    def caption(self):
        return self.lead_image_caption or (self.lead_image.caption if self.lead_image else "")

    def authors_display(self):
        return ", ".join(b.author.display_name for b in self.bylines.all())

    authors_display.short_description = "Bylines"

    # Single-row state changes; services.py decides who may call them.
    def mark_in_review(self):
        self.status = self.Status.IN_REVIEW

    def mark_scheduled(self, at):
        if at <= timezone.now():
            raise ValidationError({"publish_at": "The scheduled time must be in the future."})
        if at > timezone.now() + SCHEDULE_HORIZON:
            raise ValidationError({"publish_at": SCHEDULE_TOO_FAR})
        self.status = self.Status.SCHEDULED
        self.publish_at = at

    def mark_published(self, at=None):
        at = at or timezone.now()
        self.status = self.Status.PUBLISHED
        self.published_at = at
        self.first_published_at = self.first_published_at or at
        self.publish_at = None

    def mark_unpublished(self):
        """Off the site, or off the schedule: a time left in "Publish at" would read as a plan still on."""
        self.status = self.Status.UNPUBLISHED
        self.publish_at = None

    def mark_returned(self):
        self.status = self.Status.DRAFT


@reversion.register()
class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_byline")]

    def __str__(self):
        return f"{self.author} on {self.article}"


@reversion.register()
class RelatedArticle(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="unique_related_article"),
            models.CheckConstraint(condition=~Q(article=models.F("related")), name="related_not_self"),
        ]

    def __str__(self):
        return f"{self.related} (related to {self.article})"


@reversion.register()
class Correction(models.Model):
    """A correction or update note that readers see at the foot of the article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    # Plain text (articles.fields.no_markup), checked where a correction is added (the admin's inline, the
    # API), not here: one saved before the rule, shown read-only, would refuse every later save of its story.
    note = models.TextField(max_length=1000, help_text="Plain text, shown to readers as written.")
    noted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["noted_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"

    def save(self, *args, **kwargs):
        """A new note is news to readers, whoever adds it (the admin's Corrections, the API): the story
        reads "Updated" from it (`Article.revised_at`)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            Article.objects.filter(pk=self.article_id).update(revised_at=self.noted_at)


class SearchDocument(models.Model):
    """An article's full-text vector (headline A, dek and byline and tag names B, body C), stored so that a
    search neither recomputes it for every match nor reads it with every article. PostgreSQL keeps it:
    triggers write it on every insert and change of those fields, of the article's bylines and tags and of
    an author's or tag's name (migrations 0008, 0010 and 0012, articles.search). SQLite (development)
    searches with icontains and leaves it empty."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    document = SearchVectorField()

    class Meta:
        indexes = [PostgresOnlyGinIndex(fields=["document"], name="search_document_gin")]

    def __str__(self):
        return f"Search document of article {self.article_id}"


class WorkflowEvent(models.Model):
    """Who moved an article through the workflow, and when; written by the services only.

    Kept when its article is deleted, as RemovedArticle is (the article's id, no foreign-key constraint):
    the newsroom's record of who published a story outlives it, and a story recovered from "Recover deleted
    articles" comes back with its id, and so with its history. Not in its versions (django-reversion's
    `follow`): restoring an old version reverts with `delete=True`, which would delete every event recorded
    since."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Sent back to draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        # Deleting took it off the site if it was there; it comes back withdrawn, or a draft if it never ran.
        RECOVERED = "recovered", "Recovered after deletion"

    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="workflow_events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Empty when the schedule did it.",
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        at = moment(self.at)  # the newsroom's time in the house format, as everywhere else staff read one
        if self.actor is None and self.detail:  # set-up data ("Demo content"), not the schedule's doing
            return f"{self.get_action_display()} ({self.detail}) at {at}"
        who = display_name(self.actor) if self.actor else "the schedule"  # "Erin Desk", as the By column says
        return f"{self.get_action_display()} by {who} at {at}"


class ArticleRedirect(models.Model):
    """An address a published article had before its slug, section or date changed; it answers 301.

    Kept when its article is deleted, as its WorkflowEvents are (the article's id, no foreign-key
    constraint), so a story recovered from "Recover deleted articles" and published again answers at its old
    addresses too, but for those whose slug another article has taken meanwhile (forget_taken_old_paths).
    Only an address of a published article answers (ArticleView.moved_article): a deleted story's is a 404,
    or a 410 at its last slug (RemovedArticle), as it was when these went with it."""

    old_path = models.CharField(
        max_length=400, unique=True, help_text="The old address, e.g. /world/2026/01/02/x/."
    )
    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="old_paths"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.old_path} → {self.article}"


class EditorialNote(models.Model):
    """A note between staff about an article; never shown on the site, in feeds or in the API.

    Kept when its article is deleted, as its WorkflowEvents are (the article's id, no foreign-key
    constraint), so a story recovered from "Recover deleted articles" comes back with the notes between
    the people who worked on it. Read only through its article (the admin's inline), never on its own."""

    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="editorial_notes"
    )
    text = models.TextField(max_length=2000, help_text="For colleagues only; readers never see it.")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    written_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self):
        # The colleague's name, as "Written by" shows it (the admin's heading and the history read this).
        writer = display_name(self.written_by) if self.written_by_id else "someone"
        return f"Note by {writer} on {self.article}"


class RemovedArticle(models.Model):
    """An article readers could read that has left the site (unpublished or deleted), so that an API client
    that syncs with `updated_since` hears of it and drops its copy. Only what readers already knew: the id,
    the slug it had on the site and when it left; nothing of what becomes of it afterwards. Written by the
    services (unpublish, and a deletion through the post_delete signal); publishing it again removes it."""

    article_id = models.BigIntegerField(primary_key=True, help_text="The article's id.")
    slug = models.SlugField(max_length=200, db_index=False, help_text="Its slug when it was on the site.")
    removed_at = models.DateTimeField(help_text="When it left the site.")

    class Meta:
        ordering = ["-removed_at", "-article_id"]
        indexes = [
            models.Index(fields=["-removed_at", "-article_id"], name="removed_article_newest"),
            models.Index(fields=["slug"], name="removed_article_slug"),
        ]

    def __str__(self):
        return f"{self.slug} (left the site {moment(self.removed_at)})"

    @classmethod
    def last_with_slug(cls, slug):
        """The latest article to leave the site with this slug, or None: its page and its API by-path
        address answer 410 while no published article holds the slug (a deleted story's can be taken
        again, so there may be several)."""
        return cls.objects.filter(slug=slug).first()

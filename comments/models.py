"""What django-comments-xtd does not store: why a comment was held, stored pending comments, the mail outbox,
readers' data requests and reports, and authors' notification choices."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_comments_xtd.models import XtdComment


class HoldRule(models.TextChoices):
    FIRST_TIME = "first_time", "First-time commenter"
    LINKS = "links", "Too many links"
    WORDS = "words", "Moderation words"
    # Not a rule a post meets: a reply that left the site when a moderator removed the comment it answers.
    THREAD_REMOVED = "thread_removed", "Hidden with the comment it answers"


class CommentQuerySet(models.QuerySet):
    def for_article(self, article):
        from .queries import article_filter

        return self.filter(**article_filter(article))

    def approved(self):
        """The one definition of what readers see: public and not removed."""
        return self.filter(is_public=True, is_removed=False)

    def held(self):
        return self.filter(is_public=False, is_removed=False)

    def with_answered_on_site(self):
        """`answered_on_site`: a new thread, or a reply to a comment readers see. A reply to one off the site
        cannot be approved (services.moderating._refuse_orphans) until that comment is approved again."""
        shown = ReaderComment.objects.approved().filter(pk=models.OuterRef("parent_id"))
        return self.annotate(answered_on_site=models.Q(parent_id=models.F("pk")) | models.Exists(shown))

    def awaiting_decision(self):
        """Held comments a moderator is asked to decide on: the hourly digest lists them and the admin's desk
        counts them. Not a reply while the comment it answers is off the site, whether hidden with it
        (HoldRule.THREAD_REMOVED) or held for itself: approving it alone is refused, and it waits again
        when that comment is approved."""
        return self.held().with_answered_on_site().filter(answered_on_site=True)

    def with_staff_mark(self):
        """`by_staff`: posted from a staff account, as Moderation.by_staff recorded it then (not as the
        account is now), in the same query. The page and the API mark these, so that readers can tell a
        reporter's answer from a reader who typed the reporter's name (signed in, staff post under their
        account's name; see comments.services.post_comment)."""
        return self.annotate(
            by_staff=Coalesce("moderation__by_staff", models.Value(False), output_field=models.BooleanField())
        )

    def in_state(self, state):
        """One state of the moderation queue (the admin's filter and the API's): held when none is named."""
        if state == "reported":
            return self.reported()
        if state == "published":
            return self.approved()
        if state == "removed":
            return self.filter(is_removed=True).exclude(moderation__is_spam=True)
        if state == "spam":
            return self.filter(moderation__is_spam=True)
        if state == "all":
            return self
        return self.held()

    def reported(self):
        """Shown to readers and flagged by one of them since a moderator last looked at it."""
        return self.approved().filter(
            models.Exists(
                CommentReport.objects.filter(comment=models.OuterRef("pk"), reviewed_at__isnull=True)
            )
        )


def comment_state(*, spam: bool, removed: bool, public: bool) -> str:
    """Where a comment stands: "spam", "removed", "published" or "held" (waiting for a moderator)."""
    if spam:
        return "spam"
    if removed:
        return "removed"
    return "published" if public else "held"


class ReaderComment(XtdComment):
    """XtdComment as the newsroom sees it; the admin and our queries use this proxy."""

    objects = CommentQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "reader comment"
        verbose_name_plural = "reader comments"
        permissions = [
            (
                "view_commenter_personal_data",
                "Can see commenters' email and IP addresses, export and erase them",
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember whether readers saw the comment as loaded: the page cache (newsroom/page_cache.py)
        refreshes the article's pages only when a save changes what readers see, or could have."""
        comment = super().from_db(db, field_names, values)
        if "is_public" in comment.__dict__ and "is_removed" in comment.__dict__:
            comment.shown = comment.is_public and not comment.is_removed
        return comment

    @property
    def state(self):
        moderation = getattr(self, "moderation", None)
        spam = moderation is not None and moderation.is_spam
        return comment_state(spam=spam, removed=self.is_removed, public=self.is_public)


class Moderation(models.Model):
    """Why a comment was held and what a moderator decided, and whether it came from a staff account; one row
    per comment, written with it (xtd's comment model is not ours to add a column to)."""

    comment = models.OneToOneField(
        XtdComment, primary_key=True, on_delete=models.CASCADE, related_name="moderation"
    )
    held_reason = models.CharField(
        max_length=20, choices=HoldRule.choices, blank=True, help_text="The rule that held the comment."
    )
    was_held_for = models.CharField(
        max_length=20,
        choices=HoldRule.choices,
        blank=True,
        help_text="The rule that held the comment before a moderator decided on it, kept when the decision "
        "clears the one above.",
    )
    is_spam = models.BooleanField(default=False, help_text="Removed as spam, not only removed.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The moderator or editor who decided last.",
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When they decided.")
    by_staff = models.BooleanField(
        default=False,
        help_text='Posted from a staff account, as the account was then: the site marks it "Staff".',
    )

    def __str__(self):
        return f"Moderation of comment {self.comment_id}"

    @property
    def past_rule(self) -> str:
        """The rule that held the comment before a moderator decided on it, as shown ("First-time
        commenter"); "" while a rule holds it still, or when none ever did."""
        return "" if self.held_reason else self.get_was_held_for_display()


class PendingComment(models.Model):
    """A comment by an anonymous reader waiting for the emailed link; becomes a comment exactly once."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    parent_id = models.IntegerField(default=0)
    user_name = models.CharField(max_length=50)
    user_email = models.EmailField(blank=True)
    user_url = models.URLField(blank=True)
    comment = models.TextField()
    ip_address = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)
    followup = models.BooleanField(default=False)
    held_reason = models.CharField(max_length=20, choices=HoldRule.choices, blank=True)
    submit_date = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_comment = models.OneToOneField(
        XtdComment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Pending comment {self.pk}"


class OutgoingMailQuerySet(models.QuerySet):
    """Unsent mail is still being tried until it has failed COMMENTS_MAIL_MAX_RETRIES times; then it is given
    up (retention deletes it when its link expires)."""

    def still_trying(self):
        return self.filter(sent_at__isnull=True, attempts__lt=settings.COMMENTS_MAIL_MAX_RETRIES)

    def given_up(self):
        return self.filter(sent_at__isnull=True, attempts__gte=settings.COMMENTS_MAIL_MAX_RETRIES)


class OutgoingMail(models.Model):
    """The outbox: written in the transaction that causes the mail, sent by a task. Once sent, the address
    and the text are blanked; the row stays a while so `dedupe_key` keeps a message from going out twice."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Confirm your comment"
        REPLY = "reply", "Reply notification"
        NEW_COMMENT = "new_comment", "New comment for the author"
        DIGEST = "digest", "Held comments digest"
        DATA_LINK = "data_link", "Data request link"
        DATA_EXPORT = "data_export", "Data export"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    # The comment a reply or new-comment mail quotes: it goes out only while that comment is on the site,
    # and erasing its writer's data deletes it unsent.
    about = models.ForeignKey(XtdComment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The comments a digest lists by name and text: erasing their writer's data deletes it unsent (the next
    # hourly digest lists the queue again, under the names as they are then).
    quotes = models.ManyToManyField(XtdComment, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    tried_at = models.DateTimeField(null=True, blank=True, help_text="When the last try failed.")
    last_error = models.CharField(max_length=300, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class DataRequest(models.Model):
    """A reader's request for an export or erasure of their comment data, proven by a mailed link."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        ERASE = "erase", "Erasure"

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField()
    # A keyed hash of the address, kept when the address is blanked: one link per 15 minutes per address.
    email_key = models.CharField(max_length=64, blank=True, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    remove_texts = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.get_kind_display()} request {self.pk}"


class CommentReport(models.Model):
    """A reader's flag on a comment. The reporter is kept only as a keyed hash, for one flag each."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(XtdComment, on_delete=models.CASCADE, related_name="reports")
    reporter_key = models.CharField(max_length=64)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.OTHER)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator decides on the comment (keeps or removes it); open reports have none.
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="one_report_per_reader"),
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class AuthorNotificationSetting(models.Model):
    """Whether an article author wants mail about new comments on their articles (off unless chosen)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_notification_setting"
    )
    notify_new_comments = models.BooleanField(
        default=False, help_text="Email me when a comment is published on one of my articles."
    )

    def __str__(self):
        return f"Comment notifications for {self.user}"

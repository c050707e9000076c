import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_delivery_key() -> str:
    return f"newsroom-share-{secrets.token_hex(12)}"


class ShareRecordQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ShareRecord.State.PENDING)

    def due_for_sweeping(self, *, older_than: timedelta):
        """Pending records nobody is working on: made a while ago and with no retry scheduled later."""
        cutoff = timezone.now() - older_than
        return (
            self.pending()
            .filter(created_at__lte=cutoff)
            .filter(models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=timezone.now()))
        )

    def stale_failures(self, *, older_than: timedelta = timedelta(hours=1)):
        return self.filter(state=ShareRecord.State.FAILED, failed_at__lte=timezone.now() - older_than)


class ShareRecord(models.Model):
    """One post of one article to one account: the outbox row, written with the publish it comes from.

    `round` is 1 for the post made on publishing and grows with each explicit "share again", so
    re-publishing never posts twice but an editor can. The idempotency key (Mastodon) and record key
    (Bluesky) derive from this row, so a retried or re-delivered task cannot make a second post.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Not posted: article withdrawn"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="shares")
    account = models.CharField(max_length=100, help_text="The account's name in SHARING_ACCOUNTS.")
    network = models.CharField(max_length=20, help_text="Mastodon, Bluesky, X, webhook or log.")
    round = models.PositiveSmallIntegerField(
        default=1, help_text="1 on publishing; +1 for each “share again”."
    )
    state = models.CharField(
        max_length=10,
        choices=State.choices,
        default=State.PENDING,
        db_index=True,
        help_text="Pending (not posted yet), sent, failed (given up), or not posted (article withdrawn).",
    )
    delivery_key = models.CharField(
        max_length=40,
        blank=True,
        default=new_delivery_key,
        editable=False,
        help_text="Sent with each try, so the network knows a repeat (empty on older rows).",
    )
    text = models.TextField(blank=True, help_text="What was (or will be) posted.")
    may_have_posted = models.BooleanField(
        default=False,
        editable=False,
        help_text="A try went out and no answer said it was refused: later tries send the same words.",
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Tries so far, including retries.")
    last_error = models.TextField(blank=True, help_text="Why the last try did not post.")
    remote_id = models.CharField(max_length=300, blank=True, help_text="The post's id on the network.")
    remote_url = models.URLField(max_length=500, blank=True, help_text="Where the post can be seen.")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When the next retry is due.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who published or asked to share again.",
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="When it was asked for (publishing, Share again)."
    )
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the network took the post.")
    failed_at = models.DateTimeField(null=True, blank=True, help_text="When it was given up.")

    objects = ShareRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "account", "round"], name="one_share_per_round"),
        ]
        indexes = [models.Index(fields=["state", "network"], name="share_state_network")]
        verbose_name = "share"

    def __str__(self):
        return f"{self.article} on {self.account} ({self.get_state_display()})"

    @property
    def idempotency_key(self) -> str:
        """The same on every try of this row, and on no other row. The id alone, as older rows still use
        (their earlier tries were sent with it), came round again after a restore from a backup and is the
        same in every install posting to one account: a new story's post could be taken for an earlier one
        and dropped."""
        return self.delivery_key or f"newsroom-share-{self.pk}"

    @property
    def record_key(self) -> str:
        """A Bluesky record key (TID syntax) fixed by this row: its creation time and its id."""
        micros = int(self.created_at.timestamp() * 1_000_000)
        return tid(micros, self.pk % 1024)

    def mark_sent(self, *, remote_id: str, remote_url: str):
        self.state = self.State.SENT
        self.remote_id, self.remote_url = remote_id[:300], remote_url[:500]
        self.sent_at, self.next_attempt_at = timezone.now(), None  # last_error stays: how it went

    def mark_failed(self, error: str):
        self.state = self.State.FAILED
        self.last_error = error
        self.failed_at, self.next_attempt_at = timezone.now(), None

    def mark_retrying(self, error: str, at):
        self.last_error = error
        self.next_attempt_at = at

    def mark_withdrawn(self):
        """The article left the site before its turn: nothing is posted; publishing it again re-queues it."""
        self.state = self.State.WITHDRAWN
        self.last_error = "Not posted: the article was withdrawn from the site before its turn."
        self.next_attempt_at = None

    def reset_for_retry(self):
        """An editor's retry (or a withdrawn share going out). If a try may have posted, its words and key
        stay: X knows a repeat only by identical words, and a new text is a second post. Only a share that
        never got that far is written again from the article as it reads now."""
        self.state = self.State.PENDING
        self.failed_at = self.next_attempt_at = None
        self.attempts = 0
        self.last_error = ""
        if not self.may_have_posted:
            self.text = ""


TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(micros: int, clock_id: int) -> str:
    """AT Protocol timestamp identifier: 53 bits of microseconds, 10 bits of clock id, base32-sortable."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 1023)
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))

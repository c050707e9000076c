"""Writes for social sharing. Publishing calls `queue_shares_for_publish` inside its transaction (the outbox);
the task calls `deliver_share`; the admin calls `retry_share`, `share_again` and
`share_where_never_posted`."""

import logging
import random
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from . import accounts, networks, text
from .models import ShareRecord

logger = logging.getLogger(__name__)
State = ShareRecord.State
# A retry further away than this is left to the sweeper: Redis re-delivers ETA tasks held longer than its
# visibility timeout (1 hour), and Celery's own backoff stops at 600 s.
MAX_COUNTDOWN = 600
SHARE_AGAIN_AFTER = timedelta(minutes=1)  # the least time between two posts of one article to one account


def queue_shares_for_publish(*, article, by, first_time=True) -> list[ShareRecord]:
    """Inside the publishing transaction: on the story's first publication one record per account, tasks
    after commit. Published again (after a withdrawal) it posts only what the withdrawal held back: an
    account added since would have had every story pulled for a fix posted to it as news ("Share again"
    posts one on purpose)."""
    if not article.share_on_publish:
        return []
    configured = accounts.configured_accounts()
    # Shares held back because the article was withdrawn before they posted go out now: in the words of a
    # try that may already have posted, else in the story's words as it reads now (reset_for_retry).
    held_back = list(ShareRecord.objects.select_for_update().filter(article=article, state=State.WITHDRAWN))
    for share in held_back:  # one per account at most
        share.reset_for_retry()
        share.requested_by = by
        share.save()
    done = set(ShareRecord.objects.filter(article=article).values_list("account", flat=True))
    records = [
        ShareRecord(article=article, account=account.name, network=account.network, requested_by=by)
        for account in (configured if first_time else [])
        if account.name not in done
    ]
    if records:
        ShareRecord.objects.bulk_create(records)
    queued = held_back + records
    if queued:
        enqueue_on_commit([record.pk for record in queued])
    return queued


def enqueue_on_commit(share_ids: list[int]):
    transaction.on_commit(partial(enqueue, share_ids))


def enqueue(share_ids) -> int:
    """Send one task per record on one quick connection (newsroom.celery); never raises and never waits
    long: what is not sent, the sweeper sends."""
    from newsroom.celery import quick_connection

    from .tasks import post_share

    sent = 0
    try:
        with quick_connection() as connection:
            for share_id in share_ids:
                post_share.apply_async((share_id,), connection=connection, retry=False)
                sent += 1
    except Exception as error:  # noqa: BLE001 - the broker's failures must not reach the editor
        unsent = share_ids[sent:] or share_ids[-1:]
        logger.warning(
            "Could not queue share%s %s (%s: %s); the sweeper will send %s.",
            "s" if len(unsent) > 1 else "",
            ", ".join(map(str, unsent)),
            type(error).__name__,
            error,
            "them" if len(unsent) > 1 else "it",
        )
    return sent


def sweep_pending() -> int:
    """Re-send the tasks of pending records left behind (broker down at publish time, lost messages)."""
    grace = timedelta(seconds=settings.SHARING_SWEEP_AFTER_SECONDS)
    ids = list(
        ShareRecord.objects.due_for_sweeping(older_than=grace)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    return enqueue(ids) if ids else 0


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with "equal jitter": between half and all of base * 2**(attempt-1). With full
    jitter (from 0) a short outage could use up every try within seconds."""
    base = settings.SHARING_RETRY_BASE_SECONDS
    ceiling = min(MAX_COUNTDOWN, base * 2 ** max(0, attempt - 1))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def deliver_share(*, share_id: int) -> float | None:
    """Claim the record, post once, store the outcome. Returns seconds until a retry, or None.

    Two steps. The claim counts the try and fixes its words, and commits: a worker that dies mid-post
    cannot roll them back, so the next try posts the same words (X and webhooks recognise a repeat only by
    them) and a post that kills its worker every time still runs out of tries. Then the post, with the row
    locked (FOR UPDATE SKIP LOCKED) so a second copy of the task skips it; if the worker dies mid-post the
    lock goes with its connection, the record stays pending, and the re-delivered task posts again under
    the same idempotency / record key.
    """
    claimed = _claim(share_id)
    if claimed is None:
        return None
    attempt, may_have_posted_before = claimed
    with transaction.atomic():
        share = (
            ShareRecord.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("article__section", "article__lead_image")
            .filter(pk=share_id, state=State.PENDING, attempts=attempt)
            .first()
        )
        if share is None:
            return None  # another copy of the task claimed it since, or holds it
        network = networks.for_account(accounts.get_account(share.account))
        try:
            posted = network.post(build_post(share, network))
        except networks.TransientError as error:
            return _after_transient(share, error)
        except SoftTimeLimitExceeded:
            limit = settings.SHARING_TRY_TIME_LIMIT
            return _after_transient(share, networks.TransientError(f"No answer within {limit:g} seconds."))
        except networks.PermanentError as error:
            share.may_have_posted = may_have_posted_before  # refused: this try posted nothing
            share.mark_failed(str(error))
            logger.warning("Share %s failed for good: %s", share.pk, error)
        except Exception as error:
            logger.exception("Share %s: unexpected error", share.pk)
            return _after_transient(
                share, networks.TransientError(f"Unexpected error: {type(error).__name__}")
            )
        else:
            share.mark_sent(remote_id=posted.remote_id, remote_url=posted.url)
            logger.info("Share %s sent to %s: %s", share.pk, share.account, posted.remote_id)
        finally:
            network.client.close()
        share.save()
        return None


def _claim(share_id: int) -> tuple[int, bool] | None:
    """Count a try of a pending record that is due, with its words fixed and marked as maybe posted (until
    an answer says otherwise); the try's number and whether an earlier try may have posted, or None when
    there is nothing to post (and why, recorded)."""
    with transaction.atomic():
        share = (
            ShareRecord.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("article")
            .filter(pk=share_id, state=State.PENDING)
            .first()
        )
        if share is None:
            return None  # sent, failed, gone, or another worker holds it
        if share.next_attempt_at and share.next_attempt_at > timezone.now() + timedelta(seconds=1):
            return None  # an earlier try scheduled its own retry; this copy is early
        if not share.article.is_published:
            # Unpublished (or sent back to draft) between the publish and this task: readers cannot see
            # it, so the networks must not either.
            share.mark_withdrawn()
            share.save()
            logger.info("Share %s not posted: article %s is no longer published", share.pk, share.article_id)
            return None
        account = accounts.get_account(share.account)
        if account is None:
            share.mark_failed(f"The account “{share.account}” is no longer in SHARING_ACCOUNTS.")
            share.save()
            return None
        if share.attempts >= settings.SHARING_MAX_ATTEMPTS:  # each of them died before it could say
            share.mark_failed(
                f"Gave up after {share.attempts} attempts that never finished (the worker stopped)."
            )
            share.save()
            logger.warning("Share %s failed: %s tries never finished", share.pk, share.attempts)
            return None
        may_have_posted_before = share.may_have_posted
        share.attempts += 1
        share.text = share.text or post_text(share, networks.NETWORKS[account.network])
        share.may_have_posted = True
        share.save(update_fields=["attempts", "text", "may_have_posted", "updated_at"])
        return share.attempts, may_have_posted_before


def _after_transient(share: ShareRecord, error: networks.TransientError) -> float | None:
    if share.attempts >= settings.SHARING_MAX_ATTEMPTS:
        share.mark_failed(f"Gave up after {share.attempts} attempts. Last error: {error}")
        share.save()
        logger.warning("Share %s failed after %s attempts: %s", share.pk, share.attempts, error)
        return None
    delay = backoff_seconds(share.attempts)
    if error.retry_after is not None:
        delay = max(delay, error.retry_after)  # the network said when; never sooner
    share.mark_retrying(str(error), timezone.now() + timedelta(seconds=delay))
    share.save()
    logger.info("Share %s: attempt %s failed (%s); retrying in %.1fs", share.pk, share.attempts, error, delay)
    return delay if delay <= MAX_COUNTDOWN else None


def post_text(share: ShareRecord, network: type[networks.Network]) -> str:
    """The words of a post: the article's share text, or its headline and hashtags, and its address."""
    article = share.article
    custom = (article.share_text or "").strip()
    tags = [] if custom else text.hashtags(article.tags.values_list("name", flat=True))
    url = settings.SITE_URL + article.get_absolute_url()
    return text.fit(
        body=custom or article.headline, url=url, tags=tags, limit=network.limit, rule=network.rule
    )


def build_post(share: ShareRecord, network: networks.Network) -> networks.Post:
    """The post of a claimed record: its words were fixed when the try was counted (`_claim`). It is dated
    now, when it goes out (a share can wait days for a Retry or a republish); a repeat is known by its
    record key, which the row fixes, so a retry after a lost answer still finds the first post."""
    article = share.article
    words = share.text or post_text(share, type(network))
    return networks.Post(
        text=words,
        url=settings.SITE_URL + article.get_absolute_url(),
        title=article.headline,
        description=article.dek,
        idempotency_key=share.idempotency_key,
        record_key=share.record_key,
        created_at=timezone.now(),
        image=_card_image(article) if network.name == "bluesky" else None,
        repeats_an_earlier_round=network.name == "x"
        and ShareRecord.objects.filter(
            article=article, account=share.account, round__lt=share.round, state=State.SENT, text=words
        ).exists(),
    )


def _card_image(article) -> bytes | None:
    if not article.lead_image_id:
        return None
    try:
        card = article.lead_image.social_card
        card.generate()
        if not card.storage.exists(card.name):  # imagekit's cache believed in a file that is gone
            card.generate(force=True)
        with card.storage.open(card.name) as handle:
            return handle.read()
    except Exception:  # noqa: BLE001 - a missing picture must not stop the post
        logger.warning("No social card image for article %s", article.pk, exc_info=True)
        return None


def _require_publisher(user):
    from articles.services import can_publish

    if not can_publish(user):
        raise PermissionDenied("Only editors can retry or repeat social posts.")


@transaction.atomic
def retry_share(*, share: ShareRecord, by) -> ShareRecord:
    """A failed share tries again: the same record and key, and the same words if a try may have posted."""
    _require_publisher(by)
    share = ShareRecord.objects.select_for_update().select_related("article").get(pk=share.pk)
    if share.state != State.FAILED:
        raise ValidationError("Only failed shares can be retried.")
    if not share.article.is_published:
        raise ValidationError("Only published articles can be shared.")
    share.reset_for_retry()
    share.requested_by = by
    share.save()
    enqueue_on_commit([share.pk])
    return share


@transaction.atomic
def share_again(*, article, account: str, by) -> ShareRecord:
    """An editor's explicit repeat: a new record (a new round), hence a new post."""
    _require_publisher(by)
    configured = accounts.get_account(account)
    if configured is None:
        raise ValidationError(f"The account “{account}” is not configured.")
    if not article.is_published:
        raise ValidationError("Only published articles can be shared.")
    # One at a time per article: a double click, or two editors at once, asks for one new post, not two,
    # even when the first was posted between the clicks.
    type(article).objects.select_for_update().filter(pk=article.pk).first()
    earlier = ShareRecord.objects.filter(article=article, account=account)
    if earlier.filter(state=State.PENDING).exists():
        raise ValidationError(
            f"A post to “{account}” is already on its way; wait for it before sharing again."
        )
    if earlier.filter(created_at__gt=timezone.now() - SHARE_AGAIN_AFTER).exists():
        raise ValidationError(f"This was posted to “{account}” less than a minute ago.")
    last = earlier.aggregate(n=Max("round"))["n"] or 0
    try:
        with transaction.atomic():
            share = ShareRecord.objects.create(
                article=article, account=account, network=configured.network, round=last + 1, requested_by=by
            )
    except IntegrityError:
        raise ValidationError("Someone else asked to share this again just now.") from None
    enqueue_on_commit([share.pk])
    return share


@transaction.atomic
def share_where_never_posted(*, article, by) -> list[ShareRecord]:
    """An editor's explicit first post of a published story to each configured account that never had it:
    published with "Share on publish" off (forgotten, or changed one's mind), or before the account was
    added. Accounts that had it keep their history: "Share again" posts there once more."""
    _require_publisher(by)
    if not article.is_published:
        raise ValidationError("Only published articles can be shared.")
    type(article).objects.select_for_update().filter(pk=article.pk).first()  # a double click shares once
    done = set(ShareRecord.objects.filter(article=article).values_list("account", flat=True))
    records = [
        ShareRecord(article=article, account=account.name, network=account.network, requested_by=by)
        for account in accounts.configured_accounts()
        if account.name not in done
    ]
    if not records:
        raise ValidationError(
            "Every configured account already has it (or none is configured): use “Share again” on its "
            "social posts to post it once more."
        )
    ShareRecord.objects.bulk_create(records)
    enqueue_on_commit([record.pk for record in records])
    return records

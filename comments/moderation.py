"""The moderation rules: when comments close, what is refused outright, and what is held for a moderator.

Every rule reads its setting at call time (see the COMMENTS_* block in newsroom/settings.py), so tests and
deployments can change them without code.
"""

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.defaultfilters import pluralize
from django.utils import timezone

from .models import HoldRule, PendingComment, ReaderComment
from .queries import same_address
from .rendering import INVISIBLE, JOINERS, public_text


class Refused(Exception):
    """A post that is not saved at all; the reader sees `message` with HTTP `status`, next to `field` when
    one field is the cause."""

    def __init__(
        self, message: str, *, status: int = 400, code: str = "refused", retry_after: int = 0, field: str = ""
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.field = field


def is_exempt(user) -> bool:
    """Staff and moderators skip the flood and hold rules: they are accountable already."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_staff or user.has_perm("django_comments.can_moderate"))
    )


def closed_reason(article) -> str:
    """Why readers can no longer comment on this article, or "" when they can."""
    if not article.comments_enabled:
        return "Comments are closed on this article."
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    # From the first publication: withdrawing an old story and putting it back does not open it again.
    published = article.first_published_at or article.published_at
    if days and published and timezone.now() - published > timedelta(days=days):
        after = f"{days} day{pluralize(days)}"
        return f"Comments close {after} after an article is published; this one is closed."
    return ""


def visible_text(text: str) -> str:
    """What a reader posted, without the characters that do not show (rendering.INVISIBLE)."""
    return (text or "").translate(INVISIBLE)


NO_NAME = "Tell us the name to show with your comment."
NO_TEXT = "Write something before you post."


# Characters that show nothing on their own yet are neither spaces nor taken out: the joiners (kept, they
# shape emoji), fillers Unicode counts as letters (Hangul) or symbols (the Braille blank), the combining
# grapheme joiner and the variation selectors.
BLANKS = frozenset(
    [*JOINERS, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0, *range(0xFE00, 0xFE10)]
    + [*range(0xE0100, 0xE01F0)]
)


def shows_something(text: str) -> bool:
    """Whether any character of the text is seen: not a space, a control or format character, nor a blank."""
    return any(
        not ch.isspace() and ord(ch) not in BLANKS and unicodedata.category(ch) not in ("Cc", "Cf")
        for ch in text
    )


def visible_field(value: str, empty_message: str, error_class):
    """A name or comment as the site's form and the API take it: visible_text, trimmed, and refused with
    `error_class(empty_message)` when nothing that shows is left (joiners or fillers alone were posted as
    an empty comment, or a name with nothing in it)."""
    value = visible_text(value).strip()
    if not shows_something(value):
        raise error_class(empty_message)
    return value


def _for_matching(text: str) -> str:
    """Text as the word rules read it: compatibility forms folded (full-width letters are letters) and every
    format character, the joiners too, taken out."""
    folded = unicodedata.normalize("NFKC", visible_text(text))
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def _word_pattern(words):
    words = [w.strip() for w in words if w.strip()]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _matches(words, *fields) -> bool:
    pattern = _word_pattern(words)
    return bool(pattern and any(pattern.search(_for_matching(field)) for field in fields))


def normalised(text: str) -> str:
    return " ".join(text.split())


def is_blocked_domain(email: str) -> bool:
    """Whether moderators blocked the email's domain, or a domain above it ("Black listed domains" in the
    admin, django-comments-xtd's list: `spam.example` blocks `mail.spam.example` too)."""
    from django_comments_xtd.models import BlackListedDomain

    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    if not domain:
        return False
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts))]
    return BlackListedDomain.objects.annotate(lowered=Lower("domain")).filter(lowered__in=candidates).exists()


def check_refusals(*, article, user, name, email, url, text, ip) -> None:
    """Raise Refused for a post that must not be saved (disallowed words, a blocked email domain, a
    duplicate, a flood): the rules for a reader whose address is their account's."""
    check_wording(user=user, name=name, email=email, url=url, text=text)
    if already_said(article=article, user=user, email=email, text=text):
        raise Refused("You have already said that.", status=409, code="duplicate")
    check_flood(user=user, email=email, ip=ip)


def check_wording(*, user, name, email, url, text) -> None:
    """Disallowed words anywhere, an email address at a blocked domain: the reader can correct either."""
    disallowed = _word_pattern(settings.COMMENTS_DISALLOWED_WORDS)
    for field, value in {"comment": text, "name": name, "email": email, "url": url}.items():
        if disallowed and disallowed.search(_for_matching(value)):
            raise Refused(
                "Your comment contains words we do not publish. Please rephrase it.",
                code="disallowed_words",
                field=field,
            )
    if email and not is_exempt(user) and is_blocked_domain(email):
        raise Refused(
            "We do not accept comments from email addresses at this domain. Please use another address.",
            code="blocked_domain",
            field="email",
        )


def already_said(*, article, user, email, text) -> bool:
    """Whether this person (the address, or the account) posted these words on this article already."""
    same_person = Q(user_email__iexact=email) if email else Q(pk__in=[])
    if user is not None and user.is_authenticated:
        same_person |= Q(user=user)
    earlier = ReaderComment.objects.for_article(article).filter(same_person).values_list("comment", flat=True)
    pending = PendingComment.objects.filter(
        article=article, user_email__iexact=email, confirmed_comment__isnull=True
    ).values_list("comment", flat=True)
    wanted = normalised(text)
    return any(normalised(previous) == wanted for previous in [*earlier, *pending])


def check_flood(*, user, email, ip) -> None:
    """Refuse a post within COMMENTS_FLOOD_SECONDS of the last one from this address (email or IP)."""
    seconds = settings.COMMENTS_FLOOD_SECONDS
    if not seconds or is_exempt(user):
        return
    if posted_recently(email=email, ip=ip):
        raise Refused(
            f"You are posting too quickly. Please wait {seconds} seconds between comments.",
            status=429,
            code="flood",
            retry_after=seconds,
        )


def posted_recently(*, email="", ip=None) -> bool:
    seconds = settings.COMMENTS_FLOOD_SECONDS
    if not seconds or not (email or ip):
        return False
    since = timezone.now() - timedelta(seconds=seconds)
    who = Q(user_email__iexact=email) if email else Q(pk__in=[])
    if ip:
        who |= Q(ip_address=ip)
    return (
        ReaderComment.objects.filter(who, submit_date__gte=since).exists()
        or PendingComment.objects.filter(who, submit_date__gte=since).exists()
    )


def awaiting_confirmation(*, email) -> bool:
    """Whether COMMENTS_UNCONFIRMED_PER_ADDRESS comments already wait for this address's owner to confirm
    them (they expire after COMMENTS_CONFIRM_DAYS): each one sent the address a mail."""
    limit = settings.COMMENTS_UNCONFIRMED_PER_ADDRESS
    waiting = PendingComment.objects.filter(user_email__iexact=email, confirmed_comment__isnull=True)
    return bool(limit) and waiting.count() >= limit


def link_count(text: str) -> int:
    """The links the page makes of this text: `https://…`, `www.…` and a bare `name.com/…` alike."""
    return str(public_text(text)).count("<a ")


def hold_reason(*, user, name, email, url, text) -> str:
    """The rule that holds this comment for a moderator, or "" to publish it."""
    if is_exempt(user):
        return ""
    if _matches(settings.COMMENTS_MODERATION_WORDS, name, email, url, text):
        return HoldRule.WORDS
    min_links = settings.COMMENTS_HOLD_MIN_LINKS
    if min_links and link_count(text) >= min_links:
        return HoldRule.LINKS
    if settings.COMMENTS_HOLD_FIRST_TIME:
        approved = ReaderComment.objects.approved()
        # The same address, not one that merely looks like it: else a stranger could post under a trusted
        # reader's look-alike (sam@gmaıl.com for sam@gmail.com) and skip the hold.
        earlier = same_address(approved, "user_email", [email])
        if user is not None and user.is_authenticated:
            earlier |= Q(user=user)
        if not approved.filter(earlier).exists():
            return HoldRule.FIRST_TIME
    return ""

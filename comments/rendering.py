"""What a reader may see of a comment: masked, escaped, linkified text and an avatar of initials, never an
email."""

import html
import re
import zlib
from urllib.parse import unquote

from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

# Characters that change how text shows, or hide inside a word, without being seen: the bidirectional
# controls (a right-to-left override shows "lerdnuocs" as "scoundrel", or turns a name around), the
# zero-width space, word joiner, invisible operators and byte-order mark, the soft hyphen. Taken out of what
# readers post (moderation.visible_text); the joiners, which shape emoji and some scripts, stay.
INVISIBLE = dict.fromkeys(
    [0x00AD, 0x180E, 0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2060, 0x2065)]
    + [*range(0x2066, 0x206A), 0xFEFF]
)
JOINERS = (0x200C, 0x200D)

# An address's local part may hold quotes and braces, but none begins one: `{'sam@example.org': ...}` (an
# SMTP error) and `'sam@example.org'` (a quote in prose) keep what surrounds the address. A whole local part
# in double quotes is one (`"sam smith"@example.org`, which Django takes as an address). Characters that do
# not show may sit anywhere inside one: `sam\u200d@example.org` reads as an address. Those are the ones above,
# the joiners too, and the rest of what Unicode says shows nothing (Default_Ignorable_Code_Point): the
# combining grapheme joiner, the Arabic letter mark, the Khmer and Mongolian ones, the deprecated format
# controls, the variation selectors and tags (which shape emoji and flags, so they stay in what is posted).
_UNSEEN = "".join(re.escape(chr(code)) for code in sorted([*INVISIBLE, *JOINERS])) + (
    r"\u034f\u061c\u17b4\u17b5\u180b-\u180f\u206a-\u206f\ufe00-\ufe0f"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# The dot, or what reads as one (and what IDNA takes for one in a domain): ideographic, full-width, half-width
# ideographic, small; between the labels of a domain also encoded as the at sign may be, which urlize decodes
# in a link it makes (`?e=sam%40example%2Eorg` became `href="...?e=sam%40example.org"`).
_DOTS = r".\u3002\uff0e\uff61\ufe52"
_ENCODED_DOT = r"%(?:25)*2[eE]|&(?:amp;)*#(?:0*46|[xX]0*2[eE]);"
# The at sign, or what reads as one: percent-encoded (`%40`, `%2540`), an HTML character reference (`&#64;`,
# `&#x40;`, `&amp;#64;`), full-width or small. Django's urlize takes `sam%40example.net` for a web address and
# decodes it into `href="http://sam@example.net"`.
_AT = r"(?:@|%(?:25)*40|&(?:amp;)*#(?:0*64|[xX]0*40);|\uff20|\ufe6b)"
# A local part is at most 253 characters after its first (an address is at most 254 in all), a domain's label
# 63: unbounded, the try from each character of a long run without an "@" read to the run's end (3,000
# letters took 0.2 s to mask, 250 and an "@" before 2,750 more 0.1 s; now 0.04 s at most).
_LOCAL = rf"(?:\"[^\"\s][^\"\n]*+\"|[\w!#$%&*+/=?^~-][\w{_DOTS}!#$%&'*+/=?^`{{|}}~{_UNSEEN}-]{{0,253}})"
_LOCAL_AT = rf"{_LOCAL}[{_UNSEEN}]*{_AT}[{_UNSEEN}]*"
_DOMAIN_PART = rf"[\w{_UNSEEN}-]{{1,63}}"  # a label of a domain is at most 63 characters
_DOT = rf"[{_UNSEEN}]*(?:[{_DOTS}]|{_ENCODED_DOT})[{_UNSEEN}]*"
EMAIL_RE = re.compile(rf"{_LOCAL_AT}{_DOMAIN_PART}(?:{_DOT}{_DOMAIN_PART})+", re.UNICODE)
# In a name, an address at a host without a dot counts too: `sam@localhost` is one to the mail server an
# account was made on, and Django takes it as a reader's address. (A comment's text keeps the dotted rule:
# "lunch@noon" in a sentence is not one.)
ANY_HOST_EMAIL_RE = re.compile(rf"{_LOCAL_AT}{_DOMAIN_PART}(?:{_DOT}{_DOMAIN_PART})*", re.UNICODE)
EMAIL_MASK = "[email hidden]"
AVATAR_PALETTE_SIZE = 12


def mask_emails(text: str) -> str:
    """Replace every email address typed into a public field; used on every public output."""
    return EMAIL_RE.sub(EMAIL_MASK, text or "")


def public_text(text: str):
    """Escaped text with paragraphs and clickable links marked rel="nofollow ugc"; no HTML from the reader."""
    masked = mask_emails(text)
    html = urlize(masked, trim_url_limit=60, nofollow=True, autoescape=True)
    html = html.replace('rel="nofollow"', 'rel="nofollow ugc"')
    paragraphs = [
        p.replace("\n", "<br>") for p in re.split(r"\n\s*\n", html.replace("\r\n", "\n")) if p.strip()
    ]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 - escaped by urlize(autoescape)


def _name_without_addresses(name: str) -> str:
    """Every address in a name masked, at a dotted domain or not (`sam@localhost`, which mask_emails does
    not take for one, was published whole), and nothing of it shown, not even its part before the "@"
    (`marta.quillon` all but spells `marta.quillon@...`)."""
    return ANY_HOST_EMAIL_RE.sub(EMAIL_MASK, name or "")


def masked_name(name: str) -> str:
    """A name as stored: addresses masked, and cut to the column's length (the mask is longer than the
    shortest addresses, so a name of several could outgrow it)."""
    from .models import ReaderComment

    limit = ReaderComment._meta.get_field("user_name").max_length
    return Truncator(_name_without_addresses(name)).chars(limit)


def account_name(user) -> str:
    """The name a signed-in account comments under, as stored: the full name, else the username (as
    newsroom.users.display_name names staff), addresses masked."""
    return masked_name(user.get_full_name() or user.get_username())


def public_name(name: str) -> str:
    """A stored name as readers see it: masked again, for the names stored before the rule took in
    addresses at undotted hosts."""
    return _name_without_addresses(name).strip() or "Anonymous"


def public_url(url: str) -> str:
    """The commenter's website, or "" when it would reveal an email address, written plainly or encoded
    (`sam%40example.org`, `sam&#64;example.org`, even encoded twice)."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    decoded = url
    for _ in range(3):
        decoded = unquote(html.unescape(decoded))
    if EMAIL_RE.search(url) or EMAIL_RE.search(decoded):
        return ""
    return url


def initials(name: str) -> str:
    words = [w for w in re.split(r"\s+", public_name(name)) if w and w[0].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "?"


def avatar_colour(name: str) -> int:
    """A colour index from the name shown beside the avatar, never from the email: even a colour worked
    out from the address would tell readers that two "Sam"s wrote from different ones."""
    return zlib.crc32(public_name(name).casefold().encode()) % AVATAR_PALETTE_SIZE


def avatar_html(comment):
    return mark_safe(  # noqa: S308 - initials are escaped, the class is a number
        f'<span class="comment-avatar comment-avatar--{avatar_colour(comment.user_name)}" aria-hidden="true">'
        f"{escape(initials(comment.user_name))}</span>"
    )


def xtd_api_avatar(comment) -> str:
    """COMMENTS_XTD_API_GET_USER_AVATAR: xtd's default is a Gravatar URL (an email hash); we give none."""
    return ""

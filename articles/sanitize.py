"""The one allow-list for HTML that editors write. Everything else is removed on save."""

import re

import nh3

from .fields import CONTROLS

# Exactly what the body's editor can make (articles/editor.py; tests/articles/test_editor.py keeps the
# two equal), so nothing an editor writes is stripped on save and nothing else gets through.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "a", "ul", "ol", "li",
    "blockquote", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    # data-file: the media library image a figure shows (set by the editor's picker; see articles/editor.py)
    "img": {"src", "alt", "width", "height", "data-file"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

# The editor marks pull quotes as blockquote.pullquote and gives figures and captions a class of their own.
ALLOWED_CLASSES = {
    "blockquote": {"pullquote"},
    "figure": {"figure"},
    "figcaption": {"figure-caption"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# What other tools write for the same things (a wire story, a paste sent through the API): kept as the
# editor's own tags, so bold stays bold and a top-level heading stays a heading. The article's headline is
# the page's only h1. nh3 writes these without attributes, so the renaming below sees only `<b>` and `</b>`.
RENAMED_TAGS = {"b": "strong", "i": "em", "h1": "h2", "h5": "h4", "h6": "h4"}
_RENAMED = re.compile(r"<(/?)(" + "|".join(RENAMED_TAGS) + r")>")

# A link's address typed without its scheme: "www.port.example/ferries", "port.example" (a host first), or
# "desk@port.example". The browser reads either as a path under the article's own address, a page that is
# not there; the writer meant the site or the mailbox.
_BARE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#]|$)", re.IGNORECASE)
_BARE_EMAIL = re.compile(r"^[^@\s/:]+@[^@\s/:]+\.[a-z]{2,}$", re.IGNORECASE)


def _link_address(tag: str, attribute: str, value: str) -> str:
    """A link's href as the writer meant it."""
    if tag != "a" or attribute != "href":
        return value
    address = value.strip()
    if _BARE_EMAIL.match(address):
        return "mailto:" + address
    if _BARE_HOST.match(address):
        return "https://" + address
    return value


def sanitize_html(html: str) -> str:
    """Keep structure and links; drop scripts, styles, event handlers, frames and unsafe URLs."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html.translate(CONTROLS),
        tags=ALLOWED_TAGS | set(RENAMED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style"},
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_link_address,
    )
    return _RENAMED.sub(lambda tag: f"<{tag[1]}{RENAMED_TAGS[tag[2]]}>", cleaned)

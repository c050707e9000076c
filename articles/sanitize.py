"""The one allow-list for HTML that editors write. Everything else is removed on save."""

import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "code", "pre", "mark", "small",
    "a", "ul", "ol", "li", "blockquote", "q", "cite",
    "figure", "figcaption", "img", "aside",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    # data-file: the media library image a figure shows (set by the editor's picker; see articles/editor.py)
    "img": {"src", "alt", "width", "height", "title", "loading", "data-file"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}

# The editor marks pull quotes as blockquote.pullquote and gives figures and captions a class of their own.
ALLOWED_CLASSES = {
    "aside": {"pullquote"},
    "blockquote": {"pullquote"},
    "figure": {"figure", "pullquote", "wide"},
    "figcaption": {"figure-caption"},
    "p": {"lead"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# ammonia checks the scheme of href and src only; `cite` is a URL too (found by tests/security/ properties).
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def _safe_url_attributes(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "cite":
        return value
    scheme = _SCHEME.match(re.sub(r"[\x00-\x20]", "", value).lower())
    return value if scheme is None or scheme.group(1) in URL_SCHEMES else None


def sanitize_html(html: str) -> str:
    """Keep structure and links; drop scripts, styles, event handlers, frames and unsafe URLs."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style"},
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_safe_url_attributes,
    )

"""Template helpers of the reader site: navigation, canonical links, responsive images, share links."""

import json
from functools import cache
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.fields import xml_text
from articles.navigation import NAV_DEP, browse_by
from newsroom import fragments

register = template.Library()

# The characters that could end a <script> block or start markup, escaped inside JSON strings.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def fixed_url(name):
    """`{% url name %}` for an address that takes no arguments (the header's and footer's links), worked out
    once per process: every page shows about ten, and each reversal costs ~20 us of a ~2.5 ms page."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@cache
def _reversed(name, urlconf, script_prefix):
    return reverse(name, urlconf=urlconf)  # under the script prefix now current, part of the key


@register.simple_tag(takes_context=True)
def browse_by_nav(context):
    """The "Browse By" navigation; for readers, a fragment kept rendered under the `nav` version.

    Every article save bumps that version (it may change the popular tags), so the pages it is on do not
    depend on it: the page cache compares the navigation's data instead (page_cache.nav_fingerprint).
    """
    template = context.template.engine.get_template("includes/browse_by.html")
    return fragments.render(
        context.get("request"),
        "browse-by",
        [],
        lambda: template.render(Context(browse_by())),
        lambda: {NAV_DEP},
        page_depends=False,
    )


@register.filter
def absolute(path) -> str:
    """A site path as an absolute URL on the public address (SITE_URL)."""
    path = str(path or "")
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's public address: the path, plus only the query parameters that change the content."""
    request = context["request"]
    kept = {}
    query = context.get("query")
    if query:
        kept["q"] = query
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        kept["page"] = page.number
    return absolute(request.path) + (f"?{urlencode(kept)}" if kept else "")


@register.simple_tag
def srcset(image) -> str:
    """'url 480w, url 800w, …' from the image's renditions, never wider than the original."""
    return ", ".join(f"{url} {width}w" for url, width in image.renditions())


@register.simple_tag
def json_ld(data) -> str:
    """A JSON-LD block whose strings cannot close the script element (like json_script, another type)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.inclusion_tag("includes/share_links.html")
def share_links(article):
    url = absolute(article.get_absolute_url())
    text = article.headline
    mastodon = settings.MASTODON_SHARE_URL
    links = [
        ("x", "X", "https://x.com/intent/post?" + urlencode({"url": url, "text": text})),
        ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        (
            "linkedin",
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        ),
        ("bluesky", "Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": f"{text} {url}"})),
        ("mastodon", "Mastodon", f"{mastodon}?" + urlencode({"text": f"{text} {url}"})),
        ("email", "Email", f"mailto:?subject={quote(text)}&body={quote(url)}"),
    ]
    return {"links": links, "url": url, "headline": text}


@register.simple_tag
def author_social_links(author) -> list[tuple[str, str]]:
    """(label, url) for the public handles an author chose to show; never the private contact email."""
    links = []
    if author.x_handle:
        handle = author.x_handle.lstrip("@")
        links.append((f"@{handle} on X", f"https://x.com/{quote(handle)}"))
    if author.mastodon_handle:
        parts = author.mastodon_handle.lstrip("@").split("@")
        if len(parts) == 2 and all(parts):
            user, host = parts
            links.append((f"@{user}@{host} on Mastodon", f"https://{quote(host)}/@{quote(user)}"))
    if author.bluesky_handle:
        handle = author.bluesky_handle.lstrip("@")
        links.append((f"@{handle} on Bluesky", f"https://bsky.app/profile/{quote(handle)}"))
    if author.website.lower().startswith(("https://", "http://")):
        links.append(("Website", author.website))
    return links


register.filter("xml_text", xml_text)


@register.filter
def iso_time(value) -> str:
    """A date-time for <time datetime> and metadata: ISO 8601 to the second (HTML allows at most ms)."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")

"""Rendered parts of public pages, kept under the versions of what they show (like pages: page_cache.py).

A page the page cache does not hold (it is off, or something on the page changed) is rendered again, but
its costly parts need not be: an article's comment threads stay valid while its comments do, its "Read
more" block while the articles in it and the lists it picks from do. A fragment is stored with the versions
of its dependencies and reused only while all of them are current, so it is never stale; a change bumps
only what it touches (a new comment: `comments:<id>`), so the other parts of the page stay cached.

Only for the requests the page cache would serve (anonymous GETs of reader pages): staff and logged-in
readers see per-user controls inside these parts. `FRAGMENT_CACHE_SECONDS = 0` turns it off.
"""

import hashlib
import time

from django.conf import settings
from django.utils.safestring import mark_safe

from .page_cache import (
    is_public_request,
    read_many_versioned,
    read_versioned,
    settings_fingerprint,
    write_versioned,
)

# Raised when what a fragment holds changes (v2: comments_enabled, v3: avatar colours, v4: cards without a
# picture marked card-text-only, v5: comments from staff accounts marked "Staff", v6: account names without
# an address, rewritten by comments/migrations/0010 without the signals that refresh fragments, v7: the
# "Staff" mark as recorded when the comment was posted, not the account's flag when the thread was rendered,
# v8: a typed name's address at an undotted host masked where it is shown, v9: addresses with a character
# that does not show or a dot written otherwise in them masked).
PREFIX = "frag:v9:"


def enabled() -> bool:
    return settings.FRAGMENT_CACHE_SECONDS > 0


def usable(request) -> bool:
    return (
        enabled()
        and request is not None
        and is_public_request(request)
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
    )


def cache_key(name: str, parts) -> str:
    raw = ":".join([name, *(str(p) for p in parts)])
    return f"{PREFIX}{settings_fingerprint()}:{hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()}"


def render(request, name: str, parts, render_html, deps_of, *, page_depends=True):
    """The fragment `name` for these key parts: from the cache while current, else `render_html()`.

    `deps_of()` is called after a rendering and names what it showed (`article:12`, `list:tag:3`, ...).
    The page the fragment is on records the same dependencies (`request.fragment_deps`), so a cached page
    is dropped with its fragments; not with `page_depends=False`, for a part the page cache checks itself.
    """
    if not usable(request):
        html = render_html()
        if page_depends and request is not None and is_public_request(request):  # the page cache needs them
            _record(request, deps_of())
        return html
    html = _cached(request, name, parts, lambda: str(render_html()), lambda _html: deps_of(), page_depends)
    return mark_safe(html)  # noqa: S308 - our own rendered template output


def value(request, name: str, parts, compute, deps_of):
    """Like `render`, for a Python value: the model instance a page is about, say, kept pickled so that a
    page whose parts are all cached reads no row. `deps_of(value)` names what it depends on. An exception
    from `compute()` (a 404) stores nothing."""
    if not usable(request):
        return compute()
    return _cached(request, name, parts, compute, deps_of)


def _cached(request, name: str, parts, compute, deps_of, page_depends=True):
    key = cache_key(name, parts)
    prefetched = getattr(request, "fragments_read", {})
    found = prefetched[key] if key in prefetched else read_versioned(key)
    if found is not None:
        deps, payload = found[0], found[1]
    else:
        started = time.time_ns()
        payload = compute()
        deps = set(deps_of(payload))
        write_versioned(key, deps, payload, started, settings.FRAGMENT_CACHE_SECONDS)
    if page_depends:
        _record(request, deps)
    return payload


def _record(request, deps) -> None:
    request.fragment_deps = getattr(request, "fragment_deps", set()) | set(deps)


def prefetch(request, *fragments) -> None:
    """Read the page's fragments, each `(name, parts)`, and the navigation every page shows, in two round
    trips, before its template asks for them one by one (each read alone costs two)."""
    fragments = (*fragments, ("browse-by", []))
    if usable(request):
        keys = [cache_key(name, parts) for name, parts in fragments]
        found = read_many_versioned(keys)
        request.fragments_read = {key: found.get(key) for key in keys}


def is_current(request, name: str, parts) -> bool:
    """Whether `prefetch` found this fragment stored and current: the page may then skip reading its data."""
    return getattr(request, "fragments_read", {}).get(cache_key(name, parts)) is not None


def cached_items(name: str, items: list, *, key_parts, render_missing, use: bool) -> list:
    """The representation of each item (an API list's entries, say): those stored and current from the cache
    (two round trips for them all), the others from `render_missing(items)`, which gives a (representation,
    dependencies) pair for each, stored under those dependencies. With `use` false (a staff client, the
    cache off), all from `render_missing`."""
    if not (use and enabled() and items):
        return [value for value, _ in render_missing(items)]
    keys = [cache_key(name, key_parts(item)) for item in items]
    found = read_many_versioned(keys)
    missing = [item for item, key in zip(items, keys, strict=True) if key not in found]
    started = time.time_ns()
    rendered = dict(zip(map(id, missing), render_missing(missing), strict=True)) if missing else {}
    result = []
    for item, key in zip(items, keys, strict=True):
        if key in found:
            result.append(found[key][1])
            continue
        value, deps = rendered[id(item)]
        write_versioned(key, deps, value, started, settings.FRAGMENT_CACHE_SECONDS)
        result.append(value)
    return result

"""Anonymous page cache: whole public pages for readers who are not logged in, and never stale.

A cached page remembers the *version* of everything it shows (`article:12`, `author:3`, `list:section:2`,
...) and a fingerprint of the "Browse By" navigation. A change bumps the versions of what it touches
(signals in `connect_signals`, after the commit and once more at once), so the next request for any page that
showed the changed thing misses and renders afresh; nothing else is dropped. A hit costs two cache round
trips and no SQL. `public:12` moves only with a change to article 12 while it is (or was) on the site: a
page that would show it once published, never with each save of the draft.

Cached pages carry no per-reader CSRF token (`public_csrf` blanks it): the comment and reaction forms fetch
one from `/comments/csrf/` (`csrf_token_view`, never cached) before they post, through static/js/csrf.js.
Requests with a session or messages cookie (staff, logged-in readers), non-GET requests and the admin, API,
comment and preview addresses are never served from, nor stored in, the cache.

The versions live in the same cache as the pages, so every process must share it: Redis (`CACHE_URL`) as
soon as more than one process serves or publishes; local memory suits the single-process development server.

A page this process answered from the cache is kept in its memory for PAGE_CACHE_LOCAL_SECONDS, and
`RecentPages`, in front of Django (newsroom/wsgi.py), answers the same request again in that time without
Django: no request object, no signals, no middleware.
"""

import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from functools import cache as once
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.query import QuerySet
from django.http import HttpResponse, JsonResponse, parse_cookie
from django.middleware.csrf import get_token
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.crypto import salted_hmac
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date, urlencode
from django.views.decorators.cache import never_cache

# Raised when every page's HTML changes at a deploy (v3: avatar colours, v4: cards without a picture, v5: the
# "Staff" mark on comments), or a migration changes what pages show without the signals that refresh them
# (v6: account names without an address, comments/migrations/0010; v7: the "Staff" mark as recorded when the
# comment was posted, which no cached page rendered from the account's flag of the moment may outlive; v8: a
# typed name's address at an undotted host masked where it is shown; v9: addresses with a character that
# does not show or a dot written otherwise in them masked).
PAGE_PREFIX = "page:v9:"

# Settings left out of the fingerprint below: credentials, and where the data and the queue live.
_NOT_FINGERPRINTED = re.compile(r"SECRET|PASSWORD|TOKEN|ACCOUNTS|DATABASES|CACHES|BROKER")


def _plain(value) -> bool:
    """A value that prints the same in every process (not a set, whose order is per process, nor an object
    whose repr holds its address). Types as they are: a lazy object passes for the str it wraps."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return True
    if kind in (list, tuple):
        return all(map(_plain, value))
    return kind is dict and all(type(k) is str and _plain(v) for k, v in value.items())


@once
def settings_fingerprint() -> str:
    """Of the settings as this process started: part of every page's and fragment's key, so that a changed
    setting (the site's name or address, a header, a limit a form states) and a restart serve no page
    rendered under the old one. Content changes bump versions instead (above)."""
    plain = {
        name: value
        for name in dir(settings)
        if name.isupper() and not _NOT_FINGERPRINTED.search(name) and _plain(value := getattr(settings, name))
    }
    # The secret key itself stays out, but pages carry what it signs (the comment form's security hash): a
    # new key serves none signed with the old one. A keyed hash of nothing says which key, and nothing of it.
    plain["SECRET_KEY"] = salted_hmac("newsroom.page_cache.settings_fingerprint", "").hexdigest()
    raw = json.dumps(plain, sort_keys=True).encode()
    return hashlib.md5(raw, usedforsecurity=False).hexdigest()[:8]


VERSION_PREFIX = "pagever:"
# Every entry depends on it: its version changes when the cache comes back from an outage in which version
# bumps may have been lost (newsroom/cache.py, RECOVERY_KEY).
RECOVERY_DEP = "cache-recovered"
# Pages the cache may keep, by URL name, with the query parameters each reads (a list's page, the search,
# an article's page of comments); the list deps say which lists each one shows. Other parameters do not
# change the page: a link shared as `?utm_source=...` or `?fbclid=...` (a new value on every click from some
# networks) is the same page, and was a miss and a new entry each time.
CACHEABLE = {
    "articles:home": (),
    "articles:section": ("page",),
    "articles:tag": ("page",),
    "articles:detail": ("comments_page",),
    "articles:search": ("page", "q"),
    "authors:detail": ("page",),
    "authors:index": (),
}
# Search results depend on it: bylines, tags and their names are in the articles' search documents too.
SEARCH_DEP = "search"
NEVER_PREFIXES = ("/admin/", "/api/", "/comments/", "/preview/", "/static/", "/media/")
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
# A page whose data changed after its rendering began is not stored (it may show the old data). Versions are
# wall-clock times, so hosts that share the cache need synchronised clocks (NTP); raise this if they drift.
RACE_MARGIN_NS = 0
# Pages this process verified in the last PAGE_CACHE_LOCAL_SECONDS are served from its memory without asking
# the cache again: a change made through another process shows within that time (this one's at once).
LOCAL_PAGES = 64
_local: OrderedDict = OrderedDict()  # local_key(environ) -> (deadline, hit, its full answer's headers)
_local_lock = threading.Lock()  # the development server serves from threads


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def versions_kept() -> bool:
    """Versions are kept while pages or fragments (newsroom/fragments.py) may be stored under them."""
    return enabled() or settings.FRAGMENT_CACHE_SECONDS > 0


def _version_timeout() -> int:
    # Longer than any entry stored under a version lives: an expired version comes back as None, which must
    # not match an entry stored before it was first set.
    return max(settings.PAGE_CACHE_SECONDS * 2, settings.FRAGMENT_CACHE_SECONDS * 2, 3600)


# Freshness ------------------------------------------------------------------------------------------------


def bump(*deps: str) -> None:
    """New versions for these dependencies, now and after the commit: no page showing them is reused."""
    deps = {d for d in deps if d}
    if not deps or not versions_kept():
        return  # both caches are off: every process shares the settings, so nothing is stored to go stale

    def write():
        _local.clear()
        token = str(time.time_ns())
        cache.set_many({VERSION_PREFIX + d: token for d in deps}, timeout=_version_timeout())

    write()
    transaction.on_commit(write)


def read_versioned(key: str, also=()):
    """(deps, payload, extra) stored under `key` while every version it was stored with is current, else None.

    `extra` holds the values of the cache keys `also`, read in the same round trip as the versions.
    """
    entry = cache.get(key)
    if entry is None:
        return None
    deps, versions, payload = entry
    current = cache.get_many([VERSION_PREFIX + d for d in deps] + list(also))
    if any(current.get(VERSION_PREFIX + d) != v for d, v in zip(deps, versions, strict=True)):
        return None
    return deps, payload, {k: current.get(k) for k in also}


def read_many_versioned(keys) -> dict:
    """{key: (deps, payload)} of those `keys` whose entries are current, in two round trips for them all."""
    entries = cache.get_many(list(keys))
    wanted = {VERSION_PREFIX + d for deps, _, _ in entries.values() for d in deps}
    current = cache.get_many(list(wanted)) if wanted else {}
    return {
        key: (deps, payload)
        for key, (deps, versions, payload) in entries.items()
        if all(current.get(VERSION_PREFIX + d) == v for d, v in zip(deps, versions, strict=True))
    }


def write_versioned(key: str, deps, payload, started_ns: int, timeout: int) -> bool:
    """Store `payload` with the current versions of `deps`, unless one changed after `started_ns`."""
    deps = sorted({*deps, RECOVERY_DEP})
    current = cache.get_many([VERSION_PREFIX + d for d in deps])
    versions = [current.get(VERSION_PREFIX + d) for d in deps]
    if any(v is not None and int(v) > started_ns - RACE_MARGIN_NS for v in versions):
        return False  # something it shows changed while it was rendered
    cache.set(key, (deps, versions, payload), timeout)
    return True


def nav_fingerprint(data=None) -> str:
    from articles.navigation import browse_by

    return hashlib.md5(repr(data or browse_by()).encode(), usedforsecurity=False).hexdigest()


def article_deps(article) -> set[str]:
    deps = {f"article:{article.pk}", f"section:{article.section_id}"}
    if hasattr(article, "comment_count"):  # a card showing its number of comments
        deps.add(f"comments:{article.pk}")
    if article.lead_image_id:
        deps.add(f"image:{article.lead_image_id}")
    prefetched = getattr(article, "_prefetched_objects_cache", {})
    for byline in prefetched.get("bylines", ()):
        deps.add(f"author:{byline.author_id}")
    for tag in prefetched.get("tags", ()):
        deps.add(f"tag:{tag.pk}")
    return deps


def cards_deps(articles) -> set[str]:
    """What the cards of these articles show."""
    return set().union(*map(article_deps, articles))


def list_deps(owner, articles) -> set[str]:
    """A list of the articles of `owner` (a section, tag or author): the list, the owner, every card."""
    name = f"{owner._meta.model_name}:{owner.pk}"
    return {f"list:{name}", name} | cards_deps(articles)


def _objects(value, depth=0):
    """Model instances in a template context, without running a query (unevaluated querysets are skipped)."""
    if depth > 3:
        return
    if isinstance(value, Model):
        yield value
    elif isinstance(value, QuerySet):
        yield from (value._result_cache or ())
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _objects(item, depth + 1)
    # A paginator's Page; a lazy one not read (articles/pagination.py) was a cached fragment, which recorded
    # its dependencies itself.
    elif hasattr(value, "object_list") and hasattr(value, "number") and getattr(value, "is_loaded", True):
        yield from _objects(value.object_list, depth + 1)


def page_deps(url_name: str, context: dict) -> set[str]:
    """What a rendered page shows, read from its template context."""
    from articles.models import Article, Image, Section, Tag
    from authors.models import Author

    deps = set()
    if url_name in ("articles:home", "articles:search"):
        deps.add("list:all")
    for name in ("section", "tag", "author"):
        if context.get(name) is not None and url_name != "articles:detail":
            deps.add(f"list:{name}:{context[name].pk}")
    for value in context.values():
        for obj in _objects(value):
            if isinstance(obj, Article):
                deps |= article_deps(obj)
            elif isinstance(obj, (Section, Tag, Author, Image)):
                deps.add(f"{type(obj).__name__.lower()}:{obj.pk}")
    article = context.get("article")
    if url_name == "articles:detail" and isinstance(article, Article):
        deps |= {f"comments:{article.pk}", f"related:{article.pk}"}
        # "Read more" picks from the article's section and tags: a new story there may join it.
        deps.add(f"list:section:{article.section_id}")
        deps |= {f"list:tag:{tag.pk}" for tag in article.tags.all()}
    return deps


# Serving --------------------------------------------------------------------------------------------------


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def has_private_cookies(cookies) -> bool:
    """A session or messages cookie: a logged-in or just-answered reader, whose pages are their own."""
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def is_public_request(request) -> bool:
    """An anonymous GET of a reader page: no session or messages cookie, not the admin, API or comments."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith(NEVER_PREFIXES)
        and not has_private_cookies(request.COOKIES)
    )


def local_key(environ) -> tuple:
    """The request's raw fields the middleware's answer from the cache depends on: the scheme (as the server
    and SECURE_PROXY_SSL_HEADER give it), the host, the path and the query. The same fields get the same
    answer, the host included only once Django has allowed it."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    return (
        environ.get("wsgi.url_scheme"),
        environ.get(proxy_header[0]) if proxy_header else None,
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME"),
        environ.get("PATH_INFO"),
        environ.get("QUERY_STRING"),
    )


def _page_key(request, params) -> str:
    """The page's key: its address with only the query parameters `params` its view reads (CACHEABLE).
    The scheme too: a page stored from HTTPS (with its HSTS header) is never the answer to plain HTTP, which
    must get SecurityMiddleware's redirect."""
    query = urlencode([(name, request.GET.getlist(name)) for name in params if name in request.GET], True)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}".encode()
    return f"{PAGE_PREFIX}{settings_fingerprint()}:{hashlib.md5(raw, usedforsecurity=False).hexdigest()}"


def public_revalidated(view):
    """For public output the page cache does not keep (feeds, sitemaps): the pages' Cache-Control, an ETag
    of the content (Django's ConditionalGetMiddleware, as a decorator) and 304 for a conditional request, so
    a CDN may keep them but asks again each time, and a withdrawn story leaves them at once.

    No Last-Modified: feeds and sitemaps take it from their newest story, which goes back in time when that
    story is withdrawn, so `If-Modified-Since` would answer 304 and keep the withdrawn story in caches."""

    @wraps(view)
    def public(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.headers.setdefault("Cache-Control", PUBLIC_CACHE_CONTROL)
            response.headers.pop("Last-Modified", None)
            if request.method == "HEAD":
                # ConditionalGetMiddleware answers GET only; a HEAD is rendered whole here (the server drops
                # the body), so it gets the GET's ETag, and its 304, as the pages' HEAD does.
                if hasattr(response, "render"):
                    response.render()
                set_response_etag(response)
                return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    return decorator_from_middleware(ConditionalGetMiddleware)(public)


def _make_public(response, etag: str, last_modified: float):
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["X-Page-Cache"] = getattr(response, "page_cache_status", "miss")
    patch_vary_headers(response, ("Cookie",))
    return response


def _conditional(request, response, etag, last_modified):
    return get_conditional_response(request, etag=etag, last_modified=int(last_modified), response=response)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (enabled() and is_public_request(request)):
            return self.get_response(request)
        recent = _recent(local_key(request.META))  # only pages that may be kept: no need to resolve the URL
        hit = recent and recent[1]
        if hit is None:
            url_name = _url_name(request)
            if url_name not in CACHEABLE:
                return self.get_response(request)
            key = _page_key(request, CACHEABLE[url_name])
            hit = self._lookup(request, key)
        request.page_cache_public = True
        if hit is not None:
            content, headers, etag, last_modified = hit
            response = HttpResponse(content, headers=headers)
            response.page_cache_status = "hit"
            return _conditional(request, _make_public(response, etag, last_modified), etag, last_modified)

        started = time.time_ns()
        response = self.get_response(request)
        if not self._storable(request, response):
            return response
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        last_modified = time.time()
        self._store(request, key, url_name, response, etag, last_modified, started)
        return _conditional(request, _make_public(response, etag, last_modified), etag, last_modified)

    @staticmethod
    def _storable(request, response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and getattr(response, "context_data", None) is not None
            and not getattr(getattr(request, "user", None), "is_authenticated", True)
        )

    @staticmethod
    def _lookup(request, key):
        from articles.navigation import CACHE_KEY as NAV_KEY

        found = read_versioned(key, also=[NAV_KEY])
        if found is None:
            return None
        _deps, (nav, content, headers, etag, last_modified), extra = found
        if nav != nav_fingerprint(extra[NAV_KEY]):
            return None
        return _remember(local_key(request.META), (content, headers, etag, last_modified))

    @staticmethod
    def _store(request, key, url_name, response, etag, last_modified, started):
        headers = {k: v for k, v in response.items() if k.lower() not in ("set-cookie", "vary")}
        payload = (nav_fingerprint(), response.content, headers, etag, last_modified)
        # What the page's context shows, and what its cached fragments (newsroom/fragments.py) showed.
        deps = page_deps(url_name, response.context_data) | getattr(request, "fragment_deps", set())
        write_versioned(key, deps, payload, started, settings.PAGE_CACHE_SECONDS)


def _recent(key):
    """(deadline, hit, headers of the whole answer) of a page kept in memory and not yet expired, or None."""
    entry = _local.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry


def _remember(key, hit):
    """Keep a page the cache answered with in this process's memory, with the headers of the whole answer."""
    seconds = settings.PAGE_CACHE_LOCAL_SECONDS
    if seconds > 0:
        content, headers, etag, last_modified = hit
        response = HttpResponse(content, headers=headers)
        response.page_cache_status = "hit"
        answer_headers = list(_make_public(response, etag, last_modified).items())
        with _local_lock:
            _local[key] = (time.monotonic() + seconds, hit, answer_headers)
            _local.move_to_end(key)
            while len(_local) > LOCAL_PAGES:
                _local.popitem(last=False)
    return hit


class RecentPages:
    """WSGI, in front of Django: a plain GET the page cache answered in this process in the last
    PAGE_CACHE_LOCAL_SECONDS (same scheme, host, path and query: `local_key`) gets the same answer again,
    before Django builds a request, sends its signals and runs its middleware: that is most of a hit's cost.

    Everything else goes to Django: other methods, conditional requests (If-None-Match, If-Modified-Since:
    Django answers those with 304), requests with a session or messages cookie, and pages not in memory.
    A change anywhere empties the memory (`bump`), so nothing here outlives what the middleware would serve.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        entry = self._recent(environ) if _local else None
        if entry is None:
            return self.application(environ, start_response)
        _deadline, (content, *_), headers = entry
        start_response("200 OK", headers)
        return [content]

    @staticmethod
    def _recent(environ):
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
            or not enabled()
        ):
            return None
        if (cookie := environ.get("HTTP_COOKIE")) and has_private_cookies(parse_cookie(cookie)):
            return None
        return _recent(local_key(environ))


def public_csrf(request):
    """A context processor: pages the cache may share get no CSRF token; the forms fetch one (csrf.js)."""
    if getattr(request, "page_cache_public", False):
        return {"csrf_token": ""}
    return {}


@never_cache
def csrf_token_view(request):
    """The reader's CSRF token (and its cookie), for forms on cached pages; costs no query."""
    return JsonResponse({"token": get_token(request)})


# Signals --------------------------------------------------------------------------------------------------


def article_changed(article_id, *, public_after=False) -> bool:
    """An article and every list it is (or was) on: the front page, its section, tags and authors. Whether
    it was published before this change is the answer.

    Lists show published articles only: for one that neither was published before the change nor is after
    it (`public_after`), a draft being written, only its own version moves, and the pages of a newsroom
    whose desk saves drafts all day stay cached.
    """
    from articles.models import Article, Byline

    row = Article.objects.filter(pk=article_id).values_list("section_id", "status").first()
    was_public = row is not None and row[1] == Article.Status.PUBLISHED
    if not (was_public or public_after):
        bump(f"article:{article_id}")
        return was_public
    deps = {f"article:{article_id}", f"public:{article_id}", "list:all"}
    if row is not None:
        deps.add(f"list:section:{row[0]}")
    deps |= {
        f"list:tag:{t}"
        for t in Article.tags.through.objects.filter(article_id=article_id).values_list("tag_id", flat=True)
    }
    deps |= {
        f"list:author:{a}"
        for a in Byline.objects.filter(article_id=article_id).values_list("author_id", flat=True)
    }
    bump(*deps)
    return was_public


def _is_public(article) -> bool:
    return article.status == article.Status.PUBLISHED


def _on_article_before(sender, instance, **kwargs):
    """The lists it is on before the save: a move to another section or a new byline leaves them too."""
    if kwargs.get("raw"):
        return
    was_public = False
    if instance.pk is not None:
        was_public = article_changed(instance.pk, public_after=_is_public(instance))
    instance._page_cache_was_public = was_public  # for _on_article, after the save


def _on_article(sender, instance, **kwargs):
    """After a save: its tags and bylines were bumped before it (pre_save) or by their own signals. A draft
    that was not published before the save either is on no list."""
    if _is_public(instance) or getattr(instance, "_page_cache_was_public", True):
        bump(
            f"article:{instance.pk}",
            f"public:{instance.pk}",
            "list:all",
            f"list:section:{instance.section_id}",
        )
    else:
        bump(f"article:{instance.pk}")


def _on_article_deleted(sender, instance, **kwargs):
    article_changed(instance.pk)


def _on_article_part(sender, instance, **kwargs):
    bump(
        f"article:{instance.article_id}",
        *([f"list:author:{instance.author_id}", SEARCH_DEP] if hasattr(instance, "author_id") else []),
        *([f"related:{instance.article_id}"] if hasattr(instance, "related_id") else []),
    )


def _on_tags(sender, instance, pk_set=None, action="", **kwargs):
    if action.startswith("post_") or action == "pre_clear":
        from articles.models import Article

        if isinstance(instance, Article):
            article_changed(instance.pk, public_after=_is_public(instance))
            if _is_public(instance):
                bump(SEARCH_DEP, *(f"list:tag:{t}" for t in pk_set or ()))


def _on_named(sender, instance, **kwargs):
    """A section, tag, author or image: every page that shows it, and its own list."""
    name = sender._meta.model_name
    searched = name in ("author", "tag")  # their names are in the search documents
    bump(f"{name}:{instance.pk}", f"list:{name}:{instance.pk}", *([SEARCH_DEP] if searched else []))


def _on_comment(sender, instance, **kwargs):
    from django_comments.models import CommentFlag

    comment = instance.comment if isinstance(instance, CommentFlag) else instance  # a like or a report
    if comment is instance and "created" in kwargs:  # saved, not deleted
        # A new comment readers do not see (held for moderation) changes no page: no new ETag may tell a
        # reader that one came in. xtd saves a new comment twice (its thread id); `shown` spans both.
        shown_now = comment.is_public and not comment.is_removed
        shown_before = False if kwargs["created"] else getattr(comment, "shown", True)
        comment.shown = shown_now
        if not (shown_now or shown_before):
            return
    if comment.content_type.app_label == "articles" and comment.content_type.model == "article":
        # Its threads, and its count on every card that shows one (article_deps); not its content or lists.
        bump(f"comments:{int(comment.object_pk)}")


def connect_signals():
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
    from django_comments.models import Comment, CommentFlag
    from django_comments_xtd.models import XtdComment

    from articles.models import Article, Byline, Correction, Image, RelatedArticle, Section, Tag
    from authors.models import Author
    from comments.models import ReaderComment

    def connect(signal, handler, model):
        uid = f"page-cache-{handler.__name__}-{id(signal)}-{model.__name__}"
        signal.connect(handler, sender=model, weak=False, dispatch_uid=uid)

    connect(pre_save, _on_article_before, Article)
    connect(post_save, _on_article, Article)
    connect(pre_delete, _on_article_deleted, Article)
    for model in (Byline, RelatedArticle, Correction):
        connect(post_save, _on_article_part, model)
        connect(post_delete, _on_article_part, model)
    for model in (Section, Tag, Author, Image):
        connect(post_save, _on_named, model)
        connect(post_delete, _on_named, model)
    for model in (Comment, XtdComment, ReaderComment, CommentFlag):
        connect(post_save, _on_comment, model)
        connect(post_delete, _on_comment, model)
    m2m_changed.connect(_on_tags, sender=Article.tags.through, weak=False, dispatch_uid="page-cache-tags")

"""Old addresses of published articles, sections, tags and authors, so links out in the world (bookmarks,
feed subscriptions, search engines) keep working after an edit."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control

# How long a browser or proxy may keep an old address's 301: a slug renamed back must not loop for ever.
OLD_ADDRESS_MAX_AGE = 24 * 60 * 60


def remember_old_path(article) -> None:
    """Before `article` is saved: if a once-published article's address changes, keep the old one.

    The address is made of the section, the publication date and the slug; an editor changing any of
    them (or republishing on another day) would otherwise break every link to the story.
    """
    from .models import Article

    if article.pk is None:
        return
    before = (
        Article.objects.filter(pk=article.pk)
        .select_related("section")
        .only("slug", "section__slug", "published_at", "first_published_at", "created_at", "publish_at")
        .first()
    )
    if before is None or before.first_published_at is None:
        return
    keep_old_path(article, before.get_absolute_url())


def keep_old_path(article, old_path: str) -> None:
    """`article`, once published, has moved from `old_path`: that address answers 301, and the one it has
    now stops redirecting. For a caller that knows the old address when the row no longer does (a version
    restored from the history is written back without Article.save())."""
    from .models import ArticleRedirect

    new_path = article.get_absolute_url()
    if old_path == new_path:
        return
    ArticleRedirect.objects.filter(old_path=new_path).delete()
    ArticleRedirect.objects.update_or_create(old_path=old_path, defaults={"article": article})


def forget_taken_old_paths(article) -> None:
    """A recovered `article`'s old addresses, kept through its deletion, stay its own but for those whose
    slug another article has taken meanwhile: while it was deleted they led to that article (a known slug
    under another date, ArticleView.moved_article), and one address stands for one story. Recovery refuses
    a story whose own slug is taken (ArticleAdmin.recover_view); an old address is given up instead."""
    from .models import Article

    slugs = {path: _slug_in(path) for path in article.old_paths.values_list("old_path", flat=True)}
    others = Article.objects.exclude(pk=article.pk).filter(slug__in={slug for slug in slugs.values() if slug})
    taken = set(others.values_list("slug", flat=True))
    given_up = [path for path, slug in slugs.items() if slug in taken]
    if given_up:
        article.old_paths.filter(old_path__in=given_up).delete()


def _slug_in(path: str) -> str | None:
    """The slug of an article's address, or None if `path` is no article's address."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.kwargs.get("slug") if (match.namespace, match.url_name) == ("articles", "detail") else None


def remember_old_slug(instance, url_names) -> None:
    """Before a section, tag or author is saved: if its slug changes, its old pages (named by `url_names`,
    each taking `slug`) answer 301 to the new ones (OldAddressMiddleware, below).
    Earlier renames point on to the newest address, and renaming back removes the redirect in the way. The
    caller (KeepsOldAddresses) saves in the same transaction."""
    from django.contrib.redirects.models import Redirect

    if instance.pk is None:
        return
    old = type(instance).objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old is None or old == instance.slug:
        return
    redirects = Redirect.objects.filter(site_id=settings.SITE_ID)
    for name in url_names:
        old_path = reverse(name, kwargs={"slug": old})
        new_path = reverse(name, kwargs={"slug": instance.slug})
        redirects.filter(old_path=new_path).delete()
        redirects.filter(new_path=old_path).update(new_path=new_path)
        Redirect.objects.update_or_create(
            site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
        )


class KeepsOldAddresses:
    """A model mixin for sections, tags and authors: saved with a new slug, the pages named in
    `old_address_urls` (each taking `slug`) keep answering at the old one (remember_old_slug)."""

    old_address_urls: tuple[str, ...] = ()

    def save(self, *args, **kwargs):
        with transaction.atomic():
            remember_old_slug(self, self.old_address_urls)
            super().save(*args, **kwargs)


class OldAddressMiddleware:
    """A 404 at an address django.contrib.redirects knows answers 301 to where it went, its query string
    carried over, and only while the page there is one readers may see: the new slug of a tag that is on
    drafts only, or of an author with no published story, would give a story away before it runs. Targets
    are paths of this site only (Admin > Redirects is for administrators; it cannot send readers away)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 404
            or request.method not in ("GET", "HEAD")
            or "\x00" in request.path_info
        ):
            return response  # (PostgreSQL takes no NUL in a query: such an address is no old one of ours)
        from django.contrib.redirects.models import Redirect

        new_path = (
            Redirect.objects.filter(site_id=settings.SITE_ID, old_path=request.path_info)
            .values_list("new_path", flat=True)
            .first()
        )
        if not new_path or not new_path.startswith("/") or new_path.startswith("//") or not _public(new_path):
            return response
        query = request.META.get("QUERY_STRING", "")
        moved = HttpResponsePermanentRedirect(new_path + (f"?{query}" if query else ""))
        patch_cache_control(moved, public=True, max_age=OLD_ADDRESS_MAX_AGE)
        return moved


def _public(path: str) -> bool:
    """Whether readers may see the section, tag or author page (or its feed) at `path`; other pages of the
    site answer for themselves once the reader gets there."""
    from authors.models import Author

    from .models import Section, Tag

    try:
        match = resolve(path)
    except Resolver404:
        return False
    slug = match.kwargs.get("slug")
    if match.namespace == "articles" and match.url_name.startswith("section"):
        return Section.objects.in_use().filter(slug=slug).exists()
    if match.namespace == "articles" and match.url_name.startswith("tag"):
        return Tag.objects.in_use().filter(slug=slug).exists()
    if match.namespace == "authors" and slug:
        return Author.objects.bylined().filter(slug=slug).exists()
    return True

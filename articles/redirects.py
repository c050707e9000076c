"""Old addresses of published articles, sections, tags and authors, so links out in the world (bookmarks,
feed subscriptions, search engines) keep working after an edit."""

from django.conf import settings
from django.urls import reverse


def remember_old_path(article) -> None:
    """Before `article` is saved: if a once-published article's address changes, keep the old one.

    The address is made of the section, the publication date and the slug; an editor changing any of
    them (or republishing on another day) would otherwise break every link to the story.
    """
    from .models import Article, ArticleRedirect

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
    old_path, new_path = before.get_absolute_url(), article.get_absolute_url()
    if old_path == new_path:
        return
    ArticleRedirect.objects.filter(old_path=new_path).delete()
    ArticleRedirect.objects.update_or_create(old_path=old_path, defaults={"article": article})


def remember_old_slug(instance, url_names) -> None:
    """Before a section, tag or author is saved: if its slug changes, its old pages (named by `url_names`,
    each taking `slug`) answer 301 to the new ones, through django.contrib.redirects' fallback middleware.
    Earlier renames point on to the newest address, and renaming back removes the redirect in the way. The
    caller saves in the same transaction."""
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

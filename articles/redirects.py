"""Old addresses of published articles, so links out in the world keep working after an edit."""


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

"""Restoring an old version of an article from the admin's History (ArticleAdmin.revision_view), or a
deleted article from "Recover deleted articles" (ArticleAdmin.recover_view).

django-reversion writes the version's rows back as they were stored (raw saves: no Article.save(), no check
that what they point to still exists), and PostgreSQL checks foreign keys only at commit. A version that
names a picture, an author, a story, a tag or a section deleted since therefore comes back pointing at
nothing, and the first page to follow the pointer fails (or the form, finding no picture, drops the live
one). These helpers run right after the revert, inside its transaction.
"""

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils.text import get_text_list

from authors.models import Author

from .models import Article, Byline, Image, RelatedArticle, Section, Tag


def _name_when_deleted(model, pk) -> str | None:
    """The name the admin gave a row it deleted: the row is gone, its log entry keeps the name."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(pk), action_flag=DELETION
        )
        .order_by("-action_time")
        .first()
    )
    return entry.object_repr if entry else None


def _named(model, pk, named: str, unnamed: str) -> str:
    name = _name_when_deleted(model, pk)
    return named.format(name=name) if name else unnamed


def drop_what_is_gone(article: Article, *, live: Article | None) -> str:
    """Take out of the reverted `article` whatever its version points to that has been deleted since, and
    say what that was ("" when nothing): its lead image or its section (the story keeps the ones it has
    now, as `live` has them), a byline's author, a "Read more" story, a tag.

    `live` is None for a deleted article being recovered: it has nothing now, so it comes back without a
    picture and, as it needs a section, in the first one (Section's order), for the editor to change."""
    gone = []
    if article.lead_image_id is not None and not Image.objects.filter(pk=article.lead_image_id).exists():
        # A caption describes its picture: it goes with it, and the live story keeps its own. (The form
        # would have sent no picture, and the story lost the one it had.)
        if live is None:
            kept = {"lead_image_id": None, "lead_image_caption": ""}
            said = "it comes back without a picture"
        else:
            kept = {"lead_image_id": live.lead_image_id, "lead_image_caption": live.lead_image_caption}
            said = "the story keeps the picture and caption it has now"
        gone.append(
            _named(Image, article.lead_image_id, "the lead image “{name}”", "its lead image") + f" ({said})"
        )
        Article.objects.filter(pk=article.pk).update(**kept)
        for name, value in kept.items():
            setattr(article, name, value)
    if not Section.objects.filter(pk=article.section_id).exists():
        if live is None:
            section = Section.objects.first()
            said = (
                f"it comes back in “{section.name}”, the first section: choose its own before publishing "
                "it again"
            )
        else:
            section = Section.objects.get(pk=live.section_id)
            said = f"it stays in “{section.name}”"
        gone.append(_named(Section, article.section_id, "the section “{name}”", "its section") + f" ({said})")
        Article.objects.filter(pk=article.pk).update(section_id=section.pk)
        article.section_id = section.pk
    # The version's rows that point at something gone: (rows, the pointer, its model, how to say it).
    pointing = [
        (Byline, "author", Author, "the byline of “{name}”", "a byline of an author"),
        (RelatedArticle, "related", Article, "the “Read more” link to “{name}”", "a “Read more” link"),
        (Article.tags.through, "tag", Tag, "the tag “{name}”", "a tag"),
    ]
    for rows, pointer, model, named, unnamed in pointing:
        orphans = rows.objects.filter(article=article).exclude(
            Exists(model.objects.filter(pk=OuterRef(pointer)))
        )
        ordering = ("position", "pk") if hasattr(rows, "position") else ("pk",)
        for row in orphans.order_by(*ordering):
            gone.append(_named(model, getattr(row, f"{pointer}_id"), named, unnamed))
        orphans.delete()
    return get_text_list(gone, "and")

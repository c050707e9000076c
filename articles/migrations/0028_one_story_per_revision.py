import json

from django.db import migrations
from django.db.models import Count

# Revisions split at a time: a fixed number of queries each, whatever their number of stories.
BATCH = 500


def split_shared_revisions(apps, schema_editor):
    """Each revision that holds several stories becomes one per story (same date, user and comment), each
    with its story's bylines, corrections and "Read more" links. The article list's bulk actions saved every
    story they touched in one revision (django-reversion's list view), and restoring one story's version
    from it reverted the others too. The first story keeps the revision; no version is written again."""
    db = schema_editor.connection.alias
    article_type = (
        apps.get_model("contenttypes", "ContentType")
        .objects.using(db)
        .filter(app_label="articles", model="article")
        .first()
    )
    if article_type is None:
        return  # a new database: no versions yet
    Version = apps.get_model("reversion", "Version")
    shared = list(
        Version.objects.using(db)
        .filter(content_type=article_type)
        .values("revision_id")
        .annotate(stories=Count("object_id", distinct=True))
        .filter(stories__gt=1)
        .order_by("revision_id")
        .values_list("revision_id", flat=True)
    )
    for start in range(0, len(shared), BATCH):
        _split(apps, schema_editor, article_type, shared[start : start + BATCH])


def _split(apps, schema_editor, article_type, revision_ids):
    Revision, Version = apps.get_model("reversion", "Revision"), apps.get_model("reversion", "Version")
    db = schema_editor.connection.alias
    versions = Version.objects.using(db).filter(revision_id__in=revision_ids)
    old = Revision.objects.using(db).in_bulk(revision_ids)
    keeps = {}  # revision id: the story that keeps it
    new = {}  # (revision id, story id): the story's own revision
    placed = []  # (version id, revision id, story id)
    stories = versions.filter(content_type=article_type).order_by("pk")
    for pk, revision_id, story in stories.values_list("pk", "revision_id", "object_id"):
        if keeps.setdefault(revision_id, story) == story:
            continue
        if (revision_id, story) not in new:
            was = old[revision_id]
            new[revision_id, story] = Revision(
                date_created=was.date_created, user_id=was.user_id, comment=was.comment
            )
        placed.append((pk, revision_id, story))
    if schema_editor.connection.features.can_return_rows_from_bulk_insert:
        Revision.objects.using(db).bulk_create(new.values())
    else:
        for revision in new.values():
            revision.save(using=db)
    # The rows followed with a story are matched to it by their `article`, read from their version (small
    # rows: an article's own version, with its body, is not read).
    followed = versions.exclude(content_type=article_type)
    for pk, revision_id, data_format, data in followed.values_list(
        "pk", "revision_id", "format", "serialized_data"
    ):
        placed.append((pk, revision_id, _story_of(data_format, data)))
    moved = [
        Version(pk=pk, revision_id=new[revision_id, story].pk)
        for pk, revision_id, story in placed
        if (revision_id, story) in new
    ]
    Version.objects.using(db).bulk_update(moved, ["revision"], batch_size=BATCH)


def _story_of(data_format, data) -> str | None:
    """The story a byline, correction or "Read more" link belongs to (its `article`), from its version."""
    if data_format != "json":
        return None
    try:
        return str(json.loads(data)[0]["fields"]["article"])
    except (ValueError, LookupError, TypeError):
        return None


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0027_plain_text_without_markup"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.RunPython(split_shared_revisions, migrations.RunPython.noop),
    ]

import django.db.models.deletion
from django.db import migrations, models


def kept_through_deletion(related_name):
    """The article's id, without a foreign-key constraint, and left alone when the article is deleted."""
    return models.ForeignKey(
        db_constraint=False,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name=related_name,
        to="articles.article",
    )


class Migration(migrations.Migration):
    """A deleted article's workflow events, editorial notes and old addresses stay, so that the article
    recovered from "Recover deleted articles" (same id) comes back with them (WorkflowEvent)."""

    dependencies = [
        ("articles", "0024_removed_article_slug_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workflowevent", name="article", field=kept_through_deletion("workflow_events")
        ),
        migrations.AlterField(
            model_name="editorialnote", name="article", field=kept_through_deletion("editorial_notes")
        ),
        migrations.AlterField(
            model_name="articleredirect", name="article", field=kept_through_deletion("old_paths")
        ),
    ]

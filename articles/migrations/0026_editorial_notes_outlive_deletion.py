import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Editorial notes stay when their article is deleted, for its recovery (EditorialNote)."""

    dependencies = [
        ("articles", "0025_workflow_events_outlive_deletion"),
    ]

    operations = [
        migrations.AlterField(
            model_name="editorialnote",
            name="article",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="editorial_notes",
                to="articles.article",
            ),
        ),
    ]

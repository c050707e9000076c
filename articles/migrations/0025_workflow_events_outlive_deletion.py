import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Workflow events stay when their article is deleted, for its recovery (WorkflowEvent)."""

    dependencies = [
        ("articles", "0024_removed_article_slug_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workflowevent",
            name="article",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="workflow_events",
                to="articles.article",
            ),
        ),
    ]

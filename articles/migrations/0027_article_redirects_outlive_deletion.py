import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Old addresses stay when their article is deleted, for its recovery (ArticleRedirect)."""

    dependencies = [
        ("articles", "0026_editorial_notes_outlive_deletion"),
    ]

    operations = [
        migrations.AlterField(
            model_name="articleredirect",
            name="article",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="old_paths",
                to="articles.article",
            ),
        ),
    ]

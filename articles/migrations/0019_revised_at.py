"""`revised_at`: when what readers read of an article last changed, apart from `updated_at` (any change to
the row). Existing articles take their `updated_at`, so what readers see as "Updated" stays as it was."""

from django.db import migrations, models


def from_updated_at(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.update(revised_at=models.F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_publish_at_help"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="revised_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When what readers read last changed: its words, picture, section or a correction.",
                null=True,
            ),
        ),
        migrations.RunPython(from_updated_at, migrations.RunPython.noop),
    ]

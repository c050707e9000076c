from django.db import migrations, models

# Recoveries were recorded as "Unpublished", with this detail, even for a draft that never ran.
OLD = {"action": "unpublished", "detail": "recovered after deletion"}
NEW = {"action": "recovered", "detail": ""}


def forwards(apps, schema_editor):
    apps.get_model("articles", "WorkflowEvent").objects.filter(**OLD).update(**NEW)


def backwards(apps, schema_editor):
    apps.get_model("articles", "WorkflowEvent").objects.filter(**NEW).update(**OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_removed_articles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workflowevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted for review"),
                    ("returned", "Sent back to draft"),
                    ("scheduled", "Scheduled"),
                    ("published", "Published"),
                    ("unpublished", "Unpublished"),
                    ("recovered", "Recovered after deletion"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]

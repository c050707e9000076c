"""A share remembers whether a try may have posted, so a Retry or a republish sends that try's words again
instead of new ones. Rows made before: any row with words fixed by a try is taken to have maybe posted."""

from django.db import migrations, models


def tried_rows_may_have_posted(apps, schema_editor):
    apps.get_model("sharing", "ShareRecord").objects.exclude(text="").update(may_have_posted=True)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0005_share_delivery_key")]

    operations = [
        migrations.AddField(
            model_name="sharerecord",
            name="may_have_posted",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="A try went out and no answer said it was refused: "
                "later tries send the same words.",
            ),
        ),
        migrations.RunPython(tried_rows_may_have_posted, migrations.RunPython.noop),
    ]

"""Each share carries a key of its own for the networks to recognise a repeat by. Rows made before keep an
empty one, and with it the key their earlier tries were sent with (`newsroom-share-<id>`)."""

from django.db import migrations, models

import sharing.models


def keep_the_old_keys(apps, schema_editor):
    # Adding the column gave every existing row the one value the default made; they go back to none.
    apps.get_model("sharing", "ShareRecord").objects.update(delivery_key="")


class Migration(migrations.Migration):
    dependencies = [("sharing", "0004_help_texts")]

    operations = [
        migrations.AddField(
            model_name="sharerecord",
            name="delivery_key",
            field=models.CharField(
                blank=True,
                default=sharing.models.new_delivery_key,
                editable=False,
                help_text="Sent with each try, so the network knows a repeat (empty on older rows).",
                max_length=40,
            ),
        ),
        migrations.RunPython(keep_the_old_keys, migrations.RunPython.noop),
    ]

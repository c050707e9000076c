"""Headline, standfirst, caption and credit kept on one line (articles.fields.OneLineCharField): a change of
field class only, nothing in the database changes."""

from django.db import migrations

import articles.fields


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_revised_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="dek",
            field=articles.fields.OneLineCharField(
                blank=True,
                help_text="One or two sentences under the headline; also the summary in feeds and social "
                "cards.",
                max_length=400,
                verbose_name="standfirst",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="headline",
            field=articles.fields.OneLineCharField(
                help_text="Search results show about 60 characters of it, social cards about 70 (see the "
                "counter).",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="lead_image_caption",
            field=articles.fields.OneLineCharField(
                blank=True,
                help_text="Caption for this article; the image's own caption if empty.",
                max_length=400,
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="source_credit",
            field=articles.fields.OneLineCharField(
                blank=True,
                help_text="Where the reporting comes from, e.g. “With reporting by AFP”.",
                max_length=200,
            ),
        ),
    ]

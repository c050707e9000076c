from django.db import migrations

import articles.fields
import articles.models


class Migration(migrations.Migration):
    """Article, section and tag slugs checked by the lower-case rule alone (LowercaseSlugField): the same
    columns, the same rule, one message instead of two. No change to the database."""

    dependencies = [
        ("articles", "0025_kept_through_deletion"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=articles.fields.LowercaseSlugField(
                help_text="The last part of the article's address; unique.", max_length=200, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="section",
            name="slug",
            field=articles.fields.LowercaseSlugField(
                help_text="The first part of every article address.",
                max_length=80,
                unique=True,
                validators=[articles.models.validate_section_slug],
            ),
        ),
        migrations.AlterField(
            model_name="tag",
            name="slug",
            field=articles.fields.LowercaseSlugField(max_length=60, unique=True),
        ),
    ]

from django.db import migrations

import articles.fields


class Migration(migrations.Migration):
    """A tag's name is plain text on one line, as a headline is (articles.fields): it refuses HTML and keeps
    no line break, whoever writes it (the admin's form or its "+", the API). No change to the database."""

    dependencies = [
        ("articles", "0028_one_story_per_revision"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tag",
            name="name",
            field=articles.fields.OneLineCharField(
                max_length=60, unique=True, validators=[articles.fields.no_markup]
            ),
        ),
    ]

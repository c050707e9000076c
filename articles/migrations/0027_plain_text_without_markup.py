from django.db import migrations, models

import articles.fields


class Migration(migrations.Migration):
    """Headline, standfirst, captions, credits, an image's title and alt text refuse HTML (articles.fields.
    no_markup): plain text shows as typed, tags and all. No change to the database."""

    dependencies = [
        ("articles", "0026_lowercase_slug_field"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="dek",
            field=articles.fields.OneLineCharField(
                blank=True,
                help_text="One or two sentences under the headline; also the summary in feeds and social cards.",
                max_length=400,
                validators=[articles.fields.no_markup],
                verbose_name="standfirst",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="headline",
            field=articles.fields.OneLineCharField(
                help_text="Search results show about 60 characters of it, social cards about 70 (see the counter).",
                max_length=200,
                validators=[articles.fields.no_markup],
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="lead_image_caption",
            field=articles.fields.OneLineCharField(
                blank=True,
                help_text="Caption for this article; the image's own caption if empty.",
                max_length=400,
                validators=[articles.fields.no_markup],
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="source_credit",
            field=articles.fields.OneLineCharField(
                blank=True,
                help_text="Where the reporting comes from, e.g. “With reporting by AFP”.",
                max_length=200,
                validators=[articles.fields.no_markup],
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="alt_text",
            field=models.CharField(
                help_text="Describes the image for readers who cannot see it. Required.",
                max_length=300,
                validators=[articles.fields.no_markup],
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="caption",
            field=models.CharField(
                blank=True,
                help_text="What the image shows, for readers.",
                max_length=400,
                validators=[articles.fields.no_markup],
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="credit",
            field=models.CharField(
                blank=True,
                help_text="Photographer and agency.",
                max_length=200,
                validators=[articles.fields.no_markup],
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="title",
            field=models.CharField(
                help_text="For finding the image in the library.",
                max_length=200,
                validators=[articles.fields.no_markup],
            ),
        ),
    ]

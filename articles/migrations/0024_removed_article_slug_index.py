from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_article_body_max_length"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="removedarticle",
            index=models.Index(fields=["slug"], name="removed_article_slug"),
        ),
    ]

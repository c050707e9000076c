from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_redirects_and_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="share_on_publish",
            field=models.BooleanField(
                default=True,
                help_text="Post to the newsroom's social accounts when the article is first published.",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="share_text",
            field=models.CharField(
                blank=True,
                help_text="Instead of the headline and hashtags; the link is added and it is shortened per network.",
                max_length=500,
            ),
        ),
    ]

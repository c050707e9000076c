from django.db import migrations, models

# A limit for forms and the API only: a TextField's max_length changes nothing in the database.


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_workflow_event_recovered"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                help_text="The story. Formatting is kept; scripts and styles are removed on save.",
                max_length=1000000,
            ),
        ),
    ]

import articles.search
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class AddIndexOnPostgres(migrations.AddIndex):
    """The full-text GIN index exists only on PostgreSQL; SQLite (development) searches with icontains."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleRedirect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_path", models.CharField(help_text="The old address, e.g. /world/2026/01/02/x/.", max_length=400, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("article", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="old_paths", to="articles.article")),
            ],
            options={"ordering": ["-created_at"]},
        ),
        AddIndexOnPostgres(
            model_name="article",
            index=articles.search.PostgresOnlyGinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector("headline", config="english", weight="A"),
                        "||",
                        django.contrib.postgres.search.SearchVector("dek", config="english", weight="B"),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector("body", config="english", weight="C"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                name="article_search_vector",
            ),
        ),
    ]

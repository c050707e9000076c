from django.db import migrations


class Migration(migrations.Migration):
    """An index on the article-tag table by tag, newest article first: "Read more" reads the newest few
    hundred articles of each of the story's tags from it (articles.related.candidates), a few hundred index
    entries whatever the size of the archive. The table is the ManyToManyField's own, which has no Meta for
    an index of ours."""

    dependencies = [
        ("articles", "0008_search_document"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX articles_article_tags_newest ON articles_article_tags (tag_id, article_id DESC)",
            reverse_sql="DROP INDEX articles_article_tags_newest",
        ),
    ]

"""Search folds accents: "tomas" finds Tomás, "sao paulo" finds São Paulo, and the other way round.

A text search configuration of our own, `newsroom_search`, reads text as `english` does, but passes every
word through PostgreSQL's `unaccent` dictionary before stemming it. The search documents are written with it
(0012's `articles_write_search_documents`, now naming this configuration) and written again for every article;
readers' queries and the highlighted snippets use it too (`articles.search.SEARCH_CONFIG`). `newsroom_fold`
is the plain match's folding (SQLite's search, `articles.search.Folded`), made here so it runs on both.

`unaccent` ships with PostgreSQL (its contrib modules) and is a trusted extension: a database owner can
create it without being a superuser.
"""

import importlib

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CONFIG = "newsroom_search"
ENGLISH_WRITE = importlib.import_module("articles.migrations.0012_search_tags").WRITE

CREATE_CONFIG = f"""
DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};
CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english);
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
-- What SQLite's plain match calls to fold text (articles.search.Folded), so it runs here as well.
CREATE OR REPLACE FUNCTION newsroom_fold(text) RETURNS text AS $$ SELECT lower(unaccent($1)) $$
    LANGUAGE sql STABLE;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_CONFIG)
        # The same function, triggers and rewrite of every document as 0012, in the new configuration.
        schema_editor.execute(ENGLISH_WRITE.replace("'english'", f"'{CONFIG}'"))


def undo(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ENGLISH_WRITE)
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};")
        schema_editor.execute("DROP FUNCTION IF EXISTS newsroom_fold(text);")


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_random_image_names")]

    operations = [UnaccentExtension(), migrations.RunPython(install, undo, elidable=False)]

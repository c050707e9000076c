"""Search matches tags: an article's search document gains its tags' names (weight B, with the dek and the
bylines), so a search for "storms" finds the stories tagged Storms.

PostgreSQL writes the documents as before (0010's `articles_write_search_documents`, now reading the tags
too), also when an article's tags change or a tag is renamed; bylines and tags share one row trigger function.
"""

import importlib

from django.db import migrations

WRITE = """
CREATE OR REPLACE FUNCTION articles_write_search_documents(ids bigint[]) RETURNS void AS $$
    INSERT INTO articles_searchdocument (article_id, document)
    SELECT a.id,
        setweight(to_tsvector('english', COALESCE(a.headline, '')), 'A')
        || setweight(to_tsvector('english', COALESCE(a.dek, '')), 'B')
        || setweight(to_tsvector('english', COALESCE((
            SELECT string_agg(au.display_name, ' ' ORDER BY b.position, b.id)
            FROM articles_byline b JOIN authors_author au ON au.id = b.author_id
            WHERE b.article_id = a.id), '')), 'B')
        || setweight(to_tsvector('english', COALESCE((
            SELECT string_agg(t.name, ' ' ORDER BY t.id)
            FROM articles_article_tags at JOIN articles_tag t ON t.id = at.tag_id
            WHERE at.article_id = a.id), '')), 'B')
        || setweight(to_tsvector('english', COALESCE(a.body, '')), 'C')
    FROM articles_article a
    WHERE a.id = ANY(ids)
    ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
$$ LANGUAGE sql;

-- One function for every table whose rows name an article (bylines, tags): 0010's bylines-only one goes.
CREATE OR REPLACE FUNCTION articles_search_document_of_row() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM articles_write_search_documents(ARRAY[OLD.article_id]::bigint[]);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM articles_write_search_documents(ARRAY[NEW.article_id]::bigint[]);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS articles_search_document_bylines ON articles_byline;
CREATE TRIGGER articles_search_document_bylines AFTER INSERT OR UPDATE OR DELETE ON articles_byline
    FOR EACH ROW EXECUTE FUNCTION articles_search_document_of_row();
DROP FUNCTION IF EXISTS articles_search_document_bylines();
DROP TRIGGER IF EXISTS articles_search_document_tagging ON articles_article_tags;
CREATE TRIGGER articles_search_document_tagging AFTER INSERT OR UPDATE OR DELETE ON articles_article_tags
    FOR EACH ROW EXECUTE FUNCTION articles_search_document_of_row();

CREATE OR REPLACE FUNCTION articles_search_document_tag() RETURNS trigger AS $$
BEGIN
    PERFORM articles_write_search_documents(
        ARRAY(SELECT article_id FROM articles_article_tags WHERE tag_id = NEW.id)::bigint[]
    );
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS articles_search_document_tag ON articles_tag;
CREATE TRIGGER articles_search_document_tag AFTER UPDATE OF name ON articles_tag
    FOR EACH ROW EXECUTE FUNCTION articles_search_document_tag();

SELECT articles_write_search_documents(ARRAY(SELECT id FROM articles_article));
"""

UNDO = """
DROP TRIGGER IF EXISTS articles_search_document_tagging ON articles_article_tags;
DROP TRIGGER IF EXISTS articles_search_document_tag ON articles_tag;
DROP FUNCTION IF EXISTS articles_search_document_tag();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WRITE)


def undo(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO)
        # 0010's functions and bylines trigger again (without the tags), and every document written by them.
        schema_editor.execute(importlib.import_module("articles.migrations.0010_search_authors").WRITE)
        schema_editor.execute("DROP FUNCTION IF EXISTS articles_search_document_of_row();")


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_headline_help")]

    operations = [migrations.RunPython(install, undo, elidable=False)]

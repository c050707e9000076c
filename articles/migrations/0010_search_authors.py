"""Search matches bylines: an article's search document gains its authors' names (weight B, with the dek).

The documents are still written by PostgreSQL, now from three tables: an article's text changes (its
trigger, from 0008, now calls the shared function), its bylines change, or an author's name changes. A
deleted article's document goes with it, even one a byline's deletion wrote again in the same transaction.
"""

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
        || setweight(to_tsvector('english', COALESCE(a.body, '')), 'C')
    FROM articles_article a
    WHERE a.id = ANY(ids)
    ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION articles_search_document() RETURNS trigger AS $$
BEGIN
    PERFORM articles_write_search_documents(ARRAY[NEW.id]::bigint[]);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION articles_search_document_bylines() RETURNS trigger AS $$
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
    FOR EACH ROW EXECUTE FUNCTION articles_search_document_bylines();

CREATE OR REPLACE FUNCTION articles_search_document_author() RETURNS trigger AS $$
BEGIN
    PERFORM articles_write_search_documents(
        ARRAY(SELECT article_id FROM articles_byline WHERE author_id = NEW.id)::bigint[]
    );
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS articles_search_document_author ON authors_author;
CREATE TRIGGER articles_search_document_author AFTER UPDATE OF display_name ON authors_author
    FOR EACH ROW EXECUTE FUNCTION articles_search_document_author();

CREATE OR REPLACE FUNCTION articles_search_document_gone() RETURNS trigger AS $$
BEGIN
    DELETE FROM articles_searchdocument WHERE article_id = OLD.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS articles_search_document_gone ON articles_article;
CREATE TRIGGER articles_search_document_gone AFTER DELETE ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_search_document_gone();

SELECT articles_write_search_documents(ARRAY(SELECT id FROM articles_article));
"""

UNDO = """
DROP TRIGGER IF EXISTS articles_search_document_bylines ON articles_byline;
DROP TRIGGER IF EXISTS articles_search_document_author ON authors_author;
DROP TRIGGER IF EXISTS articles_search_document_gone ON articles_article;
DROP FUNCTION IF EXISTS articles_search_document_bylines();
DROP FUNCTION IF EXISTS articles_search_document_author();
DROP FUNCTION IF EXISTS articles_search_document_gone();
CREATE OR REPLACE FUNCTION articles_search_document() RETURNS trigger AS $$
BEGIN
    INSERT INTO articles_searchdocument (article_id, document) VALUES (NEW.id,
        setweight(to_tsvector('english', COALESCE(NEW.headline, '')), 'A')
        || setweight(to_tsvector('english', COALESCE(NEW.dek, '')), 'B')
        || setweight(to_tsvector('english', COALESCE(NEW.body, '')), 'C'))
    ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP FUNCTION IF EXISTS articles_write_search_documents(bigint[]);
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WRITE)


def undo(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_article_tags_newest_index"),
        ("authors", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, undo, elidable=False)]

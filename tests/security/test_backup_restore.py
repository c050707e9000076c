"""`make backup` / `make restore`: a populated database and its media come back whole in a new database."""

import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from newsroom.backups import BackupError, backup, restore
from tests.comments.helpers import make_comment
from tests.site_data import build_newsroom

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def conninfo(database: dict, name: str | None = None) -> str:
    return psycopg.conninfo.make_conninfo(
        dbname=name or database["NAME"], user=database["USER"], password=database["PASSWORD"] or None,
        host=database["HOST"] or None, port=database["PORT"] or None,
    )  # fmt: skip


def tables_and_checksums(info: str) -> tuple[dict, dict]:
    """Every table's row count, and an md5 over every row of the article and comment tables."""
    counts, checksums = {}, {}
    with psycopg.connect(info) as db:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            name = sql.Identifier(table)
            counts[table] = db.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone()[0]
            if "article" in table or "comment" in table:
                query = sql.SQL(
                    "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
                )
                checksums[table] = db.execute(query.format(name)).fetchone()[0]
    return counts, checksums


def media_files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def new_database():
    database = connection.settings_dict
    name = f"{database['NAME']}_restored"
    with psycopg.connect(conninfo(database, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {**database, "NAME": name}
    with psycopg.connect(conninfo(database, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_backup_restores_into_a_new_database_with_every_row_and_file(
    tmp_path, settings, new_database, capsys
):
    data = build_newsroom(6)
    for n, article in enumerate(data["articles"][:3]):
        parent = make_comment(article, text=f"Comment {n}", email=f"c{n}@example.net")
        make_comment(article, text=f"Reply {n}", parent=parent, ip="2001:db8::1")
    media = media_files(Path(settings.MEDIA_ROOT))
    assert media, "the newsroom's images should be on disk"

    call_command("backup", into=str(tmp_path / "backups"))
    folder = Path(capsys.readouterr().out.strip())
    assert (folder / "database.dump").stat().st_size > 0 and (folder / "media.tar.gz").is_file()
    # Password hashes and commenters' addresses: readable by the owner alone (it was 755 and 644).
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in [folder, *folder.iterdir()]}
    assert modes == {folder.name: 0o700, "database.dump": 0o600, "media.tar.gz": 0o600}

    restored_media = tmp_path / "restored-media"
    restore(source=folder, database=new_database, media_root=restored_media)

    counts, checksums = tables_and_checksums(conninfo(connection.settings_dict))
    restored_counts, restored_checksums = tables_and_checksums(conninfo(new_database))
    assert restored_counts == counts
    assert counts["articles_article"] >= 6 and sum(counts.values()) > 50
    assert any("comment" in t and n >= 6 for t, n in counts.items())
    assert restored_checksums == checksums and len(checksums) >= 4
    assert media_files(restored_media) == media


def test_restoring_over_a_database_replaces_what_is_there(tmp_path, new_database):
    build_newsroom(2, images=False)
    folder = tmp_path / "b"
    call_command("backup", into=str(folder))
    backup_folder = next(folder.iterdir())
    restore(source=backup_folder, database=new_database, media_root=tmp_path / "m")
    with psycopg.connect(conninfo(new_database)) as db:
        db.execute("DELETE FROM articles_articleredirect")
        db.execute("UPDATE articles_section SET description = 'Changed'")
    restore(source=backup_folder, database=new_database, media_root=tmp_path / "m")
    assert tables_and_checksums(conninfo(new_database)) == tables_and_checksums(
        conninfo(connection.settings_dict)
    )


def test_after_a_restore_no_page_kept_from_before_is_served(tmp_path, new_database, settings, client):
    """A restore made to undo a publication: the story's cached page must not outlive it."""
    from django.core.cache import cache

    from articles.models import Article

    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    story = build_newsroom(1, images=False)["articles"][0]
    folder = tmp_path / "b"
    call_command("backup", into=str(folder))
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    # Published by mistake after the backup, then kept by the cache (here in the same database: the
    # restore below goes into another one, and the cache is what it must clear).
    Article.objects.filter(pk=story.pk).update(headline="Published by mistake")

    restore(source=next(folder.iterdir()), database=new_database, media_root=tmp_path / "m")

    again = client.get("/")
    assert again["X-Page-Cache"] == "miss" and "Published by mistake" in again.content.decode()
    cache.clear()


def test_a_backup_of_sqlite_is_refused_with_a_message_and_writes_no_folder(tmp_path):
    with pytest.raises(BackupError, match="Backups need PostgreSQL"):
        backup(
            into=tmp_path / "backups", database={"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
        )
    assert not (tmp_path / "backups").exists()


def test_a_failed_dump_leaves_no_folder_that_looks_like_a_backup(tmp_path):
    missing = {**connection.settings_dict, "NAME": "no_such_database_for_a_backup"}
    with pytest.raises(BackupError, match="pg_dump failed"):
        backup(into=tmp_path / "backups", database=missing, media_root=tmp_path / "media")
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_restore_with_no_one_to_answer_restores_nothing_and_says_how_to(tmp_path):
    """Run from a script or cron, the question met the end of its input: a traceback (EOFError), now a
    refusal naming --yes. Nothing is read from the folder, so an empty one will do."""
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "restore", str(tmp_path)],
        cwd=Path(__file__).resolve().parents[2], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith(
        "CommandError: Nothing restored: there was no one to answer the question. Run it with --yes "
        "(make restore BACKUP=... RESTORE_ARGS=--yes) to restore without asking."
    )

"""Backups that can be restored: the PostgreSQL database as a pg_dump custom-format archive, and MEDIA_ROOT
as a tarball, side by side in one folder (`make backup`, `make restore`; README "Backups").

The connection goes to pg_dump/pg_restore through the PG* environment variables, so a password never shows
in the process list; subprocess runs only those two tools, with argument lists and no shell (hence the nosec).
"""

import os
import shutil
import subprocess  # nosec B404
import tarfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"


class BackupError(RuntimeError):
    pass


def _pg_env(database: dict) -> dict:
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Backups need PostgreSQL (DATABASE_URL=postgresql://...); this site runs on SQLite."
        )
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[name] = str(database[key])
    env["PGDATABASE"] = database["NAME"]
    return env


def _run(args: list[str], env: dict) -> None:
    tool = shutil.which(args[0])
    if not tool:
        raise BackupError(f"{args[0]} is not installed (apt-get install postgresql-client).")
    result = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def backup(*, into: Path, database: dict | None = None, media_root: Path | None = None) -> Path:
    """Write <into>/<UTC timestamp>/ with the database archive and the media tarball; return that folder."""
    database = database or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    env = _pg_env(database)  # refuses a database it cannot dump before anything is written
    folder = Path(into) / timezone.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    # The dump holds password hashes, commenters' addresses and tokens: for the owner alone, the folder from
    # before anything is written in it, and each file as well, wherever it is copied to.
    folder.chmod(0o700)
    try:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / DUMP_NAME}"],
             env)  # fmt: skip
        with tarfile.open(folder / MEDIA_NAME, "w:gz") as archive:
            if media_root.is_dir():
                archive.add(media_root, arcname="media")
        for written in (DUMP_NAME, MEDIA_NAME):
            (folder / written).chmod(0o600)
    except BaseException:
        # A folder that looks like a backup and is not one would be found on the day it is needed.
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def restore(*, source: Path, database: dict | None = None, media_root: Path | None = None) -> None:
    """Replace the database's contents and MEDIA_ROOT's files with those of a backup folder."""
    database = database or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    source = Path(source)
    if not (source / DUMP_NAME).is_file():
        raise BackupError(f"{source} holds no {DUMP_NAME}: not a backup folder.")
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
          f"--dbname={database['NAME']}", str(source / DUMP_NAME)], _pg_env(database))  # fmt: skip
    if (source / MEDIA_NAME).is_file():
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / MEDIA_NAME, "r:gz") as archive:
            for member in archive.getmembers():
                if member.name == "media" or not member.name.startswith("media/"):
                    continue
                member.name = member.name.removeprefix("media/")
                # The "data" filter refuses absolute paths, links out of the folder and device files.
                archive.extract(member, media_root, filter="data")
    forget_what_the_caches_kept()


def forget_what_the_caches_kept() -> None:
    """Every page, fragment and navigation the cache kept showed the rows the restore replaced: without
    this, a restore made to undo a publication went on serving the story until the entries expired."""
    from articles.navigation import forget_browse_by
    from newsroom.page_cache import RECOVERY_DEP, bump

    bump(RECOVERY_DEP)
    forget_browse_by()

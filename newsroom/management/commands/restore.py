"""`manage.py restore FOLDER`: put a backup's database and media back (it replaces what is there)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the uploaded media from a folder written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup folder, e.g. backups/20260101-030000")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the data")

    def handle(self, *args, folder, yes, **options):
        if not yes:
            try:
                answer = input(f"Replace this site's database and media with {folder}? [y/N] ")
            except EOFError:  # no terminal to ask (a script, cron): never a yes
                raise CommandError(
                    "Nothing restored: there was no one to answer the question. Run it with --yes "
                    "(make restore BACKUP=... RESTORE_ARGS=--yes) to restore without asking."
                ) from None
            if answer.strip().lower() != "y":
                raise CommandError("Nothing restored.")
        try:
            restore(source=Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {folder}")

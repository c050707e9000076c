"""`manage.py backup [--into DIR]`: the database (pg_dump -Fc) and MEDIA_ROOT (tar.gz) in DIR/<timestamp>/."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded media into a new timestamped folder."

    def add_arguments(self, parser):
        parser.add_argument("--into", default=settings.BACKUP_DIR, help="folder for backups (BACKUP_DIR)")

    def handle(self, *args, into, **options):
        try:
            folder = backup(into=Path(into))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(folder))

"""`manage.py ensure_demo_logins`: the demo's logins (editor, reporter, moderator, administrator), printed.

Passwords are random the first time and remembered in a git-ignored file in the project folder, so
every `make run` prints the same ones. If a stored password no longer works (someone changed it in the
admin), a new one is set, remembered and printed.
"""

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles import demo_data
from authors.models import Author

DEFAULT_LOGINS_FILE = settings.BASE_DIR / ".demo-logins.json"
# username: (role group, first name, last name, slug of the demo author the login writes as). The
# administrator has no role: a superuser, for what no role reaches (Users, Tokens, Redirects, Outgoing
# mails, commenters' addresses, /health/status/). Not "admin", the name many give their own superuser,
# whose password this command would otherwise replace.
DEMO_LOGINS = {
    "editor": ("Editor", "Erin", "Desk", None),
    "reporter": ("Reporter", "Marta", "Quillon", "marta-quillon"),
    "moderator": ("Moderator", "Moe", "Derator", None),
    "administrator": (None, "Ada", "Minister", None),
}


class Command(BaseCommand):
    help = (
        "Make sure the demo logins (editor, reporter, moderator, administrator) exist and print their "
        "passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-file",
            type=Path,
            default=DEFAULT_LOGINS_FILE,
            help=f"Where the passwords are remembered (default: {DEFAULT_LOGINS_FILE}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Make them in a database that holds other articles and none of the demo's (refused "
            "otherwise: logins with known passwords have no place in a newsroom's own).",
        )

    def handle(self, *args, logins_file: Path, force=False, **options):
        if not force:
            demo_data.refuse_a_real_newsroom("ensure_demo_logins")
        remembered = _read(logins_file)
        with transaction.atomic():
            for username, (role, first_name, last_name, author_slug) in DEMO_LOGINS.items():
                remembered[username] = self._ensure(
                    username, role, first_name, last_name, author_slug, remembered.get(username)
                )
        _write(logins_file, remembered)
        self.stdout.write(f"Demo logins for the admin ({settings.SITE_URL}/admin/):")
        width = max(map(len, DEMO_LOGINS))
        for username in DEMO_LOGINS:
            self.stdout.write(f"  {username:<{width}} password: {remembered[username]}")

    def _ensure(self, username, role, first_name, last_name, author_slug, password):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@newsroom.invalid",
            },
        )
        changed = created
        if not user.is_staff or not user.is_active:
            user.is_staff = user.is_active = True
            changed = True
        if role is None and not user.is_superuser:
            user.is_superuser = changed = True
        if not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            changed = True
        if changed:
            user.save()
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        if author_slug and not Author.objects.filter(user=user).exists():
            # The reporter writes as one of the demo authors, so their drafts are theirs to edit.
            Author.objects.filter(slug=author_slug, user__isnull=True).update(user=user)
        return password


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _write(path: Path, logins: dict):
    path.write_text(json.dumps(logins, indent=2) + "\n")
    path.chmod(0o600)

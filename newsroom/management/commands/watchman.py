"""`manage.py watchman`: django-watchman's checks (settings.WATCHMAN_CHECKS), a line for each service.

watchman's own command printed nothing when all was well and, for a failed service, a traceback followed by
the same traceback again inside a one-line JSON: a hundred lines for "the broker refused the connection".
Ours takes its place (the `newsroom` app comes before `watchman` in INSTALLED_APPS) and says, for a person or
a cron job, which service answers and which does not, exiting 1 if one does not.
"""

from django.conf import settings
from django.core.management.base import CommandError
from watchman.management.commands.watchman import Command as WatchmanCommand
from watchman.utils import get_checks

from newsroom.health import statuses


class Command(WatchmanCommand):
    help = "Check the database, the cache and the broker: a line for each, exit status 1 if one fails."

    def handle(self, *args, **options):
        checks = options["checks"].split(",") if options["checks"] else None
        skips = options["skips"].split(",") if options["skips"] else None
        # watchman skips a name it does not know: a check misspelt after -c went unchecked, and "ok" when it
        # was the only one, a cron job told all was well of a service nobody asked.
        known = ", ".join(settings.WATCHMAN_CHECKS)
        if unknown := [
            name for name in (checks or []) + (skips or []) if name not in settings.WATCHMAN_CHECKS
        ]:
            raise CommandError(f"No such check: {', '.join(unknown)} (WATCHMAN_CHECKS: {known}).")
        chosen = list(get_checks(checks, skips))
        if not chosen:
            raise CommandError(f"No check left to run: every one is skipped (WATCHMAN_CHECKS: {known}).")
        found = sorted(item for check in chosen for item in statuses(check()))
        for name, status in found:
            if status["ok"]:
                self.stdout.write(f"{name}: ok")
            else:
                self.stdout.write(f"{name}: FAILED ({status['error'] or 'no reason given'})")
        if failed := [name for name, status in found if not status["ok"]]:
            raise CommandError(f"Not answering: {', '.join(failed)}.")

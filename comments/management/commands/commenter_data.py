"""Staff tools for a commenter's data: `commenter_data export EMAIL` prints JSON; `erase EMAIL` anonymises."""

import json

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from comments import services


class Command(BaseCommand):
    help = "Export (JSON) or erase the comment data of the commenter with this email address."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument(
            "--remove-texts", action="store_true", help="Erase: also replace the comment texts."
        )

    def handle(self, *args, action, email, remove_texts, **options):
        if action == "export":
            data = services.export_commenter_data(email=email)
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        count = services.erase_commenter_data(email=email, remove_texts=remove_texts)
        self.stdout.write(f"Erased the personal data of {count} comment{pluralize(count)}.")

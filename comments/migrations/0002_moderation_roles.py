"""Moderators and editors work the comment queue. The personal-data permission goes to no role: superusers
have it, and an administrator grants it to named people only (see README, "Comment privacy")."""

from django.db import migrations

from newsroom import roles

GRANTS = {
    "Moderator": {"newsroom_comments": ["view_readercomment", "change_readercomment"]},
    "Editor": {
        "newsroom_comments": ["view_readercomment", "change_readercomment"],
        "django_comments": ["can_moderate"],
    },
}


def grant(apps, schema_editor):
    roles.grant(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom_comments", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

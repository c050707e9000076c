"""Editors see and act on shares (retry, share again); reporters see them."""

from django.db import migrations

from newsroom import roles

GRANTS = {
    "Editor": {"sharing": ["view_sharerecord", "change_sharerecord"]},
    "Reporter": {"sharing": ["view_sharerecord"]},
}


def grant(apps, schema_editor):
    roles.grant(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0001_initial"),
        ("articles", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

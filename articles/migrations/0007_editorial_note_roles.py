"""Editors manage editorial notes; reporters read and add them (to articles they may edit)."""

from django.db import migrations

from newsroom import roles

GRANTS = {
    "Editor": {
        "articles": ["add_editorialnote", "change_editorialnote", "delete_editorialnote", "view_editorialnote"]
    },
    "Reporter": {"articles": ["add_editorialnote", "change_editorialnote", "view_editorialnote"]},
}


def grant(apps, schema_editor):
    roles.grant(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_version_editorial_notes"), ("articles", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]

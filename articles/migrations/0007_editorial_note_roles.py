"""Editors manage editorial notes; reporters read and add them (to articles they may edit)."""

from django.db import migrations

GRANTS = {
    "Editor": ["add_editorialnote", "change_editorialnote", "delete_editorialnote", "view_editorialnote"],
    "Reporter": ["add_editorialnote", "change_editorialnote", "view_editorialnote"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_version_editorial_notes"), ("articles", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

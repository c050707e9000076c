"""Moderators and editors work the comment queue. The personal-data permission goes to no role: superusers
have it, and an administrator grants it to named people only (see README, "Comment privacy")."""

from django.db import migrations

GRANTS = {
    "Moderator": {"newsroom_comments": ["view_readercomment", "change_readercomment"]},
    "Editor": {
        "newsroom_comments": ["view_readercomment", "change_readercomment"],
        "django_comments": ["can_moderate"],
    },
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in grants.items():
            permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Role {role}: unknown permissions {sorted(missing)}")
            group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            for app_label, codenames in grants.items():
                group.permissions.remove(
                    *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
                )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom_comments", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

"""Granting permissions to the newsroom's roles from data migrations, with the migration's historical apps.

A grants table maps a role to {app label: [permission codenames] or "*"}; an unknown codename stops the
migration, so a renamed permission cannot silently leave a role without it.
"""


def ensure_permissions(apps):
    """Permissions are normally created after all migrations have run; role migrations need them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module, which historical apps never have.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module


def _permissions(apps, app_label, codenames):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if codenames == "*":
        return permissions
    permissions = permissions.filter(codename__in=codenames)
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Unknown permissions in {app_label}: {sorted(missing)}")
    return permissions


def grant(apps, grants):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for role, by_app in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in by_app.items():
            group.permissions.add(*_permissions(apps, app_label, codenames))


def revoke(apps, grants):
    Group = apps.get_model("auth", "Group")
    for role, by_app in grants.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            for app_label, codenames in by_app.items():
                group.permissions.remove(*_permissions(apps, app_label, codenames))

"""The newsroom roles every install needs: Reporter, Editor and Moderator, as groups with permissions."""

from django.db import migrations

ROLES = {
    "Reporter": {
        "articles": [
            "add_article", "change_article", "view_article",
            "add_byline", "change_byline", "delete_byline", "view_byline",
            "add_relatedarticle", "change_relatedarticle", "delete_relatedarticle", "view_relatedarticle",
            "add_correction", "change_correction", "view_correction",
            "add_image", "change_image", "view_image",
            "add_tag", "view_tag", "view_section", "view_workflowevent",
        ],
        "authors": ["view_author"],
    },
    "Editor": {
        "articles": "*",
        "authors": "*",
    },
    "Moderator": {
        "django_comments": ["can_moderate", "change_comment", "view_comment", "delete_comment",
                            "view_commentflag", "change_commentflag", "delete_commentflag"],
        "django_comments_xtd": ["change_xtdcomment", "view_xtdcomment", "delete_xtdcomment",
                                "view_blacklisteddomain", "add_blacklisteddomain",
                                "change_blacklisteddomain", "delete_blacklisteddomain"],
    },
}  # fmt: skip


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in grants.items():
            permissions = Permission.objects.filter(content_type__app_label=app_label)
            if codenames != "*":
                permissions = permissions.filter(codename__in=codenames)
                missing = set(codenames) - set(permissions.values_list("codename", flat=True))
                if missing:
                    raise RuntimeError(f"Role {role}: unknown permissions {sorted(missing)}")
            group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

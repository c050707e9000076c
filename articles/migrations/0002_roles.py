"""The newsroom roles every install needs: Reporter, Editor and Moderator, as groups with permissions."""

from django.db import migrations

from newsroom import roles

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
    roles.grant(apps, ROLES)


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

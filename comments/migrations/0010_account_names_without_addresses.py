"""Names of comments posted from accounts, stored before posting took the address out of them
(comments.rendering.account_name): a username like `sam@localhost`, whose host has no dot, was published as
it was. Now as a new comment from that account would be: with every address in the name masked."""

from django.db import migrations


def drop_addresses_from_account_names(apps, schema_editor):
    from django.utils.text import Truncator

    from comments.rendering import ANY_HOST_EMAIL_RE, EMAIL_MASK

    Comment = apps.get_model("django_comments", "Comment")
    limit = Comment._meta.get_field("user_name").max_length
    rows = Comment.objects.exclude(user=None).values_list("pk", "user_name")
    for pk, name in rows.iterator():
        account_name = Truncator(ANY_HOST_EMAIL_RE.sub(EMAIL_MASK, name)).chars(limit)
        if account_name != name:
            Comment.objects.filter(pk=pk).update(user_name=account_name)


class Migration(migrations.Migration):
    dependencies = [
        ("django_comments", "0004_add_object_pk_is_removed_index"),
        ("newsroom_comments", "0009_mask_addresses_typed_as_names"),
    ]

    operations = [migrations.RunPython(drop_addresses_from_account_names, migrations.RunPython.noop)]

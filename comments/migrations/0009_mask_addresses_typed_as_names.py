"""Names that hold an email address, stored before posting masked them (comments.services.posting): masked
now, as readers always saw them, so that moderators and the rows kept after retention no longer hold it."""

from django.db import migrations


def mask_typed_addresses(apps, schema_editor):
    from django.utils.text import Truncator

    from comments.rendering import mask_emails

    Comment = apps.get_model("django_comments", "Comment")
    for comment in Comment.objects.filter(user_name__contains="@").only("pk", "user_name").iterator():
        masked = Truncator(mask_emails(comment.user_name)).chars(
            Comment._meta.get_field("user_name").max_length
        )
        if masked != comment.user_name:
            Comment.objects.filter(pk=comment.pk).update(user_name=masked)


class Migration(migrations.Migration):
    dependencies = [
        ("django_comments", "0004_add_object_pk_is_removed_index"),
        ("newsroom_comments", "0008_outbox_quotes"),
    ]

    operations = [migrations.RunPython(mask_typed_addresses, migrations.RunPython.noop)]

"""Names typed by readers who were not signed in, stored while only an account's name had every address in
it masked: an address at a host without a dot (`ann@localhost`) was kept, and shown to moderators. Now as a
new comment would store it (comments.rendering.masked_name); so too the names of comments still waiting
for their writer to confirm them, which confirming copies."""

from django.db import migrations
from django.db.models import Q

# What an address's at sign is written with (comments.rendering._AT: also `%2540`, `&amp;#64;`): rows with
# none of these are left unread.
AT_SIGNS = ("@", "%", "&", "\uff20", "\ufe6b")


def mask_undotted_addresses_in_typed_names(apps, schema_editor):
    from django.utils.text import Truncator

    from comments.rendering import ANY_HOST_EMAIL_RE, EMAIL_MASK

    with_an_at_sign = Q()
    for sign in AT_SIGNS:
        with_an_at_sign |= Q(user_name__contains=sign)
    for model, typed in (
        (apps.get_model("django_comments", "Comment"), Q(user=None)),
        (apps.get_model("newsroom_comments", "PendingComment"), Q()),
    ):
        limit = model._meta.get_field("user_name").max_length
        rows = model.objects.filter(with_an_at_sign, typed).values_list("pk", "user_name")
        for pk, name in rows.iterator():
            masked = Truncator(ANY_HOST_EMAIL_RE.sub(EMAIL_MASK, name)).chars(limit)
            if masked != name:
                model.objects.filter(pk=pk).update(user_name=masked)


class Migration(migrations.Migration):
    dependencies = [("newsroom_comments", "0012_moderation_was_held_for")]

    operations = [migrations.RunPython(mask_undotted_addresses_in_typed_names, migrations.RunPython.noop)]

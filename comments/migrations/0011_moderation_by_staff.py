"""Whether a comment came from a staff account, recorded when it is posted (comments.services.post_comment)
instead of read from the account's is_staff as it is now. Comments posted before are given the flag as it
is now: the best we know of what it was."""

from django.db import migrations, models


def mark_comments_from_staff_accounts(apps, schema_editor):
    XtdComment = apps.get_model("django_comments_xtd", "XtdComment")
    Moderation = apps.get_model("newsroom_comments", "Moderation")
    from_staff = XtdComment.objects.filter(user__is_staff=True)
    Moderation.objects.filter(comment__in=from_staff).update(by_staff=True)
    # A comment written other than through post_comment may have no row yet.
    Moderation.objects.bulk_create(
        Moderation(comment_id=pk, by_staff=True)
        for pk in from_staff.filter(moderation=None).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("django_comments_xtd", "0008_auto_20200920_2037"),
        ("newsroom_comments", "0010_account_names_without_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="moderation",
            name="by_staff",
            field=models.BooleanField(
                default=False,
                help_text='Posted from a staff account, as the account was then: the site marks it "Staff".',
            ),
        ),
        migrations.RunPython(mark_comments_from_staff_accounts, migrations.RunPython.noop),
    ]

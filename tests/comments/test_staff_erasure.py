"""Staff erase a commenter's personal data from the moderation queue, whatever retention has left of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.models import ReaderComment
from tests.factories import UserFactory

from .helpers import QUEUE, Client, make_comment

pytestmark = pytest.mark.django_db


def erase(user, *comments):
    client = Client()
    client.force_login(user)
    response = client.post(
        QUEUE + "?state=all",
        {"action": "erase_personal_data", "_selected_action": [c.pk for c in comments]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def personal_data(comment):
    comment.refresh_from_db()
    return (comment.user_name, comment.user_email, comment.user_url, comment.ip_address, comment.user_id)


def test_a_comment_whose_email_retention_blanked_is_erased_by_its_own_row(article, boss):
    long_ago = timezone.now() - timedelta(days=120)
    old = make_comment(article, name="Jane Q. Realname", email="jane@example.net", when=long_ago)
    namesake = make_comment(article, name="Jane Q. Realname", email="other.jane@example.net", when=long_ago)
    ReaderComment.objects.filter(pk=old.pk).update(user_url="https://jane-realname.example/")
    services.anonymise_expired_commenters()  # blanks email and IP only; name and website stay
    assert personal_data(old)[:3] == ("Jane Q. Realname", "", "https://jane-realname.example/")

    messages = erase(boss, old)

    assert personal_data(old) == ("Anonymous", "", "", None, None)
    assert old.comment == "Well reported."  # the thread stays readable
    assert personal_data(namesake)[0] == "Jane Q. Realname"  # a name is no proof of the same person
    assert messages == [
        "Erased: 1 comment (the selected ones and their writers' others by the same email or account) "
        "no longer show a name, email, website or IP."
    ]


def test_a_signed_in_commenters_comments_are_erased_by_their_account(article, boss, reader):
    long_ago = timezone.now() - timedelta(days=120)
    selected = make_comment(
        article, name="Rita Reader", email="reader@example.org", user=reader, when=long_ago
    )
    other = make_comment(article, name="Rita Reader", email="reader@example.org", user=reader, when=long_ago)
    somebody_else = make_comment(article, name="Someone", email="", user=UserFactory(username="else"))
    services.anonymise_expired_commenters()

    messages = erase(boss, selected)

    assert personal_data(selected) == ("Anonymous", "", "", None, None)
    assert personal_data(other) == ("Anonymous", "", "", None, None)
    assert personal_data(somebody_else)[0] == "Someone" and somebody_else.user_id is not None
    assert messages[0].startswith("Erased: 2 comments ")


def test_an_erased_staff_comment_loses_its_staff_mark_with_the_account(article, boss):
    """The mark is kept with the comment, not read from the account: beside "Anonymous" it would still say
    who wrote it."""
    reporter = UserFactory(username="marta", first_name="Marta", last_name="Quillon", is_staff=True)
    comment = make_comment(article, name="Marta Quillon", email=reporter.email, user=reporter)

    erase(boss, comment)

    assert personal_data(comment) == ("Anonymous", "", "", None, None)
    assert not ReaderComment.objects.with_staff_mark().get(pk=comment.pk).by_staff
    assert 'class="comment-staff"' not in Client().get(article.get_absolute_url()).content.decode()


def test_erasing_a_comment_with_nothing_left_to_erase_says_so(article, boss):
    comment = make_comment(article, name="Anonymous", email="", ip=None)

    assert erase(boss, comment) == [
        "Nothing to erase: the selected comments hold no name, email, website or IP any more."
    ]
    assert personal_data(comment) == ("Anonymous", "", "", None, None)


def test_an_address_typed_into_a_text_that_stays_is_masked_by_the_erasure(article, boss):
    """Readers saw it masked, but the row kept it, and moderators saw it whole in the queue."""
    typed = make_comment(
        article, email="ada@example.net", text="Write to me at ada.home@example.org or the desk@port.example."
    )
    plain = make_comment(article, email="ada@example.net", text="No address here.")

    messages = erase(boss, typed)

    typed.refresh_from_db()
    plain.refresh_from_db()
    assert typed.comment == "Write to me at [email hidden] or the [email hidden]."
    assert plain.comment == "No address here."
    assert personal_data(typed) == personal_data(plain) == ("Anonymous", "", "", None, None)
    assert messages[0].startswith("Erased: 2 comments")

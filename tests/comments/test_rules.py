"""Every moderation rule through the real form, CSRF enforced; refused posts save nothing."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_comments.forms import CommentSecurityForm
from rest_framework.test import APIClient

from comments.models import HoldRule, OutgoingMail, PendingComment, ReaderComment
from tests.factories import ArticleFactory

from .conftest import Commenter, form_fields
from .helpers import COMMITS, Client, make_comment

pytestmark = pytest.mark.django_db


def nothing_saved():
    return ReaderComment.objects.count() == 0 and PendingComment.objects.count() == 0 and not mail.outbox


@pytest.fixture
def logged_in(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    return Commenter(client)


# Closing ---------------------------------------------------------------------------------------------


def test_article_with_comments_disabled_shows_no_form_and_refuses_posts(commenter, client):
    open_article = ArticleFactory(published=True)
    fields = commenter.fields(open_article.get_absolute_url())
    closed = ArticleFactory(published=True, comments_enabled=False)
    page = client.get(closed.get_absolute_url()).content.decode()
    assert "Comments are closed on this article." in page and "Leave a Reply" not in page
    # A form taken from another page but aimed at the closed article is refused too.
    fields.update(object_pk=str(closed.pk), name="A", email="a@example.net", comment="Hi")
    response = commenter.client.post("/comments/post/", fields)
    assert response.status_code == 400  # the security hash is bound to the article
    assert nothing_saved()


def test_comments_close_after_the_configured_days(commenter, settings, client):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    old = ArticleFactory(published=True, published_at=timezone.now() - timedelta(days=40))
    assert "Leave a Reply" in client.get(old.get_absolute_url()).content.decode()
    fields = commenter.fields(old.get_absolute_url())
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    assert "closed" in client.get(old.get_absolute_url()).content.decode()
    fields.update(name="A", email="a@example.net", comment="Late to the party")
    response = commenter.client.post("/comments/post/", fields)
    assert response.status_code == 403
    assert b"30 days" in response.content
    assert nothing_saved()


def test_a_closed_story_offers_no_reply_and_a_late_post_gives_the_text_back(commenter, settings, client):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    story = ArticleFactory(published=True, published_at=timezone.now() - timedelta(days=40))
    earlier = make_comment(story, text="First!")
    assert f"/comments/reply/{earlier.pk}/" in client.get(story.get_absolute_url()).content.decode()
    fields = commenter.fields(story.get_absolute_url())
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30

    page = client.get(story.get_absolute_url()).content.decode()
    reply_page = client.get(f"/comments/reply/{earlier.pk}/")
    fields.update(
        name="A", email="a@example.net", comment="My long, careful answer.", reply_to=str(earlier.pk)
    )
    late = commenter.client.post("/comments/post/", fields)

    assert "/comments/reply/" not in page and "First!" in page
    assert reply_page.status_code == 403 and b"30 days" in reply_page.content
    assert b'name="comment"' not in reply_page.content
    assert late.status_code == 403
    html = late.content.decode()
    assert (
        "30 days" in html
        and 'id="kept-text" readonly' in html
        and "My long, careful answer.</textarea>" in html
    )
    assert ReaderComment.objects.count() == 1 and not PendingComment.objects.exists()


def test_a_reply_to_a_comment_removed_meanwhile_comes_back_to_send_on_its_own(commenter, article, client):
    answered = make_comment(article, text="Is the pier open?")
    fields = commenter.fields(article.get_absolute_url())
    ReaderComment.objects.filter(pk=answered.pk).update(is_removed=True)
    fields.update(name="A", email="a@example.net", comment="Yes, since Monday.", reply_to=str(answered.pk))

    refused = commenter.client.post("/comments/post/", fields)

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "not available. Your text is below, to send as a comment of its own." in html
    resend = form_fields(html)
    assert "Yes, since Monday.</textarea>" in html and resend.get("reply_to", "0") in ("", "0")
    resend.update(name="A", email="a@example.net", comment="Yes, since Monday.")
    sent = commenter.client.post("/comments/post/", resend, REMOTE_ADDR="203.0.113.9")
    assert sent.status_code == 303
    assert PendingComment.objects.get().comment == "Yes, since Monday."


def test_a_story_withdrawn_while_the_reader_writes_gives_the_text_back_without_naming_it(commenter, editor):
    from articles import services as articles

    story = ArticleFactory(published=True, headline="Harbour master resigns")
    fields = commenter.fields(story.get_absolute_url())
    articles.unpublish_article(article=story, by=editor)
    fields.update(name="A", email="a@example.net", comment="About time too.")

    refused = commenter.client.post("/comments/post/", fields)

    html = refused.content.decode()
    assert refused.status_code == 404
    assert "This story is no longer on the site, so your comment was not saved." in html
    assert "About time too.</textarea>" in html and "Harbour master resigns" not in html
    assert nothing_saved()


def test_an_old_story_published_again_stays_closed(settings, client):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    republished = ArticleFactory(
        published=True, published_at=timezone.now(), first_published_at=timezone.now() - timedelta(days=400)
    )
    page = client.get(republished.get_absolute_url()).content.decode()
    assert "Comments close 30 days after an article is published; this one is closed." in page
    assert "Leave a Reply" not in page


# Held -------------------------------------------------------------------------------------------------


def test_first_time_commenter_is_held_then_trusted_after_approval(logged_in, article, settings, reader):
    settings.COMMENTS_HOLD_FIRST_TIME = True
    response = logged_in.post(article.get_absolute_url(), email="reader@example.org", comment="First words")
    assert b"held for moderation" in response.content
    first = ReaderComment.objects.get()
    assert not first.is_public and first.moderation.held_reason == HoldRule.FIRST_TIME
    first.is_public = True
    first.submit_date -= timedelta(minutes=1)
    first.save()
    response = logged_in.post(article.get_absolute_url(), comment="Second words")
    assert b"Your comment is published" in response.content, response.content
    assert ReaderComment.objects.get(comment="Second words").is_public


def test_first_time_anonymous_commenter_is_held_after_confirming(commenter, article, settings, client):
    from .conftest import confirm, confirmation_link

    settings.COMMENTS_HOLD_FIRST_TIME = True
    commenter.post(article.get_absolute_url())
    response = confirm(client, confirmation_link(mail.outbox[0]))
    assert b"held for moderation" in response.content
    comment = ReaderComment.objects.get()
    assert not comment.is_public and comment.moderation.held_reason == HoldRule.FIRST_TIME


def test_a_look_alike_of_a_trusted_address_is_held_as_a_first_comment(commenter, article, settings, client):
    """On PostgreSQL `iexact` reads a dotless ı as an I: a stranger posting as grace@gmaıl.com (a domain of
    its own, anyone's to register) was taken for grace@gmail.com, approved before, and skipped the hold."""
    from .conftest import confirm, confirmation_link
    from .helpers import make_comment

    settings.COMMENTS_HOLD_FIRST_TIME, settings.COMMENTS_FLOOD_SECONDS = True, 0
    make_comment(article, email="grace@gmail.com", text="An approved one")

    commenter.post(article.get_absolute_url(), email="grace@gmaıl.com", comment="Pretending to be Grace")
    response = confirm(client, confirmation_link(mail.outbox[0]))

    assert b"held for moderation" in response.content
    held = ReaderComment.objects.get(comment="Pretending to be Grace")
    assert not held.is_public and held.moderation.held_reason == HoldRule.FIRST_TIME
    commenter.post(article.get_absolute_url(), email="GRACE@gmail.com", comment="Grace again", ip="192.0.2.9")
    assert b"Your comment is published" in confirm(client, confirmation_link(mail.outbox[1])).content


def test_two_links_hold_the_comment(logged_in, article):
    text = "See https://one.example/a and www.two.example/b"
    response = logged_in.post(article.get_absolute_url(), comment=text)
    assert b"held for moderation" in response.content
    assert ReaderComment.objects.get().moderation.held_reason == HoldRule.LINKS


def test_addresses_the_page_makes_links_of_count_as_links_written_in_full(logged_in, article, client):
    """The page links `quay-offers.net` as it links `https://quay-offers.net`: bare names held no comment."""
    text = "Great deals at harbour-deals.com and quay-offers.net, and also pier-shop.org/apply"
    response = logged_in.post(article.get_absolute_url(), comment=text)

    assert b"held for moderation" in response.content
    comment = ReaderComment.objects.get()
    assert not comment.is_public and comment.moderation.held_reason == HoldRule.LINKS
    assert "harbour-deals" not in client.get(article.get_absolute_url()).content.decode()


def test_one_link_is_published_with_nofollow_ugc(logged_in, article, client):
    logged_in.post(article.get_absolute_url(), comment="Source: https://example.com/report")
    comment = ReaderComment.objects.get()
    assert comment.is_public
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="https://example.com/report" rel="nofollow ugc">' in page


@pytest.mark.parametrize(
    "field,value",
    [("comment", "Try the Casino tonight"), ("name", "casino king"), ("url", "https://casino.example/")],
)
def test_moderation_words_in_any_field_hold_the_comment(logged_in, reader, article, field, value):
    if field == "name":  # signed in, the name is the account's, whatever the form sends
        reader.first_name = value
        reader.save()
    response = logged_in.post(article.get_absolute_url(), **{field: value})
    assert b"held for moderation" in response.content
    assert ReaderComment.objects.get().moderation.held_reason == HoldRule.WORDS


def test_moderation_words_in_the_email_hold_the_comment(commenter, article, client):
    from .conftest import confirm, confirmation_link

    commenter.post(article.get_absolute_url(), email="casino@example.net")
    confirm(client, confirmation_link(mail.outbox[0]))
    assert ReaderComment.objects.get().moderation.held_reason == HoldRule.WORDS


def test_staff_and_moderators_are_exempt_from_hold_and_flood(moderator, article, settings):
    settings.COMMENTS_HOLD_FIRST_TIME = True
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    staff = Commenter(client)
    for n in range(2):
        response = staff.post(
            article.get_absolute_url(), comment=f"Moderator note {n} https://a.example https://b.example"
        )
        assert b"Your comment is published" in response.content
    assert ReaderComment.objects.filter(is_public=True).count() == 2


# Refused -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,value", [("comment", "you BADWORD"), ("name", "badword"), ("email", "badword@example.net")]
)
def test_disallowed_words_are_refused_and_nothing_is_saved(commenter, article, field, value):
    response = commenter.post(article.get_absolute_url(), **{field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "please correct the field marked below" in html
    marked = re.search(rf'<span class="field-error" id="id_{field}_error" role="alert">([^<]*)</span>', html)
    assert marked and "words we do not publish" in marked.group(1)
    assert re.search(rf'<[^>]*name="{field}"[^>]*aria-invalid="true"', html)
    assert html.count('aria-invalid="true"') == 1  # that field only
    assert nothing_saved()


@pytest.mark.parametrize(
    "disguised",
    [
        "you bad\u200bword",  # a zero-width space inside it
        "you bad\u00adword",  # a soft hyphen
        "you ｂａｄｗｏｒｄ",  # full-width letters
        "you \u202edrowdab\u202c",  # written backwards, shown forwards by a right-to-left override
    ],
    ids=["zero-width space", "soft hyphen", "full-width", "right-to-left override"],
)
def test_a_disallowed_word_in_disguise_is_refused_or_shows_as_typed(commenter, article, disguised):
    response = commenter.post(article.get_absolute_url(), comment=disguised)
    if "\u202e" in disguised:  # the override is taken out: the word reads backwards, as it was typed
        assert response.status_code == 200  # followed to "check your email"
        assert PendingComment.objects.get().comment == "you drowdab"
    else:
        assert response.status_code == 400 and "words we do not publish" in response.content.decode()
        assert nothing_saved()


def test_a_name_cannot_be_turned_around_by_an_override(commenter, article):
    response = commenter.post(article.get_absolute_url(), name="\u202eRotalpmi\u200b", comment="Hello.")
    assert response.status_code == 200  # followed to "check your email"
    assert PendingComment.objects.get().user_name == "Rotalpmi"


def test_a_comment_of_invisible_characters_is_empty(commenter, article):
    response = commenter.post(article.get_absolute_url(), comment="\u200b\u202e\u00ad")
    assert response.status_code == 400 and "Write something before you post." in response.content.decode()
    assert nothing_saved()


BLANKS = {
    "zero-width joiners": "\u200d\u200d",
    "zero-width non-joiner": "\u200c",
    "Hangul filler": "\u3164\u3164",
    "Braille blank": "\u2800",
    "combining grapheme joiner": "\u034f",
    "variation selector": "\ufe0f",
    "control characters": "\x01\x7f",
}


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
def test_a_comment_or_name_of_characters_that_show_nothing_is_empty(commenter, article, blank):
    """The joiners are kept inside a comment (they shape emoji), and a filler counts as a letter: a comment
    or a name of them alone was posted, and shown as an empty comment or a name with nothing in it."""
    response = commenter.post(article.get_absolute_url(), comment=f" {blank} ")
    assert response.status_code == 400 and "Write something before you post." in response.content.decode()
    response = commenter.post(article.get_absolute_url(), name=blank)
    assert response.status_code == 400
    assert "Tell us the name to show with your comment." in response.content.decode()
    assert nothing_saved()

    api = APIClient().post(
        f"/api/v1/articles/{article.pk}/comments/",
        {"name": "Ada", "email": "ada@example.net", "comment": blank},
        format="json",
    )
    assert api.status_code == 400 and api.json()["errors"]["comment"] == ["Write something before you post."]
    assert nothing_saved()

    kept = commenter.post(article.get_absolute_url(), comment="Well done \U0001f469\u200d\U0001f692\ufe0f")
    assert kept.status_code == 200  # followed to "check your email": a joiner inside text stays
    assert PendingComment.objects.get().comment == "Well done \U0001f469\u200d\U0001f692\ufe0f"


@pytest.mark.parametrize("email", ["someone@spam.example", "Someone@Mail.SPAM.example"])
def test_an_address_at_a_blocked_domain_is_refused_and_nothing_is_saved(commenter, article, email):
    """Moderators block a domain under "Blacklisted domains"; it and the domains below it are refused."""
    from django_comments_xtd.models import BlackListedDomain

    BlackListedDomain.objects.create(domain="spam.example")
    response = commenter.post(article.get_absolute_url(), email=email, comment="Cheap ferry tickets")
    assert response.status_code == 400
    html = response.content.decode()
    marked = re.search(r'<span class="field-error" id="id_email_error" role="alert">([^<]*)</span>', html)
    assert marked and "We do not accept comments from email addresses at this domain." in marked.group(1)
    assert re.search(r'<input type="email" name="email" value="[^"]*"[^>]*aria-invalid="true"', html)
    assert "Cheap ferry tickets</textarea>" in html  # the form, to use another address
    assert nothing_saved()

    other = commenter.post(article.get_absolute_url(), follow=False, email="someone@notspam.example")
    assert other.status_code == 303
    assert PendingComment.objects.get().user_email == "someone@notspam.example"


def test_filled_honeypot_is_refused(commenter, article):
    response = commenter.post(article.get_absolute_url(), honeypot="http://spam.example")
    assert response.status_code == 400
    assert b"looked automated" in response.content
    assert nothing_saved()


def test_forged_security_hash_is_refused_and_the_text_is_kept(commenter, article):
    response = commenter.post(article.get_absolute_url(), security_hash="0" * 40, comment="My careful reply")
    assert response.status_code == 400
    assert b"send it again" in response.content
    assert b"My careful reply" in response.content
    assert nothing_saved()


def test_expired_timestamp_is_refused(commenter, article):
    old = str(int(time.time()) - 3 * 3600)
    form = CommentSecurityForm(article)
    security_hash = form.generate_security_hash("articles.article", str(article.pk), old)
    response = commenter.post(article.get_absolute_url(), timestamp=old, security_hash=security_hash)
    assert response.status_code == 400
    assert nothing_saved()


def test_missing_csrf_token_is_refused(commenter, article):
    response = commenter.post(article.get_absolute_url(), csrfmiddlewaretoken=None)
    assert response.status_code == 403
    assert nothing_saved()


def test_flood_from_the_same_ip_is_refused_with_429(commenter, article):
    commenter.post(article.get_absolute_url(), email="one@example.net", comment="First")
    mail.outbox.clear()
    response = commenter.post(article.get_absolute_url(), email="two@example.net", comment="Second")
    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert b"too quickly" in response.content and b"Second" in response.content
    assert PendingComment.objects.count() == 1 and not mail.outbox


def test_flood_from_the_same_email_is_refused_with_429(logged_in, article):
    logged_in.post(article.get_absolute_url(), comment="First", ip="192.0.2.1")
    response = logged_in.post(article.get_absolute_url(), comment="Second", ip="192.0.2.2")
    assert response.status_code == 429
    assert ReaderComment.objects.count() == 1


@COMMITS
def test_a_stranger_cannot_learn_whether_an_address_wrote_a_comment(commenter, article):
    """A published comment's words are public; posting them with a guessed address, from anywhere, gets
    the answer any new comment gets. Nothing is saved for the right guess, and its owner gets no mail."""
    words = "The gates held in 2013 with a higher surge."
    make_comment(article, email="ines@example.net", text=words, when=timezone.now() - timedelta(minutes=5))
    answers = {}
    for n, guess in enumerate(["guess@example.org", "ines@example.net", "INES@example.net"]):
        response = commenter.post(article.get_absolute_url(), email=guess, comment=words, ip=f"192.0.2.{n}")
        answers[guess] = (response.status_code, b"Check your email to confirm" in response.content)
    assert set(answers.values()) == {(200, True)}
    assert [m.to for m in mail.outbox] == [["guess@example.org"]]
    assert list(PendingComment.objects.values_list("user_email", flat=True)) == ["guess@example.org"]

    api_client = APIClient()
    for n, guess in enumerate(["other@example.org", "ines@example.net"]):
        response = api_client.post(
            f"/api/v1/articles/{article.pk}/comments/",
            {"name": "X", "email": guess, "comment": words},
            format="json",
            REMOTE_ADDR=f"198.51.100.{n}",
        )
        assert (response.status_code, response.json()["status"]) == (202, "confirm")
    assert sorted(m.to[0] for m in mail.outbox) == ["guess@example.org", "other@example.org"]
    assert ReaderComment.objects.count() == 1


def test_an_address_used_a_moment_ago_elsewhere_gets_the_usual_answer_and_no_second_mail(commenter, article):
    commenter.post(article.get_absolute_url(), email="ines@example.net", comment="First", ip="192.0.2.1")
    response = commenter.post(
        article.get_absolute_url(), email="ines@example.net", comment="Second", ip="192.0.2.2"
    )
    assert response.status_code == 200 and b"Check your email to confirm" in response.content
    assert list(PendingComment.objects.values_list("comment", flat=True)) == ["First"]
    assert len(mail.outbox) == 1


def test_after_the_flood_window_a_new_comment_is_accepted(logged_in, article):
    logged_in.post(article.get_absolute_url(), comment="First")
    ReaderComment.objects.update(submit_date=timezone.now() - timedelta(seconds=16))
    response = logged_in.post(article.get_absolute_url(), comment="Second")
    assert b"Your comment is published" in response.content


def test_exact_duplicate_by_the_same_person_is_refused_with_409(logged_in, article, reader):
    make_comment(
        article, email=reader.email, text="Same  words\nagain", when=timezone.now() - timedelta(minutes=5)
    )
    response = logged_in.post(article.get_absolute_url(), comment="Same words again")
    assert response.status_code == 409
    assert b"You have already said that." in response.content
    assert ReaderComment.objects.count() == 1


def test_posting_an_unconfirmed_comment_again_sends_its_link_again_three_mails_at_most(
    commenter, article, client
):
    from .conftest import confirm, confirmation_link

    def post_again():
        OutgoingMail.objects.update(created_at=timezone.now() - timedelta(minutes=1))
        PendingComment.objects.update(submit_date=timezone.now() - timedelta(minutes=1))
        response = commenter.post(article.get_absolute_url(), comment="Pending  words")
        assert response.status_code == 200 and b"Check your email to confirm" in response.content
        return len(mail.outbox)

    commenter.post(article.get_absolute_url(), comment="Pending words")
    assert post_again() == 2  # the mail was lost: the same link goes out again
    assert [m.to for m in mail.outbox] == [["ada@example.net"], ["ada@example.net"]]
    assert commenter.post(article.get_absolute_url(), comment="Pending words").status_code == 200
    assert len(mail.outbox) == 2  # not twice within the flood window
    assert post_again() == 3
    assert post_again() == 3  # three mails in all, however often it is posted
    assert PendingComment.objects.count() == 1

    assert b"Your comment is published" in confirm(client, confirmation_link(mail.outbox[1])).content
    assert ReaderComment.objects.get().comment == "Pending words"
    ReaderComment.objects.update(submit_date=timezone.now() - timedelta(minutes=1))
    response = commenter.post(article.get_absolute_url(), comment="Pending words")
    # Published now: saying it again saves and mails nothing, but the answer is the one anyone gets, so it
    # does not tell a stranger who typed this address that its owner wrote these words.
    assert response.status_code == 200 and b"Check your email to confirm" in response.content
    assert len(mail.outbox) == 3 and PendingComment.objects.count() == 1
    assert ReaderComment.objects.count() == 1


def test_the_same_words_posted_again_with_other_choices_post_with_the_choices_sent_last(
    commenter, article, client
):
    """The second post ticked "email me replies" and answered a comment; the link sent again posted the
    first post's choices, and the reader never heard of the replies they asked for."""
    from .conftest import confirm, confirmation_link

    answered = make_comment(article, name="Tomas", email="tomas@example.net", text="The gates were late.")
    commenter.post(article.get_absolute_url(), comment="They were not.")
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    PendingComment.objects.update(submit_date=timezone.now() - timedelta(minutes=1))
    commenter.post(article.get_absolute_url(), comment="They were not.", followup="on", reply_to=answered.pk)

    assert PendingComment.objects.count() == 1 and len(mail.outbox) == 2
    assert b"Your comment is published" in confirm(client, confirmation_link(mail.outbox[0])).content
    posted = ReaderComment.objects.get(comment="They were not.")
    assert (posted.parent_id, posted.followup) == (answered.pk, True)


def test_same_words_by_someone_else_are_fine(logged_in, article):
    make_comment(
        article, email="other@example.net", text="Agreed.", when=timezone.now() - timedelta(minutes=5)
    )
    response = logged_in.post(article.get_absolute_url(), comment="Agreed.")
    assert b"Your comment is published" in response.content


def test_over_long_text_is_refused_not_truncated(commenter, article, settings):
    settings.COMMENT_MAX_LENGTH = 100
    response = commenter.post(article.get_absolute_url(), comment="x" * 101)
    assert response.status_code == 400
    assert b"at most 100 characters (it has 101)" in response.content
    assert b"x" * 101 in response.content  # the text comes back whole
    assert nothing_saved()


def test_a_line_break_counts_as_one_character_as_the_reader_counts_it(commenter, article, settings):
    # A browser sends each line break of the text box as two characters (CR LF): a comment of 100
    # characters, paragraphs and all, was refused as one of 104.
    settings.COMMENT_MAX_LENGTH = 100
    text = "\r\n\r\n".join(["x" * 32] * 3)  # 96 letters and 4 line breaks
    response = commenter.post(article.get_absolute_url(), comment=text)
    assert response.status_code == 200
    assert b"Check your email to confirm your comment" in response.content
    assert PendingComment.objects.get().comment == "\n\n".join(["x" * 32] * 3)

    response = commenter.post(article.get_absolute_url(), comment=text + "\r\nx", ip="203.0.113.11")
    assert response.status_code == 400
    assert b"at most 100 characters (it has 102)" in response.content


def test_over_long_name_is_refused(commenter, article):
    response = commenter.post(article.get_absolute_url(), name="N" * 51)
    assert response.status_code == 400
    assert b"at most 50 characters" in response.content
    assert nothing_saved()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("email", "not-an-email", b"Enter a valid email address"),
        ("email", "", b"This field is required"),
        ("name", "", b"This field is required"),
        ("comment", "", b"This field is required"),
        ("url", "javascript:alert(1)", b"Enter a valid web address"),
        ("url", "http://exa mple.com", b"Enter a valid web address"),
    ],
)
def test_malformed_fields_get_clear_errors(commenter, article, field, value, message):
    response = commenter.post(article.get_absolute_url(), **{field: value})
    assert response.status_code == 400
    assert message in response.content
    assert nothing_saved()


def test_website_is_optional(logged_in, article):
    response = logged_in.post(article.get_absolute_url(), url="")
    assert b"Your comment is published" in response.content


def test_comment_on_unpublished_article_is_refused(commenter, article):
    fields = commenter.fields(article.get_absolute_url())
    draft = ArticleFactory()
    fields.update(object_pk=str(draft.pk), name="A", email="a@example.net", comment="Hi")
    assert commenter.client.post("/comments/post/", fields).status_code == 404
    assert nothing_saved()


XSS = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


def test_xss_through_the_form_is_inert_on_the_page_the_error_page_and_the_admin(
    logged_in, reader, article, client
):
    reader.first_name = XSS[:50]  # signed in, the name is the account's (the email too: see the test below)
    reader.save()
    errors = logged_in.post(article.get_absolute_url(), name=XSS[:50], email=XSS, url=XSS, comment=XSS)
    assert errors.status_code == 400
    html = errors.content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "Enter a valid web address" in html

    response = logged_in.post(article.get_absolute_url(), name=XSS[:50], url="", comment=XSS)
    assert b"Your comment is published" in response.content
    page = client.get(article.get_absolute_url()).content.decode()
    comments = page[page.index('id="comments"') :]
    assert "<script>alert(1)" not in comments and "<img src=x" not in comments
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in comments


def test_xss_in_the_email_field_of_an_anonymous_post_is_refused_and_escaped(commenter, article):
    response = commenter.post(article.get_absolute_url(), email=XSS)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address" in html and "<script>alert(1)" not in html
    assert nothing_saved()


def test_flood_rule_sees_the_reader_behind_our_proxy(settings, rf):
    from comments.views import client_ip

    settings.NUM_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"  # the address our proxy saw, not the one the client claims
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"


def test_logged_in_reader_without_an_email_confirms_like_anyone(article):
    from tests.factories import UserFactory

    user = UserFactory(username="noemail", email="")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = Commenter(client).post(article.get_absolute_url(), email="claimed@example.net")
    assert b"Check your email to confirm" in response.content
    assert ReaderComment.objects.count() == 0 and mail.outbox[0].to == ["claimed@example.net"]


@COMMITS
def test_a_double_click_saves_one_comment(article):
    """Two identical posts at the same moment: one pending comment and one mail; the second post is told
    to check its email like the first, about that same comment."""
    import threading

    from django.db import connections

    from comments import services
    from comments.moderation import Refused

    barrier = threading.Barrier(2)
    outcomes = []

    def post():
        try:
            barrier.wait()
            outcome = services.post_comment(
                article=article, user=None, name="A", email="same@example.net", text="Same", ip="192.0.2.9"
            )
            outcomes.append((outcome.status, outcome.pending.pk))
        except Refused as refusal:
            outcomes.append(refusal.status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pending = PendingComment.objects.get()
    assert outcomes == [(services.CONFIRM, pending.pk)] * 2
    assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CONFIRMATION).count() == 1

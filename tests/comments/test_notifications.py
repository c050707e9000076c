"""Reply mail to followers who asked, one message per recipient, one-click unsubscribe; author opt-in."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from comments.models import AuthorNotificationSetting, OutgoingMail, ReaderComment
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

from .conftest import Commenter, confirm, confirmation_link
from .helpers import COMMITS, Client, make_comment

pytestmark = pytest.mark.django_db


def earlier():
    return timezone.now() - timedelta(hours=1)


def test_reply_notifies_each_follower_once_and_nobody_else(article, client):
    root = make_comment(article, name="Root", email="root@example.net", followup=True, when=earlier())
    make_comment(article, name="Fan", email="fan@example.net", followup=True, parent=root, when=earlier())
    make_comment(
        article, name="Fan again", email="FAN@example.net", followup=True, parent=root, when=earlier()
    )
    make_comment(
        article, name="Quiet", email="quiet@example.net", followup=False, parent=root, when=earlier()
    )
    other_thread = make_comment(article, name="Else", email="else@example.net", followup=True, when=earlier())
    assert other_thread

    Commenter(Client(enforce_csrf_checks=True)).post(
        f"/comments/reply/{root.pk}/",
        name="Newcomer",
        email="new@example.net",
        comment="My reply. Write to me: carol@example.org",
    )
    link = confirmation_link_from_db()
    mail.outbox.clear()
    confirm(client, link)

    recipients = sorted(m.to[0].lower() for m in mail.outbox)
    assert recipients == ["fan@example.net", "root@example.net"]
    everyone = ["root@", "fan@", "quiet@", "else@", "new@"]
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        text = message.body + message.subject
        others = [a for a in everyone if a != message.to[0].lower().split("@")[0] + "@"]
        assert not any(address in text.lower() for address in others), text
        assert "My reply. Write to me: [email hidden]" in message.body  # as the site shows it
        assert "carol@" not in message.body
        assert "/comments/unsubscribe/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(OutgoingMail.objects.values_list("to", "body")) == {("", "")}  # sent, then blanked


def test_reply_and_author_mail_quote_the_comment_as_written_not_with_its_angle_brackets_cut(reader):
    """The mails are plain text, where nothing is markup: they ran the comment through striptags, so a
    reader's "the gates say <closed until noon>" reached the thread's followers as "the gates say ", and
    "<b>sic</b>" as "sic", not as the page shows them."""
    author = UserFactory(username="wants", email="wants@example.org")
    article = ArticleFactory(published=True, authors=[AuthorFactory(user=author)])
    AuthorNotificationSetting.objects.create(user=author, notify_new_comments=True)
    root = make_comment(article, email="root@example.net", followup=True, when=earlier())
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    written = "The gates say <closed until noon> and the sign <b>sic</b> & nobody knows why."

    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment=written)

    assert sorted(m.to[0] for m in mail.outbox) == ["root@example.net", "wants@example.org"]
    for message in mail.outbox:
        assert written in message.body, message.body
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "The gates say &lt;closed until noon&gt; and the sign &lt;b&gt;sic&lt;/b&gt; &amp; nobody" in page


def confirmation_link_from_db():
    return confirmation_link(mail.outbox[0]) if mail.outbox else pytest.fail("no confirmation mail")


def test_one_click_unsubscribe_stops_reply_mail(article, client, reader):
    root = make_comment(article, email="root@example.net", followup=True, when=earlier())
    make_comment(article, email="root@example.net", followup=True, parent=root, when=earlier())
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment="first reply")
    assert [m.to for m in mail.outbox] == [["root@example.net"]]
    link = re.search(r"https?://[^/]+(/comments/unsubscribe/\S+/)", mail.outbox[0].body).group(1)
    response = client.post(link)  # the button on the page the link opens (test_outbox_rules.py)
    assert response.status_code == 200 and b"no more emails" in response.content
    assert not ReaderComment.objects.filter(user_email="root@example.net", followup=True).exists()
    mail.outbox.clear()
    ReaderComment.objects.update(submit_date=earlier())
    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment="second reply")
    assert mail.outbox == []
    assert client.post("/comments/unsubscribe/forged/").status_code == 404


def test_authors_who_opted_in_hear_of_new_comments(reader):
    wants = UserFactory(username="wants", email="wants@example.org")
    silent = UserFactory(username="silent", email="silent@example.org")
    article = ArticleFactory(
        published=True, authors=[AuthorFactory(user=wants), AuthorFactory(user=silent), AuthorFactory()]
    )
    AuthorNotificationSetting.objects.create(user=wants, notify_new_comments=True)
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    Commenter(poster).post(article.get_absolute_url(), comment="Nice piece")
    assert [m.to for m in mail.outbox] == [["wants@example.org"]]
    assert "Nice piece" in mail.outbox[0].body
    assert "reader@example.org" not in mail.outbox[0].body


def test_authors_choose_in_their_settings(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert client.head("/comments/notifications/").status_code == 200
    page = client.get("/comments/notifications/")
    assert not AuthorNotificationSetting.objects.exists()  # opening the page chooses nothing
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    client.post("/comments/notifications/", {"csrfmiddlewaretoken": token, "notify_new_comments": "on"})
    assert AuthorNotificationSetting.objects.get(user=reporter).notify_new_comments
    shown = BeautifulSoup(client.get("/comments/notifications/").content, "html.parser")
    assert shown.select_one("input[name=notify_new_comments]").has_attr("checked")
    client.post("/comments/notifications/", {"csrfmiddlewaretoken": token})
    assert not AuthorNotificationSetting.objects.get(user=reporter).notify_new_comments
    assert Client().get("/comments/notifications/").status_code == 302  # login required


def test_the_admin_leads_staff_to_their_comment_notifications(reporter):
    """The page was reachable only by typing its address."""
    client = Client()
    client.force_login(reporter)
    admin = BeautifulSoup(client.get("/admin/").content, "html.parser")
    link = admin.select_one("#user-tools a[href='/comments/notifications/']")
    assert link is not None and link.get_text(strip=True) == "Comment notifications"
    assert client.get(link["href"]).status_code == 200


@pytest.mark.parametrize(("role", "offered"), [("moderator", False), ("reporter", True), ("editor", True)])
def test_the_admin_offers_comment_notifications_to_those_who_write_stories(request, role, offered):
    """A moderator saw the link, and the page only told them that their account is not linked to an author:
    its mail is about comments on one's own stories (held comments reach moderators in the hourly digest)."""
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)

    admin = BeautifulSoup(client.get("/admin/").content, "html.parser")

    tools = admin.select_one("#user-tools")
    assert tools.select_one("form#logout-form, a[href='/admin/logout/']") is not None
    assert (tools.select_one("a[href='/comments/notifications/']") is not None) is offered
    assert ("Comment notifications" in tools.get_text()) is offered


@pytest.mark.parametrize(
    ("email", "linked", "told"),
    [
        ("rita@example.org", True, "The mail goes to rita@example.org."),
        (
            "",
            True,
            "Your account has no email address, so this mail cannot reach you: ask an administrator to add "
            "one to your account.",
        ),
        (
            "rita@example.org",
            False,
            "Your account is not linked to an author, so it has no articles to be told about: an editor "
            "links it under Authors (the author’s “User”).",
        ),
    ],
    ids=["ready", "no-email", "no-byline"],
)
def test_the_settings_page_says_where_the_mail_goes_or_why_none_can(reporter, email, linked, told):
    """The box was offered and "saved" alike to an account with no address, or no byline, for mail that the
    sender skips (it writes to the account's address about the linked author's stories)."""
    reporter.email = email
    reporter.save()
    if linked:
        AuthorFactory(user=reporter)
    client = Client()
    client.force_login(reporter)

    response = client.get("/comments/notifications/")

    assert response.status_code == 200
    shown = BeautifulSoup(response.content, "html.parser").select_one(".comments-page")
    assert [" ".join(p.get_text().split()) for p in shown.find_all("p")][0] == told
    assert shown.select_one('input[name="notify_new_comments"]') is not None


def test_an_editor_not_linked_to_an_author_is_told_to_link_it_not_to_ask_an_editor(editor):
    """Editors change authors themselves: "an editor links it" sent them to ask one of their own."""
    client = Client()
    client.force_login(editor)

    shown = BeautifulSoup(client.get("/comments/notifications/").content, "html.parser")

    told = " ".join(shown.select_one(".comments-page p").get_text().split())
    assert told == (
        "Your account is not linked to an author, so it has no articles to be told about: link it yourself "
        "under Authors (open your author and choose this account as its “User”)."
    )


@COMMITS
def test_held_comment_notifies_only_once_approved(article, reader, moderator, settings):
    from comments import services

    settings.COMMENTS_HOLD_FIRST_TIME = True
    root = make_comment(article, email="root@example.net", followup=True, when=earlier())
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment="held reply")
    assert mail.outbox == []
    held = ReaderComment.objects.get(comment="held reply")
    services.approve_comments(comments=[held], by=moderator)
    assert [m.to for m in mail.outbox] == [["root@example.net"]]
    services.approve_comments(comments=[held], by=moderator)
    assert len(mail.outbox) == 1


def test_a_reply_approved_after_its_article_was_withdrawn_mails_no_one(article, reader, moderator, settings):
    """The mail would name the withdrawn story (its new headline, say) and link to it."""
    from comments import services

    settings.COMMENTS_HOLD_FIRST_TIME = True
    root = make_comment(article, email="root@example.net", followup=True, when=earlier())
    poster = Client(enforce_csrf_checks=True)
    poster.force_login(reader)
    Commenter(poster).post(f"/comments/reply/{root.pk}/", comment="held reply")
    type(article).objects.filter(pk=article.pk).update(status="unpublished", headline="Withdrawn: legal hold")

    services.approve_comments(comments=[ReaderComment.objects.get(comment="held reply")], by=moderator)

    assert ReaderComment.objects.get(comment="held reply").is_public
    assert mail.outbox == [] and not OutgoingMail.objects.exists()


def test_the_reply_mail_links_to_the_comment_page_that_shows_the_reply(article, client, settings):
    """A thread on the second page of comments: `#c<id>` alone landed on the first, without the reply."""
    settings.COMMENTS_PER_PAGE = 2
    for name in ("First", "Second"):
        make_comment(article, name=name, email=f"{name.lower()}@example.net", when=earlier())
    root = make_comment(article, name="Third", email="third@example.net", followup=True, when=earlier())

    Commenter(Client(enforce_csrf_checks=True)).post(
        f"/comments/reply/{root.pk}/", name="Replier", email="replier@example.net", comment="Agreed."
    )
    link = confirmation_link_from_db()
    mail.outbox.clear()
    confirm(client, link)

    [message] = mail.outbox
    assert message.to == ["third@example.net"]
    reply = ReaderComment.objects.get(user_name="Replier")
    url = re.search(r"http://\S+#c\d+", message.body).group()
    assert url.endswith(f"{article.get_absolute_url()}?comments_page=2#c{reply.pk}")
    address = urlsplit(url)
    page = client.get(f"{address.path}?{address.query}")
    assert page.status_code == 200
    assert f'id="c{reply.pk}"' in page.content.decode()

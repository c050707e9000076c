"""Posting through the real form, CSRF enforced: what the reader is told and what is saved."""

import pytest
from django.core import mail

from comments.models import PendingComment, ReaderComment

from .conftest import confirm, confirmation_link
from .helpers import COMMITS, Client

pytestmark = pytest.mark.django_db


def test_the_form_says_what_it_promises(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Leave a Reply" in html
    assert "Your email address will not be published." in html
    assert 'name="remember"' in html and 'name="remember" checked' not in html
    assert 'name="followup"' in html
    for field in ("comment", "name", "email"):
        assert f'name="{field}"' in html
    assert html.count('class="required"') >= 4  # the legend and three required fields
    assert 'maxlength="3000"' not in html
    assert "<script>" not in html.split('id="comments"')[1]


def test_anonymous_comment_waits_for_the_emailed_link_then_publishes_once(commenter, article, client):
    response = commenter.post(article.get_absolute_url(), comment="Hello <b>there</b>")
    assert response.status_code == 200
    assert b"Check your email to confirm" in response.content
    assert "Open it and press “Post my comment” to post your comment" in response.content.decode()
    assert ReaderComment.objects.count() == 0
    assert PendingComment.objects.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.net"]
    link = confirmation_link(message)
    assert "ada" not in link and "example" not in link

    first = confirm(client, link)
    second = confirm(client, link)
    assert first.status_code == second.status_code == 200
    assert b"Your comment is published" in first.content
    assert ReaderComment.objects.count() == 1
    comment = ReaderComment.objects.get()
    assert comment.is_public and comment.user_email == "ada@example.net"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in page
    assert "ada@example.net" not in page


def test_logged_in_reader_is_prefilled_and_published_directly(csrf_client, reader, article):
    from .conftest import Commenter

    csrf_client.force_login(reader)
    page = csrf_client.get(article.get_absolute_url()).content.decode()
    assert 'value="reader@example.org"' in page
    response = Commenter(csrf_client).post(
        article.get_absolute_url(), name="Reader", email="reader@example.org"
    )
    assert b"Your comment is published" in response.content
    comment = ReaderComment.objects.get()
    assert comment.user == reader and comment.is_public
    assert len(mail.outbox) == 0


@pytest.mark.parametrize("staff", [False, True])
def test_a_signed_in_commenter_comments_under_their_account_s_name_whatever_the_form_sends(
    csrf_client, article, staff
):
    """Signed in, the name and email came prefilled but could be changed: a reader, or a reporter, could
    post under anyone's name. They are the account's now, shown but not editable, and a name sent anyway is
    not the one used."""
    from bs4 import BeautifulSoup

    from tests.factories import UserFactory

    from .conftest import Commenter

    user = UserFactory(username="rosa", first_name="Rosa", last_name="Lind", is_staff=staff)
    csrf_client.force_login(user)
    form = BeautifulSoup(csrf_client.get(article.get_absolute_url()).content, "html.parser").select_one(
        "form.comment-form"
    )
    name, email = form.select_one("input[name=name]"), form.select_one("input[name=email]")
    assert (name["value"], email["value"]) == ("Rosa Lind", "rosa@example.org")
    assert name.has_attr("disabled") and email.has_attr("disabled")
    assert form.select_one("input[name=remember]") is None  # the account's address stays out of the browser

    mended = Commenter(csrf_client).post(article.get_absolute_url(), name="Marta Quillon", comment="")
    shown = BeautifulSoup(mended.content, "html.parser").select_one("form.comment-form input[name=name]")
    assert mended.status_code == 400 and shown["value"] == "Rosa Lind"
    response = Commenter(csrf_client).post(
        article.get_absolute_url(), name="Marta Quillon", email="marta@example.org"
    )

    assert b"Your comment is published" in response.content
    comment = ReaderComment.objects.get()
    assert (comment.user, comment.user_name, comment.user_email) == (user, "Rosa Lind", "rosa@example.org")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Rosa Lind" in page and "Marta Quillon" not in page
    assert "rosa@example.org" not in page and "marta@example.org" not in page


@pytest.mark.parametrize(
    ("username", "first_name", "last_name", "shown"),
    [
        ("sam@localhost", "", "", "[email hidden]"),  # no dotted domain, so mask_emails left it whole
        ("marta.quillon@example.org", "", "", "[email hidden]"),  # not "marta.quillon": nearly the address
        ("sam", "Sam", "sam@localhost", "Sam [email hidden]"),
    ],
)
def test_a_signed_in_account_comments_under_a_name_with_no_address_in_it(
    csrf_client, article, username, first_name, last_name, shown
):
    """Signed in, the name is the account's, and a username may be an address: `sam@localhost`, a valid
    one to Django, was published whole, since mask_emails wants a dotted domain. An address in the name is
    masked, dotted or not, and nothing of it is shown."""
    from bs4 import BeautifulSoup

    from tests.factories import UserFactory

    from .conftest import Commenter

    user = UserFactory(username=username, first_name=first_name, last_name=last_name, email="sam@localhost")
    csrf_client.force_login(user)
    form = BeautifulSoup(csrf_client.get(article.get_absolute_url()).content, "html.parser")
    assert form.select_one("form.comment-form input[name=name]")["value"] == shown

    response = Commenter(csrf_client).post(article.get_absolute_url())

    assert b"Your comment is published" in response.content
    comment = ReaderComment.objects.get()
    assert (comment.user, comment.user_name) == (user, shown)
    page = Client().get(article.get_absolute_url()).content.decode()
    listed = Client().get(f"/api/v1/articles/{article.pk}/comments/")
    assert [c["name"] for c in listed.json()["results"]] == [shown]
    for public in (page, listed.content.decode()):
        assert "sam@" not in public and "@localhost" not in public and "marta.quillon" not in public


def test_comments_posted_from_an_account_before_lose_the_address_in_their_names(article):
    """Migration 0010 gives the comments stored before the rule the names a new one from the same account
    would have."""
    import importlib

    from django.apps import apps

    from tests.factories import UserFactory

    from .helpers import make_comment

    migration = importlib.import_module("comments.migrations.0010_account_names_without_addresses")
    sam = UserFactory(username="sam@localhost", email="sam@localhost")
    rosa = UserFactory(username="rosa", first_name="Rosa", last_name="rosa@localhost")
    lind = UserFactory(username="lind@example.org", first_name="Lind")
    by_username = make_comment(article, name="sam@localhost", email=sam.email, user=sam)
    by_full_name = make_comment(article, name="Rosa rosa@localhost", email=rosa.email, user=rosa)
    renamed_since = make_comment(article, name="[email hidden]", email=lind.email, user=lind)

    migration.drop_addresses_from_account_names(apps, None)

    names = dict(ReaderComment.objects.values_list("pk", "user_name"))
    assert [names[c.pk] for c in (by_username, by_full_name, renamed_since)] == [
        "[email hidden]",
        "Rosa [email hidden]",
        "[email hidden]",  # its address was masked when posted; the account's name now is not its name
    ]


def test_form_fields_endpoint_gives_fresh_security_fields(article):
    client = Client(enforce_csrf_checks=True)
    response = client.get(f"/comments/form-fields/{article.pk}/")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    fields = response.json()
    assert set(fields) == {"csrfmiddlewaretoken", "timestamp", "security_hash"}
    data = {"content_type": "articles.article", "object_pk": str(article.pk), "reply_to": "0", **fields,
            "name": "Ada", "email": "ada@example.net", "comment": "Via fresh fields"}  # fmt: skip
    posted = client.post("/comments/post/", data, follow=True, REMOTE_ADDR="192.0.2.77")
    assert b"Check your email to confirm" in posted.content
    assert client.get("/comments/form-fields/999999/").status_code == 404


def test_opening_the_mailed_link_posts_nothing_until_the_reader_presses_the_button(commenter, article):
    commenter.post(article.get_absolute_url(), comment="Ferries <script>alert(1)</script> again\nlate")
    assert "open this link within 3 days and press “Post my comment”" in mail.outbox[0].body
    link = confirmation_link(mail.outbox[0])
    scanner = Client(enforce_csrf_checks=True)  # a mail scanner or link preview: it opens, it never presses

    for method in (scanner.get, scanner.head):
        assert method(link).status_code == 200
    page = scanner.get(link)
    html = page.content.decode()
    assert "Post your comment" in html and "Post my comment" in html
    assert article.headline in html and "Ada Reader" in html
    assert "Ferries &lt;script&gt;alert(1)&lt;/script&gt; again<br>late" in html
    assert "ada@example.net" not in html
    assert page["Cache-Control"] == "private, no-store"
    assert scanner.post(link).status_code == 403  # no CSRF token: not a press of the button
    assert ReaderComment.objects.count() == 0
    assert PendingComment.objects.get().confirmed_at is None

    pressed = confirm(scanner, link)
    assert pressed.status_code == 200 and b"Your comment is published" in pressed.content
    again = scanner.get(link)  # opened again later: what happened, and no button
    assert b"Your comment is published" in again.content and b"Post my comment" not in again.content
    assert ReaderComment.objects.get().comment == "Ferries <script>alert(1)</script> again\nlate"


def test_opening_the_form_address_shows_a_page_that_says_so_and_leads_on(client):
    response = client.get("/comments/post/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    html = response.content.decode()
    assert "Comments are sent from the form under each article" in html
    assert 'href="/">Go to the front page</a>' in html
    assert "<h1>Nothing to show here</h1>" in html


def test_a_link_that_does_not_work_leads_on_to_the_front_page(client):
    for link in ("/comments/unsubscribe/forged/", "/comments/confirm/forged/", "/comments/my-data/forged/"):
        response = client.get(link)
        assert response.status_code == 404, link
        assert 'href="/">Go to the front page</a>' in response.content.decode(), link


@COMMITS
def test_the_site_form_keeps_to_the_apis_limit_per_address_and_gives_the_text_back(
    commenter, article, settings
):
    """One budget per address whichever way a comment comes (API_COMMENT_RATE): the form had only the
    15-second flood rule, about 240 posts an hour, each mailing a confirmation to whatever address was
    typed. Over the limit the reader keeps their text, and is told how long to wait."""
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "comments": "2/hour"},
    }
    first = commenter.post(article.get_absolute_url(), email="one@example.net", comment="First thought.")
    assert first.status_code == 200 and b"Check your email to confirm" in first.content
    api = APIClient(REMOTE_ADDR=commenter.ip)
    payload = {"name": "Ada", "email": "two@example.net", "comment": "Second, by the API."}
    assert api.post(f"/api/v1/articles/{article.pk}/comments/", payload, format="json").status_code == 202

    refused = commenter.post(article.get_absolute_url(), email="three@example.net", comment="A third one.")

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    text = refused.content.decode()
    assert "Too many comments from your address: please send it again in about" in text
    assert "A third one." in text  # in the form, to send again later
    assert sorted(PendingComment.objects.values_list("user_email", flat=True)) == [
        "one@example.net",
        "two@example.net",
    ]
    assert [m.to for m in mail.outbox] == [["one@example.net"], ["two@example.net"]]
    # Another address has its own allowance.
    other = commenter.post(article.get_absolute_url(), ip="198.51.100.7", email="four@example.net")
    assert other.status_code == 200 and b"Check your email to confirm" in other.content
    cache.clear()


def test_an_address_typed_as_the_name_is_stored_masked_so_no_moderator_or_later_reader_sees_it(
    commenter, article, client, moderator
):
    """Readers always saw "[email hidden]"; the row kept the address, which moderators (who may not see
    commenters' emails) were shown in the queue and the API, and which retention, blanking only the email
    field, kept for ever."""
    from rest_framework.test import APIClient

    from tests.comments.test_admin import admin_client

    response = commenter.post(article.get_absolute_url(), name="carol@example.org", email="carol@example.org")
    assert b"Check your email to confirm" in response.content
    assert confirm(client, confirmation_link(mail.outbox[0])).status_code == 200

    comment = ReaderComment.objects.get()
    assert comment.user_name == "[email hidden]" and comment.user_email == "carol@example.org"
    queue = admin_client(moderator).get("/admin/newsroom_comments/readercomment/?state=all")
    api = APIClient()
    api.force_authenticate(moderator)
    listed = api.get("/api/v1/moderation/comments/?state=all")
    assert listed.status_code == 200 and listed.json()["results"][0]["name"] == "[email hidden]"
    for seen in (queue.content.decode(), listed.content.decode()):
        assert "carol@example.org" not in seen


def test_an_address_at_an_undotted_host_typed_as_a_name_is_masked_like_any_other(commenter, article, client):
    """An anonymous reader's "ann@localhost" (an address Django takes, and the one they gave for their
    mail) was stored and published whole, as only a signed-in account's name had the undotted rule. Names
    stored before are masked where they are shown."""
    from .helpers import make_comment

    response = commenter.post(article.get_absolute_url(), name="ann@localhost", email="ann@localhost")
    assert b"Check your email to confirm" in response.content and mail.outbox[0].to == ["ann@localhost"]
    assert confirm(client, confirmation_link(mail.outbox[0])).status_code == 200
    assert ReaderComment.objects.get().user_name == "[email hidden]"
    make_comment(article, name="Bo bo@mailhost")  # stored before the rule

    page = Client().get(article.get_absolute_url()).content.decode()
    listed = Client().get(f"/api/v1/articles/{article.pk}/comments/").json()["results"]
    assert sorted(c["name"] for c in listed) == ["Bo [email hidden]", "[email hidden]"]
    for public in (page, str(listed)):
        assert "ann@" not in public and "@localhost" not in public and "bo@mailhost" not in public


def test_typed_names_stored_before_lose_their_undotted_addresses(article):
    """Migration 0013 stores the typed names kept before as a new comment would store them, so moderators
    no longer see the address."""
    import importlib

    from django.apps import apps

    from .helpers import make_comment

    migration = importlib.import_module("comments.migrations.0013_typed_names_without_undotted_addresses")
    typed = make_comment(article, name="ann@localhost")
    encoded = make_comment(article, name="Bo bo&#64;mailhost")
    twice = make_comment(article, name="Cy cy%2540mailhost, Di di&amp;#64;mailhost")
    plain = make_comment(article, name="Ann Lee")
    waiting = PendingComment.objects.create(
        article=article, user_name="eve@localhost", user_email="eve@localhost", comment="Mine"
    )

    migration.mask_undotted_addresses_in_typed_names(apps, None)

    names = dict(ReaderComment.objects.values_list("pk", "user_name"))
    shown = [names[c.pk] for c in (typed, encoded, twice, plain)]
    assert shown == ["[email hidden]", "Bo [email hidden]", "Cy [email hidden], Di [email hidden]", "Ann Lee"]
    assert PendingComment.objects.get(pk=waiting.pk).user_name == "[email hidden]"


def test_a_name_of_several_short_addresses_is_masked_within_the_names_length(commenter, article, client):
    """Each mask is longer than the shortest addresses: four in a 27-character name outgrew the column (a
    500 on PostgreSQL)."""
    response = commenter.post(article.get_absolute_url(), name="a@b.co c@d.co e@f.co g@h.co")
    assert response.status_code == 200 and b"Check your email to confirm" in response.content
    assert confirm(client, confirmation_link(mail.outbox[0])).status_code == 200

    name = ReaderComment.objects.get().user_name
    assert len(name) <= 50 and name.startswith("[email hidden] [email hidden] [email hidden]")
    assert "@" not in name


def test_the_published_page_links_to_the_comment_page_that_shows_the_comment(
    csrf_client, reader, article, settings
):
    """With more comments than a page holds, "#c<id>" alone landed on the first page, without the comment."""
    from .conftest import Commenter
    from .helpers import make_comment

    settings.COMMENTS_PER_PAGE = 1
    make_comment(article, name="Earlier")
    csrf_client.force_login(reader)

    response = Commenter(csrf_client).post(
        article.get_absolute_url(), name="Reader", email="reader@example.org"
    )

    assert b"Your comment is published" in response.content
    mine = ReaderComment.objects.get(user=reader)
    back = f"{article.get_absolute_url()}?comments_page=2#c{mine.pk}"
    assert f'href="{back}"' in response.content.decode().replace("&amp;", "&")
    assert f'id="c{mine.pk}"' in csrf_client.get(back).content.decode()

"""Threads under the article: nesting depth, oldest first, pagination, counts without a query per item."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments.queries import comment_threads, with_comment_counts
from comments.templatetags.newsroom_comments import comment_count
from tests.factories import ArticleFactory

from .conftest import Commenter
from .helpers import make_comment

pytestmark = pytest.mark.django_db


def test_threads_nest_oldest_first_and_hide_unapproved(client, article):
    now = timezone.now()
    first = make_comment(article, name="First", text="first thread", when=now - timedelta(hours=3))
    second = make_comment(article, name="Second", text="second thread", when=now - timedelta(hours=2))
    reply = make_comment(article, name="Replier", text="a reply", parent=first)
    make_comment(article, name="Deeper", text="a deeper reply", parent=reply)
    make_comment(article, name="Held", text="held text", public=False)
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        page.index("first thread")
        < page.index("a reply")
        < page.index("a deeper reply")
        < page.index("second thread")
    )
    assert "held text" not in page
    assert "4 comments" in page
    assert f'id="c{second.pk}"' in page
    when = second.submit_date.strftime("%-d %B %Y, %H:%M")
    assert f">{when} UTC</time>" in page  # with its zone, as the article's own times are
    # Depth 2 (the default): the level-2 reply offers no Reply link.
    assert f"/comments/reply/{reply.pk}/" in page
    deeper_id = reply.pk + 1
    assert f"/comments/reply/{deeper_id}/" not in page


def test_reply_goes_through_the_reply_page_and_nests(reader, article, client):
    parent = make_comment(article, text="Parent text", when=timezone.now() - timedelta(hours=1))
    csrf_client = __import__("django.test", fromlist=["Client"]).Client(enforce_csrf_checks=True)
    csrf_client.force_login(reader)
    replier = Commenter(csrf_client)
    response = replier.post(f"/comments/reply/{parent.pk}/", comment="Child text")
    assert b"Your comment is published" in response.content
    child = parent.__class__.objects.get(comment="Child text")
    assert child.parent_id == parent.pk and child.level == 1 and child.thread_id == parent.thread_id


def test_too_deep_reply_is_refused(reader, article, settings):
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 1
    parent = make_comment(article, when=timezone.now() - timedelta(hours=1))
    child = make_comment(
        article, parent=parent, email="c@example.net", when=timezone.now() - timedelta(hours=1)
    )
    from tests.comments.helpers import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reader)
    assert csrf_client.get(f"/comments/reply/{child.pk}/").status_code == 403
    replier = Commenter(csrf_client)
    response = replier.post(f"/comments/reply/{parent.pk}/", comment="ok", reply_to=str(child.pk))
    assert response.status_code == 400
    assert b"cannot be nested any deeper" in response.content


def test_long_discussions_are_paginated(client, article, settings):
    settings.COMMENTS_PER_PAGE = 3
    start = timezone.now() - timedelta(days=1)
    for n in range(7):
        make_comment(
            article, email=f"p{n}@example.net", text=f"number {n:02d}", when=start + timedelta(minutes=n)
        )
    url = article.get_absolute_url()
    first = client.get(url).content.decode()
    assert "number 00" in first and "number 02" in first and "number 03" not in first
    assert "Page 1 of 3" in first and "?comments_page=2" in first
    third = client.get(url + "?comments_page=3").content.decode()
    assert "number 06" in third and "number 05" not in third
    assert "7 comments" in third


def test_thread_page_takes_a_fixed_number_of_queries(article, django_assert_max_num_queries):
    for n in range(10):
        parent = make_comment(article, email=f"t{n}@example.net", text=f"t{n}")
        make_comment(article, email=f"r{n}@example.net", text=f"r{n}", parent=parent)
    with django_assert_max_num_queries(4):
        page, threads = comment_threads(article)
        assert len(threads) == 10 and all(len(t.children) == 1 for t in threads)


def test_the_article_page_costs_the_same_queries_with_one_thread_or_fifteen(
    article, client, django_assert_max_num_queries
):
    """The whole page, as a reader gets it: a template change that read a comment's reactions or replies
    one by one would show here, where the helper's own budget above would not see it."""
    parent = make_comment(article, email="t@example.net", text="t")
    make_comment(article, email="r@example.net", text="r", parent=parent)
    client.get(article.get_absolute_url())  # once before counting: content types and such are read once
    with django_assert_max_num_queries(30) as one:
        assert "t</p>" in client.get(article.get_absolute_url()).content.decode()
    for n in range(14):
        parent = make_comment(article, email=f"t{n}@example.net", text=f"thread {n}")
        make_comment(article, email=f"r{n}@example.net", text=f"reply {n}", parent=parent)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(article.get_absolute_url()).content.decode()
    assert "thread 13" in page and "reply 13" in page


def test_counts_for_a_list_in_one_query(django_assert_num_queries):
    articles = [ArticleFactory(published=True) for _ in range(5)]
    for n, article in enumerate(articles):
        for m in range(n):
            make_comment(article, email=f"{n}-{m}@example.net", text=f"{n}-{m}")
        make_comment(article, email=f"held{n}@example.net", text="held", public=False)
    with django_assert_num_queries(1):
        listed = list(with_comment_counts(Article.objects.published().order_by("pk")))
        counts = [comment_count(article) for article in listed]
    assert counts == [0, 1, 2, 3, 4]


def test_count_without_annotation_is_one_query(article, django_assert_num_queries):
    make_comment(article)
    article = Article.objects.get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        assert comment_count(article) == 1
    assert len(queries) <= 2  # the count, and the content type the first time


@pytest.mark.parametrize(
    "reply_to",
    ["1099511627776", "9223372036854775808", "99999999999999999999", "2147483648", "-1", "abc", "another"],
)
def test_a_reply_to_no_comment_of_the_article_gives_the_text_back_as_a_comment_of_its_own(
    commenter, article, reply_to
):
    """A tampered reply_to was a 400 "please correct the fields marked below" with no field marked (it is
    hidden), and the form sent back kept it, so sending again failed for ever."""
    from bs4 import BeautifulSoup

    from comments.models import PendingComment, ReaderComment

    from .conftest import form_fields

    if reply_to == "another":  # a comment on the site, under another story
        reply_to = str(make_comment(ArticleFactory(published=True), text="Elsewhere.").pk)
    before = ReaderComment.objects.count()

    response = commenter.post(article.get_absolute_url(), reply_to=reply_to, comment="Mine.", follow=False)

    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("h1").get_text() == "Comment not posted"
    assert page.select_one(".comments-message").get_text() == (
        "The comment you are replying to is not available. "
        "Your text is below, to send as a comment of its own."
    )
    assert page.select_one("textarea[name=comment]").get_text().strip() == "Mine."
    assert page.select_one("input[name=reply_to]")["value"] == "0"
    assert page.select_one("#reply-title").get_text() == "Leave a Reply" and not page.select(".field-error")
    assert ReaderComment.objects.count() == before and not PendingComment.objects.exists()

    fields = form_fields(response.content.decode())
    fields.update(name="Ada Reader", email="ada@example.net", comment="Mine.")
    sent = commenter.client.post("/comments/post/", fields, REMOTE_ADDR="203.0.113.10")
    assert sent.status_code == 303
    assert PendingComment.objects.values_list("comment", "parent_id").get() == ("Mine.", 0)


def test_a_tampered_reply_to_with_a_field_at_fault_too_marks_that_field(commenter, article):
    from bs4 import BeautifulSoup

    from comments.models import PendingComment, ReaderComment

    response = commenter.post(
        article.get_absolute_url(), reply_to="1099511627776", email="not an address", follow=False
    )

    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert (
        page.select_one(".comments-message")
        .get_text()
        .endswith("to send as a comment of its own. Please correct the fields marked below.")
    )
    assert [e["id"] for e in page.select(".field-error")] == ["id_email_error"]
    assert page.select_one("input[name=reply_to]")["value"] == "0"
    assert page.select_one("input[name=email]")["value"] == "not an address"
    assert not ReaderComment.objects.exists() and not PendingComment.objects.exists()


def test_a_reply_sent_back_with_an_error_still_shows_what_it_answers(commenter, article):
    from bs4 import BeautifulSoup

    parent = make_comment(article, name="Maren", text="The ferry ran late all week.")
    reply_page = BeautifulSoup(commenter.client.get(f"/comments/reply/{parent.pk}/").content, "html.parser")
    assert [h.get_text() for h in reply_page.select("h1, h2")] == ["Reply", "Your reply"]

    response = commenter.post(f"/comments/reply/{parent.pk}/", email="not an address", comment="Mine too.")
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert [h.get_text() for h in page.select("h1, h2")] == ["Please correct your comment", "Your reply"]
    assert "The ferry ran late all week." in page.select_one("blockquote.comment-quoted").get_text()
    assert page.select_one("input[name=reply_to]")["value"] == str(parent.pk)
    assert page.select_one("textarea[name=comment]").get_text().strip() == "Mine too."

    response = commenter.post(article.get_absolute_url(), email="not an address")  # a new thread
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("blockquote.comment-quoted") is None
    assert page.select_one("#reply-title").get_text() == "Leave a Reply"


def test_the_reply_page_holds_the_readers_token_and_is_never_stored(commenter, article):
    parent = make_comment(article, name="Maren", text="The ferry ran late all week.")

    response = commenter.client.get(f"/comments/reply/{parent.pk}/")

    assert response.status_code == 200
    assert "The ferry ran late all week." in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "reply_to", ["99999999999999999999", "9223372036854775808", "2147483648", "-5", "abc"]
)
@pytest.mark.parametrize("how", ["no current token", "expired form"])
def test_a_reply_to_no_row_can_have_comes_back_as_a_comment_of_its_own(article, reply_to, how):
    """The page that gives the text back to send again (the CSRF check failed, the form expired) reads
    reply_to as an invalid one is read: a comment of its own, never an id the form will refuse next time."""
    from bs4 import BeautifulSoup
    from django.test import Client

    from comments.models import PendingComment, ReaderComment

    from .conftest import form_fields

    client = Client(enforce_csrf_checks=True)
    fields = form_fields(client.get(article.get_absolute_url()).content.decode())
    if how == "no current token":
        fields.pop("csrfmiddlewaretoken")
    else:
        fields["timestamp"] = "1"
    fields.update(name="Ada Reader", email="ada@example.net", comment="A fair point.", reply_to=reply_to)
    response = client.post("/comments/post/", fields, REMOTE_ADDR="203.0.113.10")

    assert response.status_code == (403 if how == "no current token" else 400)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("h1").get_text() == "Please send your comment again"
    assert page.select_one("textarea[name=comment]").get_text().strip() == "A fair point."
    assert page.select_one("input[name=reply_to]")["value"] in ("", "0")
    assert page.select_one("blockquote.comment-quoted") is None
    assert not ReaderComment.objects.exists() and not PendingComment.objects.exists()


def test_a_staff_member_s_comment_is_marked_and_a_reader_typing_their_name_is_not(client, article):
    """Signed in, staff comment under their account's name; anyone else can still type that name. The mark
    lets readers tell the reporter's answer from a reader's, without showing anything about the account."""
    from bs4 import BeautifulSoup

    from tests.factories import UserFactory

    marta = UserFactory(username="marta", first_name="Marta", last_name="Quillon", is_staff=True)
    reader = UserFactory(username="sam", first_name="Sam", last_name="Reader")
    make_comment(article, name="Marta Quillon", email="fake@example.net", text="I wrote this story.")
    make_comment(
        article, name="Marta Quillon", email=marta.email, text="From the council minutes.", user=marta
    )
    make_comment(article, name="Sam Reader", email=reader.email, text="Thanks for the answer.", user=reader)

    html = client.get(article.get_absolute_url()).content.decode()

    items = BeautifulSoup(html, "html.parser").select("li.comment")
    marks = {
        item.select_one(".comment-text").get_text(strip=True): [
            mark.get_text(strip=True) for mark in item.select(".comment-meta .comment-staff")
        ]
        for item in items
    }
    assert marks == {
        "I wrote this story.": [],
        "From the council minutes.": ["Staff"],
        "Thanks for the answer.": [],
    }
    assert "fake@example.net" not in html and marta.email not in html and reader.email not in html


def test_the_staff_mark_is_what_the_account_was_when_it_posted(article):
    """The mark followed the account's is_staff as it is now: a reader made staff later had their earlier
    comments marked, a reporter who left the newsroom lost it on everything they wrote, and cached threads
    kept whichever they were rendered with. It is recorded with the comment when it is posted."""
    from bs4 import BeautifulSoup

    from comments.services import post_comment
    from tests.factories import UserFactory

    from .helpers import Client

    made_staff_later = UserFactory(username="sam", first_name="Sam", last_name="Reader")
    staff_then = UserFactory(username="marta", first_name="Marta", last_name="Quillon", is_staff=True)
    for user, text, ip in (
        (made_staff_later, "Posted as a reader.", "198.51.100.7"),
        (staff_then, "Posted as a reporter.", "198.51.100.8"),
    ):
        post_comment(article=article, user=user, name="", email="", text=text, ip=ip)

    def marks():
        page = BeautifulSoup(Client().get(article.get_absolute_url()).content, "html.parser")
        on_page = {
            item.select_one(".comment-text").get_text(strip=True): bool(item.select(".comment-staff"))
            for item in page.select("li.comment")
        }
        listed = Client().get(f"/api/v1/articles/{article.pk}/comments/").json()["results"]
        in_api = {BeautifulSoup(c["text_html"], "html.parser").get_text(): c["staff"] for c in listed}
        return on_page, in_api

    posted = {"Posted as a reader.": False, "Posted as a reporter.": True}
    assert marks() == (posted, posted)
    made_staff_later.is_staff, staff_then.is_staff = True, False
    made_staff_later.save()
    staff_then.save()

    assert marks() == (posted, posted)


def test_comments_posted_before_are_marked_by_their_account_s_flag_as_it_is_now(article):
    """Migration 0011 has nothing better to go by for the comments already posted than the flag as it is,
    which is what readers saw; a comment posted other than through post_comment gets the row it lacked."""
    import importlib

    from django.apps import apps

    from comments.models import Moderation, ReaderComment
    from tests.factories import UserFactory

    from .helpers import make_comment

    migration = importlib.import_module("comments.migrations.0011_moderation_by_staff")
    reporter = UserFactory(username="marta", is_staff=True)
    reader = UserFactory(username="sam")
    by_reporter = make_comment(article, name="Marta", user=reporter)
    by_reader = make_comment(article, name="Sam", user=reader)
    anonymous = make_comment(article, name="Marta")
    Moderation.objects.update(by_staff=False)  # as the column was added
    without_row = make_comment(article, name="Marta", user=reporter)
    Moderation.objects.filter(comment=without_row).delete()

    migration.mark_comments_from_staff_accounts(apps, None)

    marked = dict(ReaderComment.objects.with_staff_mark().values_list("pk", "by_staff"))
    assert [marked[c.pk] for c in (by_reporter, by_reader, anonymous, without_row)] == [
        True,
        False,
        False,
        True,
    ]
    assert Moderation.objects.get(comment=without_row).held_reason == ""

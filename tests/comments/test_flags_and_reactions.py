import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_comments.models import CommentFlag

from comments import services
from comments.models import CommentReport

from .helpers import Client, make_comment

pytestmark = pytest.mark.django_db


def csrf_from(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_any_reader_can_flag_a_comment_once(article):
    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/comments/report/{comment.pk}/")
    assert page.status_code == 200
    # A second send from the same address stores nothing, and says nothing of the report before it: others
    # share an address (an office, a household), and the answer would tell them that someone there reported.
    for answer in (b"A moderator will look", b"This comment has been reported to the moderators"):
        response = client.post(
            f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": csrf_from(page), "reason": "spam"}
        )
        assert response.status_code == 200 and answer in response.content
    report = CommentReport.objects.get()
    assert report.comment_id == comment.pk and report.reason == "spam"
    # The reader is kept as a keyed hash of their address: one report each, and no address stored.
    expected = salted_hmac("newsroom.comments.report", "ip:127.0.0.1", algorithm="sha256").hexdigest()
    assert report.reporter_key == expected and "127.0.0.1" not in report.reporter_key
    elsewhere = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.9")
    other_page = elsewhere.get(f"/comments/report/{comment.pk}/")
    elsewhere.post(
        f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": csrf_from(other_page), "reason": "abuse"}
    )
    assert CommentReport.objects.filter(comment=comment).count() == 2  # another reader, another report


def test_a_signed_in_reader_who_reported_a_comment_is_told_so_instead_of_the_form_again(
    article, reader, moderator
):
    """The second time, by the link or by sending the form again: said plainly, and nothing stored twice;
    once a moderator has kept the comment, the answer says so instead of promising a look."""
    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    client.force_login(reader)
    token = csrf_from(client.get(f"/comments/report/{comment.pk}/"))
    first = client.post(f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": token, "reason": "spam"})
    assert first.status_code == 200 and "Thank you. A moderator will look" in first.content.decode()
    key = CommentReport.objects.get().reporter_key

    again = client.get(f"/comments/report/{comment.pk}/")
    resent = client.post(f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": token, "reason": "abuse"})

    for response in (again, resent):
        page = response.content.decode()
        assert response.status_code == 200
        assert "You have already reported this comment. Moderators will look at it." in page
        assert 'name="reason"' not in page and "Thank you" not in page
        assert "203.0.113.7" not in page and key not in page
        assert response["Cache-Control"] == "private, no-store"  # the answer is this reader's own
    assert list(CommentReport.objects.values_list("comment", "reason")) == [(comment.pk, "spam")]
    # The queue counts one open report, not two.
    moderators = Client()
    moderators.force_login(moderator)
    listed = moderators.get("/admin/newsroom_comments/readercomment/?state=reported").content.decode()
    reports = BeautifulSoup(listed, "html.parser").select_one("td.field-reports").get_text()
    assert reports == "1 (open: Spam 1)"

    services.keep_comments(comments=[comment], by=moderator)
    decided = client.get(f"/comments/report/{comment.pk}/").content.decode()
    assert "You have already reported this comment. A moderator has looked at it since and kept it" in decided
    assert "Moderators will look at it" not in decided


def test_a_reader_without_an_account_is_not_told_that_someone_at_their_address_reported(article):
    """Readers without an account are known by their address alone: a colleague behind the same one, or the
    comment's own writer, gets the form and the same thank-you, never "already reported"."""
    comment = make_comment(article)
    reporter = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    token = csrf_from(reporter.get(f"/comments/report/{comment.pk}/"))
    sent = reporter.post(f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": token, "reason": "abuse"})
    assert sent.status_code == 200 and CommentReport.objects.count() == 1

    colleague = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    page = colleague.get(f"/comments/report/{comment.pk}/")
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert "already reported" not in page.content.decode()
    answer = colleague.post(
        f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": csrf_from(page), "reason": "spam"}
    )
    assert answer.status_code == 200
    assert "Thank you. This comment has been reported to the moderators." in answer.content.decode()
    assert "already reported" not in answer.content.decode()
    assert list(CommentReport.objects.values_list("reason", flat=True)) == ["abuse"]


def test_a_report_with_an_unknown_reason_is_a_400(article):
    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/comments/report/{comment.pk}/")

    response = client.post(
        f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": csrf_from(page), "reason": "nuke"}
    )

    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    assert not CommentReport.objects.exists()


def test_held_comments_cannot_be_flagged_or_replied_to(article, client):
    held = make_comment(article, public=False)
    assert client.get(f"/comments/report/{held.pk}/").status_code == 404
    assert client.get(f"/comments/reply/{held.pk}/").status_code == 404


def test_logged_in_readers_react_and_can_take_it_back(article, reader):
    from bs4 import BeautifulSoup

    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    page = client.get(article.get_absolute_url())
    assert f"/comments/react/{comment.pk}/like/" in page.content.decode()
    token = csrf_from(page)
    client.post(f"/comments/react/{comment.pk}/like/", {"csrfmiddlewaretoken": token})
    assert CommentFlag.objects.filter(comment=comment, user=reader, flag="I liked it").count() == 1
    after = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    like = after.select_one(f"form[action='/comments/react/{comment.pk}/like/'] button")
    assert like["aria-label"] == "Like, 1 so far" and like.get_text(strip=True) == "1"  # the count, heard too
    # A thumb drawn in the page, not the emoji, which a system without an emoji font showed as a box.
    assert like.select_one("svg.comment-thumb path") and "\U0001f44d" not in str(after)
    client.post(f"/comments/react/{comment.pk}/dislike/", {"csrfmiddlewaretoken": token})
    assert list(CommentFlag.objects.values_list("flag", flat=True)) == ["I disliked it"]
    client.post(f"/comments/react/{comment.pk}/dislike/", {"csrfmiddlewaretoken": token})
    assert CommentFlag.objects.count() == 0


def test_anonymous_readers_cannot_react(article):
    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"/comments/react/{comment.pk}/" not in page
    assert client.post(f"/comments/react/{comment.pk}/like/").status_code == 403  # no form, no token
    token = csrf_from(client.get(f"/comments/report/{comment.pk}/"))
    response = client.post(f"/comments/react/{comment.pk}/like/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and "login" in response["Location"]  # reactions are for accounts
    assert CommentFlag.objects.count() == 0


def test_a_report_names_its_reason_chosen_by_the_reader(article):
    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/comments/report/{comment.pk}/")
    choices = page.content.decode().split("<fieldset>", 1)[1].split("</fieldset>")[0]
    assert choices.count('type="radio" name="reason"') == 4
    assert "checked" not in choices and "selected" not in choices

    response = client.post(f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": csrf_from(page)})

    assert response.status_code == 400 and "Choose a reason." in response.content.decode()
    assert not CommentReport.objects.exists()


def test_a_report_without_a_reason_says_so_as_the_other_forms_do(article):
    """In the site's red error line, read out at once and with the choices, as the comment form and the
    data request mark theirs: not a black bullet that a screen reader on the first choice never reached."""
    comment = make_comment(article)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/comments/report/{comment.pk}/")

    response = client.post(f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": csrf_from(page)})

    assert response.status_code == 400
    form = BeautifulSoup(response.content, "html.parser").select_one("main form")
    error = form.select_one(".field-error")
    assert error.get_text(strip=True) == "Choose a reason." and error["role"] == "alert"
    assert form.select_one("fieldset")["aria-describedby"] == error["id"]
    assert form.select_one("ul.errorlist") is None


def test_a_reaction_on_a_later_comment_page_leads_back_to_that_page(article, reader, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article, name="First", when=timezone.now() - timedelta(hours=2))
    later = make_comment(
        article, name="Second", text="on the second page", when=timezone.now() - timedelta(hours=1)
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    page = client.get(article.get_absolute_url(), {"comments_page": "2"})

    response = client.post(f"/comments/react/{later.pk}/like/", {"csrfmiddlewaretoken": csrf_from(page)})

    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}?comments_page=2#c{later.pk}"
    back = client.get(response["Location"]).content.decode()
    assert f'id="c{later.pk}"' in back and "on the second page" in back


def test_the_reply_and_report_pages_of_a_later_comment_lead_back_to_its_page(article, settings, client):
    """Their "Back to" link went to "#comments" of the first page, where a comment of the second is not."""
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article, name="First", when=timezone.now() - timedelta(hours=2))
    later = make_comment(article, name="Second", when=timezone.now() - timedelta(hours=1))
    there = f"{article.get_absolute_url()}?comments_page=2#c{later.pk}"

    for path in (f"/comments/reply/{later.pk}/", f"/comments/report/{later.pk}/"):
        page = BeautifulSoup(client.get(path).content, "html.parser")
        back = page.find("a", string=f"Back to “{article.headline}”")
        assert back["href"] == there, path
    thanked = client.post(f"/comments/report/{later.pk}/", {"reason": "spam"})
    assert thanked.status_code == 200 and f'href="{there}"'.replace("&", "&amp;") in thanked.content.decode()

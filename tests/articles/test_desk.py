"""The desk on the admin index: each pile with its count, first items and a link into a filtered list."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from sharing.models import ShareRecord
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def pile(soup, key):
    box = soup.select_one(f"#desk-{key}")
    assert box is not None, key
    return {
        "count": int(box.select_one(".desk-count")["data-count"]),
        "link": box.select_one("h3 a")["href"],
        "items": [li.a.get_text(strip=True) for li in box.select("li")],
        "times": [li.time.get_text(strip=True) for li in box.select("li")],
    }


@pytest.fixture
def desk_rows(editor, reporter):
    me = AuthorFactory(user=editor)
    ArticleFactory(headline="My draft one", authors=[me])
    ArticleFactory(headline="My draft two", created_by=editor)
    ArticleFactory(headline="Someone else's draft")
    ArticleFactory(headline="Waiting one", in_review=True)
    soon = timezone.now() + timedelta(hours=3)
    ArticleFactory(headline="Later", scheduled=True, publish_at=soon + timedelta(days=1))
    ArticleFactory(headline="Soonest", scheduled=True, publish_at=soon)
    published = ArticleFactory(headline="Fresh story", published=True)
    ArticleFactory(headline="Old story", published=True, published_at=timezone.now() - timedelta(days=10))
    make_comment(published, public=False, held_reason="first_time")
    make_comment(published, public=True)
    ShareRecord.objects.create(article=published, account="dev", network="log", state="failed")
    ShareRecord.objects.create(article=published, account="dev2", network="log", state="sent")
    return published


def test_the_desk_shows_every_pile_with_counts_items_and_filtered_links(client_as, editor, desk_rows):
    client = client_as(editor)
    soup = BeautifulSoup(client.get(INDEX).content, "html.parser")

    drafts = pile(soup, "drafts")
    assert drafts["count"] == 2 and sorted(drafts["items"]) == ["My draft one", "My draft two"]
    review = pile(soup, "review")
    assert review["count"] == 1 and review["items"] == ["Waiting one"]
    scheduled = pile(soup, "scheduled")
    assert scheduled["count"] == 2 and scheduled["items"] == ["Soonest", "Later"]
    soonest = timezone.localtime(Article.objects.get(headline="Soonest").publish_at)
    assert scheduled["times"][0] == soonest.strftime("%a %-d %b %Y, %H:%M %Z")
    published = pile(soup, "published")
    assert published["count"] == 1 and published["items"] == ["Fresh story"]
    shares = pile(soup, "shares")
    assert shares["count"] == 1

    # Every link opens a changelist filtered to exactly that pile.
    listed = client.get(drafts["link"])
    assert listed.status_code == 200
    assert sorted(a.headline for a in listed.context["cl"].result_list) == ["My draft one", "My draft two"]
    listed = client.get(scheduled["link"])
    assert {a.headline for a in listed.context["cl"].result_list} == {"Soonest", "Later"}
    listed = client.get(shares["link"])
    assert [s.state for s in listed.context["cl"].result_list] == ["failed"]


def test_the_shares_flag_of_the_sharing_app_still_shows(client_as, editor, desk_rows):
    ShareRecord.objects.filter(state="failed").update(failed_at=timezone.now() - timedelta(hours=2))
    page = client_as(editor).get(INDEX).content.decode()
    assert 'id="share-failures-flag"' in page and 'id="desk"' in page


def test_a_moderator_sees_only_the_comment_piles(client_as, moderator, desk_rows):
    soup = BeautifulSoup(client_as(moderator).get(INDEX).content, "html.parser")
    assert [box["id"] for box in soup.select(".desk-pile")] == ["desk-comments", "desk-reported"]
    comments = pile(soup, "comments")
    assert comments["count"] == 1
    assert comments["link"] == reverse("admin:newsroom_comments_readercomment_changelist") + "?state=held"


def test_the_desk_costs_the_same_queries_however_many_articles(client_as, editor, desk_rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(editor)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for n in range(12):
        ArticleFactory(headline=f"More {n}", in_review=True)
        ArticleFactory(headline=f"Out {n}", published=True)
    with CaptureQueriesContext(connection) as many:
        client.get(INDEX)
    desk_queries = [q for q in many.captured_queries if "articles_article" in q["sql"]]
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(desk_queries) <= 3


def test_a_scheduled_story_well_past_its_time_is_flagged_overdue(client_as, editor):
    """Beat publishes every minute; a story five minutes late means the schedule is not running."""
    ArticleFactory(headline="Due soon", scheduled=True, publish_at=timezone.now() + timedelta(minutes=30))
    late = ArticleFactory(headline="Stuck", scheduled=True, publish_at=timezone.now() + timedelta(minutes=30))
    Article.objects.filter(pk=late.pk).update(publish_at=timezone.now() - timedelta(minutes=20))
    soup = BeautifulSoup(client_as(editor).get(INDEX).content, "html.parser")
    rows = {li.a.get_text(strip=True): li for li in soup.select("#desk-scheduled li")}
    assert "Overdue" in rows["Stuck"].get_text() and "Celery beat" in rows["Stuck"].get_text()
    assert "Overdue" not in rows["Due soon"].get_text()


def test_comment_mail_given_up_shows_only_to_who_may_see_commenters_addresses(client_as, editor, settings):
    from comments.models import OutgoingMail
    from tests.factories import UserFactory

    settings.COMMENTS_MAIL_MAX_RETRIES = 3
    given_up = OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.REPLY, to="reader@example.net", subject="A reply", body="...", attempts=3,
        last_error="SMTPRecipientsRefused: {'[email hidden]': (550, b'5.1.1 No such user')}",
    )  # fmt: skip
    OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.REPLY, to="b@example.net", subject="s", body="b", attempts=1
    )
    chief = UserFactory(username="chief", is_staff=True, is_superuser=True)

    soup = BeautifulSoup(client_as(chief).get(INDEX).content, "html.parser")
    mail = pile(soup, "mail")
    assert mail["count"] == 1
    assert mail["link"] == reverse("admin:newsroom_comments_outgoingmail_changelist") + "?state=given_up"
    listed = client_as(chief).get(mail["link"]).content.decode()
    assert "reader@example.net" in listed and "No such user" in listed and "b@example.net" not in listed
    assert "Add outgoing mail" not in listed

    assert "desk-mail" not in client_as(editor).get(INDEX).content.decode()  # editors see no addresses
    assert client_as(editor).get(mail["link"]).status_code == 403
    detail = reverse("admin:newsroom_comments_outgoingmail_change", args=[given_up.pk])
    assert client_as(editor).get(detail).status_code == 403


def test_a_story_changed_within_the_minute_reads_changed_just_now(client_as, reporter):
    """Django's timesince counts the last minute as "0 minutes": the desk said "changed 0 minutes ago"."""
    ArticleFactory(headline="Fresh draft", created_by=reporter)
    older = ArticleFactory(headline="Older draft", created_by=reporter)
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(minutes=19, seconds=5))

    soup = BeautifulSoup(client_as(reporter).get(INDEX).content, "html.parser")

    drafts = pile(soup, "drafts")
    assert dict(zip(drafts["items"], drafts["times"], strict=True)) == {
        "Fresh draft": "changed just now",
        "Older draft": "changed 19\xa0minutes ago",  # timesince joins with a no-break space
    }


def test_an_author_or_tag_edited_leaves_the_drafts_and_review_pile_dated_by_their_writers(client_as, editor):
    """Renaming a tag or an author (their job title, say) dated every draft and story in review showing
    them "changed just now", and moved them to the top of their pile, though no one had touched them."""
    author = AuthorFactory(display_name="Ada Lin", job_title="Reporter")
    tag = TagFactory(name="Ferries")
    draft = ArticleFactory(headline="Quiet draft", created_by=editor, authors=[author], tags=[tag])
    waiting = ArticleFactory(headline="Waiting story", in_review=True, authors=[author])
    three_days_ago = timezone.now() - timedelta(days=3)
    Article.objects.filter(pk__in=[draft.pk, waiting.pk]).update(updated_at=three_days_ago)

    author.job_title = "Chief reporter"
    author.save()
    tag.name = "Ferry services"
    tag.save()

    soup = BeautifulSoup(client_as(editor).get(INDEX).content, "html.parser")
    for key, headline in (("drafts", "Quiet draft"), ("review", "Waiting story")):
        listed = pile(soup, key)
        assert dict(zip(listed["items"], listed["times"], strict=True)) == {headline: "changed 3\xa0days ago"}

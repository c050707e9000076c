"""The desk on the admin index: each pile with its count, first items and a link into a filtered list."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, WorkflowEvent
from sharing.models import ShareRecord
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, TagFactory, UserFactory

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


def test_held_comments_are_counted_as_the_digest_counts_them(
    client_as, editor, moderator, desk_rows, django_capture_on_commit_callbacks
):
    """A reply hidden with the comment it answers (a moderator removed that one) cannot be approved ("A reply
    cannot be on the site while the comment it answers is not"): the desk counted it as waiting."""
    from django.core import mail

    from comments import services

    removed = make_comment(desk_rows, text="Rude words here.", email="rude@example.net")
    make_comment(desk_rows, text="Agreed!", email="agrees@example.net", parent=removed)
    services.remove_comments(comments=[removed], by=moderator)

    soup = BeautifulSoup(client_as(moderator).get(INDEX).content, "html.parser")

    comments = pile(soup, "comments")
    assert comments["count"] == 1  # the first-time commenter's, held by desk_rows
    assert "Comments held for moderation" in soup.select_one("#desk-comments").get_text()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_held_digest() == 2
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        (user.email, "1 comment waiting for moderation") for user in (editor, moderator)
    )


def test_the_desk_costs_the_same_queries_however_many_articles(client_as, editor, desk_rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(editor)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for n in range(12):  # two bylines each: a row each in the rows query, still five stories a pile
        ArticleFactory(headline=f"More {n}", in_review=True, authors=[AuthorFactory(), AuthorFactory()])
        ArticleFactory(headline=f"Out {n}", published=True)
        ArticleFactory(headline=f"Being written {n}", authors=[AuthorFactory(), AuthorFactory()])
    for n in range(12):  # drafts of the editor's own sent back, half with a note: no query each
        story = ArticleFactory(headline=f"Back {n}", created_by=editor, in_review=True)
        services.return_to_draft(article=story, by=editor, note="Check it." if n % 2 else "")
    with CaptureQueriesContext(connection) as many:
        response = client.get(INDEX)
    desk_queries = [q for q in many.captured_queries if "articles_article" in q["sql"]]
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(desk_queries) <= 3
    # The drafts pile's latest events come with its rows, inside the same query.
    assert [q for q in desk_queries if "articles_workflowevent" in q["sql"]]
    soup = BeautifulSoup(response.content, "html.parser")
    badges = soup.select("#desk-drafts .desk-sent-back")
    assert response.status_code == 200 and len(badges) == 5  # a full pile, each sent back
    review, writing = pile(soup, "review"), pile(soup, "writing")
    assert len(set(review["items"])) == 5 and (review["count"], writing["count"]) == (13, 27)
    assert len(set(writing["items"])) == 5


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


def sent_back_lines(client) -> dict:
    """Each draft on the desk, by headline: its "Sent back" line as read, or None."""
    response = client.get(INDEX)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    lines = {}
    for li in soup.select("#desk-drafts li"):
        line = li.select_one(".desk-sent-back")
        # The markup's line breaks read as one space; timesince's no-break space stays.
        lines[li.a.get_text(strip=True)] = re.sub(r"[ \n]+", " ", line.get_text()).strip() if line else None
    return lines


@pytest.fixture
def sent_back(editor, reporter):
    """A reporter's story in review, and the editor who reads it, named as the newsroom names him."""
    editor.first_name, editor.last_name = "Eddie", "Marsh"
    editor.save()
    return ArticleFactory(headline="Council vote", created_by=reporter, in_review=True)


def test_a_draft_sent_back_says_by_whom_when_and_that_a_note_waits(client_as, editor, reporter, sent_back):
    services.return_to_draft(article=sent_back, by=editor, note="Needs a second source.")
    WorkflowEvent.objects.filter(article=sent_back).update(at=timezone.now() - timedelta(hours=3))
    without_note = ArticleFactory(headline="Ferry strike", created_by=reporter, in_review=True)
    services.return_to_draft(article=without_note, by=editor)
    ArticleFactory(headline="Fresh draft", created_by=reporter)
    client = client_as(reporter)

    lines = sent_back_lines(client)

    assert lines == {
        "Council vote": "Sent back by Eddie Marsh 3\xa0hours ago, with a note",
        "Ferry strike": "Sent back by Eddie Marsh just now",
        "Fresh draft": None,
    }
    soup = BeautifulSoup(client.get(INDEX).content, "html.parser")
    desk = soup.select_one("#desk-drafts")
    assert editor.email not in desk.get_text() and "@" not in str(desk)  # a name, never an address
    badge = desk.select_one(".desk-sent-back .desk-badge")
    assert badge.get_text() == "Sent back"  # words, not a colour
    # "with a note" opens the story at its notes, which the reporter may read there.
    note_link = desk.select_one(".desk-sent-back a")
    change = reverse("admin:articles_article_change", args=[sent_back.pk])
    assert note_link.get_text() == "with a note" and note_link["href"] == f"{change}#editorial_notes-group"
    page = client.get(change)
    assert page.status_code == 200
    assert 'id="editorial_notes-group"' in page.content.decode()
    assert "Needs a second source." in page.content.decode()


def test_an_editor_without_a_full_name_is_named_by_username(client_as, editor, reporter):
    story = ArticleFactory(headline="Harbour plan", created_by=reporter, in_review=True)
    services.return_to_draft(article=story, by=editor)

    assert sent_back_lines(client_as(reporter)) == {"Harbour plan": "Sent back by editor just now"}


def test_the_flag_goes_once_the_reporter_submits_again_and_reads_only_the_latest_return(
    client_as, editor, reporter, sent_back
):
    services.return_to_draft(article=sent_back, by=editor, note="Needs a second source.")
    client = client_as(reporter)
    assert sent_back_lines(client) == {"Council vote": "Sent back by Eddie Marsh just now, with a note"}

    sent_back.refresh_from_db()
    services.submit_for_review(article=sent_back, by=reporter)

    assert sent_back_lines(client) == {}
    soup = BeautifulSoup(client.get(INDEX).content, "html.parser")
    assert pile(soup, "review")["items"] == ["Council vote"] and not soup.select(".desk-sent-back")

    # Sent back again, this time without a note: the desk tells of this return, not the first one's note.
    chief = UserFactory(username="chief", first_name="Ruth", last_name="Okafor", is_staff=True)
    chief.groups.add(Group.objects.get(name="Editor"))
    services.return_to_draft(article=sent_back, by=chief)
    assert sent_back_lines(client) == {"Council vote": "Sent back by Ruth Okafor just now"}


def test_a_sent_back_story_whose_editor_left_still_says_sent_back(client_as, editor, reporter, sent_back):
    services.return_to_draft(article=sent_back, by=editor, note="Needs a second source.")
    WorkflowEvent.objects.filter(article=sent_back).update(actor=None)  # the account deleted since

    assert sent_back_lines(client_as(reporter)) == {"Council vote": "Sent back just now, with a note"}


def bylines_of(soup, key) -> dict:
    return {
        li.a.get_text(strip=True): li.select_one(".desk-bylines").get_text()
        for li in soup.select(f"#desk-{key} li")
    }


def test_an_editor_sees_every_draft_being_written_newest_first_with_bylines_and_when(
    client_as, editor, reporter, other_reporter
):
    """ "My drafts" held only the editor's own: what the reporters were writing showed nowhere."""
    rita, idris = (
        AuthorFactory(display_name="Rita Porter", user=reporter),
        AuthorFactory(display_name="Idris Okafor"),
    )
    now = timezone.now()
    ages = {"Ferry fares": 1, "Pier vote": 5, "Tram line": 30, "Bus lanes": 60 * 3, "Quay works": 60 * 26}
    for headline, minutes in ages.items():
        story = ArticleFactory(headline=headline, created_by=reporter, authors=[rita])
        Article.objects.filter(pk=story.pk).update(updated_at=now - timedelta(minutes=minutes))
    shared = Article.objects.get(headline="Pier vote")
    shared.bylines.create(author=idris, position=1)
    Article.objects.filter(pk=shared.pk).update(updated_at=now - timedelta(minutes=5))
    unsigned = ArticleFactory(headline="Unsigned", created_by=other_reporter, authors=[])
    Article.objects.filter(pk=unsigned.pk).update(updated_at=now - timedelta(minutes=10))
    oldest = ArticleFactory(headline="Long gone", created_by=reporter, authors=[rita])
    Article.objects.filter(pk=oldest.pk).update(updated_at=now - timedelta(days=9))
    ArticleFactory(headline="In review", in_review=True, authors=[rita])
    ArticleFactory(headline="Out", published=True, authors=[rita])
    client = client_as(editor)

    soup = BeautifulSoup(client.get(INDEX).content, "html.parser")

    writing = pile(soup, "writing")
    assert [box["id"] for box in soup.select(".desk-pile")][:3] == [
        "desk-drafts",
        "desk-writing",
        "desk-review",
    ]
    assert soup.select_one("#desk-writing h3 a").get_text() == "Being written"
    assert writing["count"] == 7
    assert writing["items"] == ["Ferry fares", "Pier vote", "Unsigned", "Tram line", "Bus lanes"]
    assert writing["times"] == [
        "changed 1\xa0minute ago", "changed 5\xa0minutes ago", "changed 10\xa0minutes ago",
        "changed 30\xa0minutes ago", "changed 3\xa0hours ago",
    ]  # fmt: skip
    assert bylines_of(soup, "writing") == {
        "Ferry fares": "By Rita Porter",
        "Pier vote": "By Rita Porter, Idris Okafor",
        "Unsigned": "No byline yet",
        "Tram line": "By Rita Porter",
        "Bus lanes": "By Rita Porter",
    }
    more = soup.select_one("#desk-writing .desk-more a")
    assert more.get_text() == "All 7" and more["href"] == writing["link"]
    listed = client.get(writing["link"]).context["cl"].result_list
    assert {a.headline for a in listed} == {*ages, "Unsigned", "Long gone"}
    assert pile(soup, "drafts")["count"] == 0  # the editor's own: none


def test_stories_waiting_for_review_say_whose_they_are(client_as, editor):
    """The desk knew (it reads every listed story's bylines) but said it only of drafts "Being written"."""
    ArticleFactory(
        headline="Pier vote",
        in_review=True,
        authors=[AuthorFactory(display_name="Rita Porter"), AuthorFactory(display_name="Idris Okafor")],
    )

    soup = BeautifulSoup(client_as(editor).get(INDEX).content, "html.parser")

    assert bylines_of(soup, "review") == {"Pier vote": "By Rita Porter, Idris Okafor"}


def test_a_reporters_desk_has_no_being_written_pile(client_as, reporter):
    ArticleFactory(headline="Someone else's draft")
    ArticleFactory(headline="Mine", created_by=reporter)

    soup = BeautifulSoup(client_as(reporter).get(INDEX).content, "html.parser")

    assert soup.select_one("#desk-writing") is None
    assert pile(soup, "drafts")["items"] == ["Mine"]


def test_my_drafts_link_lists_the_drafts_the_desk_counts(client_as, reporter):
    """The list's "Mine" (where "My drafts" leads) and the desk share one condition: started by the account
    or bylined to it, each once, whatever the number of bylines."""
    me = AuthorFactory(user=reporter)
    ArticleFactory(headline="Started by me", created_by=reporter)
    ArticleFactory(headline="Bylined to me", authors=[me, AuthorFactory()])
    ArticleFactory(headline="Both", created_by=reporter, authors=[me])
    ArticleFactory(headline="A colleague's", authors=[AuthorFactory()])
    ArticleFactory(headline="Mine, but out", created_by=reporter, published=True)
    client = client_as(reporter)

    drafts = pile(BeautifulSoup(client.get(INDEX).content, "html.parser"), "drafts")
    listed = client.get(drafts["link"]).context["cl"].result_list

    assert drafts["count"] == 3
    assert sorted(a.headline for a in listed) == ["Both", "Bylined to me", "Started by me"]

"""The moderation API: the admin's queue and decisions for moderators' own tools, never an email or IP."""

import pytest
from django.core import mail

from comments.models import CommentReport, HoldRule, Moderation, OutgoingMail, ReaderComment
from tests.factories import ArticleFactory

from .snapshots import database_state

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/moderation/comments/"
PRIVATE = ("sam.private@example.org", "203.0.113.77")


@pytest.fixture
def story():
    return ArticleFactory(published=True, headline="Night ferry approved")


def held(make_comment, article, text, rule=HoldRule.FIRST_TIME, **extra):
    comment = make_comment(article, text, is_public=False, **extra)
    Moderation.objects.create(comment=comment, held_reason=rule)
    return comment


def test_the_queue_lists_held_comments_oldest_first_with_the_rule_and_no_address(
    api_as, moderator, story, make_comment
):
    first = held(make_comment, story, "First!")
    linky = held(make_comment, story, "See https://a.example https://b.example", rule=HoldRule.LINKS)
    make_comment(story, "Already on the site.")

    response = api_as(moderator).get(QUEUE)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(c["id"], c["comment"], c["state"], c["held_by_rule"]) for c in results] == [
        (first.pk, "First!", "held", "first_time"),
        (linky.pk, "See https://a.example https://b.example", "held", "links"),
    ]
    assert results[0]["article"] == {"id": story.pk, "headline": "Night ferry approved", "on_site": True}
    assert results[0]["name"] == "Sam Reader" and results[0]["parent_id"] is None
    assert not any(secret in response.content.decode() for secret in PRIVATE)
    assert response["Cache-Control"].startswith("private")


def test_states_rules_and_articles_filter_the_queue(api_as, editor, story, make_comment):
    other = ArticleFactory(published=True)
    held(make_comment, story, "Held by words", rule=HoldRule.WORDS)
    held(make_comment, other, "Held elsewhere")
    reported = make_comment(story, "Reported one")
    CommentReport.objects.create(comment=reported, reporter_key="k1")
    make_comment(story, "Fine one")
    client = api_as(editor)

    def texts(query):
        response = client.get(f"{QUEUE}?{query}")
        assert response.status_code == 200, response.content
        return sorted(c["comment"] for c in response.json()["results"])

    assert texts("state=held&rule=words") == ["Held by words"]
    assert texts(f"article={other.pk}") == ["Held elsewhere"]
    assert texts("state=reported") == ["Reported one"]
    assert texts(f"state=published&article={story.pk}") == ["Fine one", "Reported one"]
    assert client.get(f"{QUEUE}?state=reported").json()["results"][0]["open_reports"] == 1


def test_a_moderator_sees_no_headline_of_a_story_off_the_site(api_as, moderator, editor, make_comment):
    withdrawn = ArticleFactory(unpublished=True, headline="Rewritten secret headline")
    held(make_comment, withdrawn, "On a withdrawn story")

    seen_by_moderator = api_as(moderator).get(QUEUE).json()["results"][0]["article"]
    seen_by_editor = api_as(editor).get(QUEUE).json()["results"][0]["article"]

    assert seen_by_moderator == {"id": withdrawn.pk, "headline": "A story not on the site", "on_site": False}
    assert seen_by_editor["headline"] == "Rewritten secret headline"


def test_approving_publishes_the_comment_for_readers(api_as, moderator, story, make_comment, api):
    comment = held(make_comment, story, "Good news for night workers.")

    response = api_as(moderator).post(f"{QUEUE}{comment.pk}/approve/")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "published" and response.json()["decided_at"]
    moderation = Moderation.objects.get(comment=comment)
    assert moderation.decided_by == moderator and not moderation.is_spam
    public = api.get(f"/api/v1/articles/{story.pk}/comments/").json()["results"]
    assert [c["text_html"] for c in public] == ["<p>Good news for night workers.</p>"]


def test_removing_takes_the_comment_and_its_replies_off_and_stops_mail_quoting_it(
    api_as, moderator, story, make_comment, api
):
    comment = make_comment(story, "Rude words here.")
    reply = make_comment(story, "Agreed!", parent=comment)
    OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.REPLY,
        to="someone@example.org",
        subject="A reply",
        body="x",
        about=comment,
    )

    response = api_as(moderator).post(f"{QUEUE}{comment.pk}/remove/")

    assert response.status_code == 200 and response.json()["state"] == "removed"
    assert api.get(f"/api/v1/articles/{story.pk}/comments/").json()["results"] == []
    assert not OutgoingMail.objects.filter(about=comment).exists() and not mail.outbox
    reply_row = api_as(moderator).get(f"{QUEUE}{reply.pk}/").json()
    assert (reply_row["state"], reply_row["held_by_rule"]) == ("held", "thread_removed")


def test_a_reply_is_not_approved_while_the_comment_it_answers_is_off_the_site(
    api_as, moderator, story, make_comment, api
):
    comment = make_comment(story, "Rude words here.")
    reply = make_comment(story, "Agreed!", parent=comment)
    client = api_as(moderator)
    client.post(f"{QUEUE}{comment.pk}/remove/")
    before = database_state()

    refused = client.post(f"{QUEUE}{reply.pk}/approve/")

    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "A reply cannot be on the site while the comment it answers is not: approve that comment first."
    )
    assert database_state() == before
    assert api.get(f"/api/v1/articles/{story.pk}/comments/").json()["results"] == []
    assert api.get(f"/api/v1/articles/{story.pk}/").json()["comment_count"] == 0

    # Approving the comment brings the reply back with it, and neither is left marked as held.
    assert client.post(f"{QUEUE}{comment.pk}/approve/").status_code == 200
    rows = {c["id"]: c for c in client.get(f"{QUEUE}?state=published").json()["results"]}
    assert {(rows[c.pk]["state"], rows[c.pk]["held_by_rule"]) for c in (comment, reply)} == {
        ("published", "")
    }
    assert len(api.get(f"/api/v1/articles/{story.pk}/comments/").json()["results"]) == 2


def test_a_comment_brought_back_brings_back_only_replies_under_comments_on_the_site(
    api_as, moderator, story, make_comment, api
):
    """top > r1 > r2. r1 removed for itself (r2 leaves with it), then top removed and approved: top comes
    back, r1 stays removed, so r2 stays off too. A comment removed by its own decision after it had left with
    its thread is not brought back either."""
    client = api_as(moderator)
    top = make_comment(story, "Top")
    r1 = make_comment(story, "Reply", parent=top)
    r2 = make_comment(story, "Reply to the reply", parent=r1)
    other = make_comment(story, "Another reply", parent=top)
    for comment in (r1, top):
        assert client.post(f"{QUEUE}{comment.pk}/remove/").status_code == 200
    assert client.post(f"{QUEUE}{other.pk}/remove/").status_code == 200  # after it left with top

    assert client.post(f"{QUEUE}{top.pk}/approve/").status_code == 200

    public = api.get(f"/api/v1/articles/{story.pk}/comments/").json()["results"]
    assert [c["id"] for c in public] == [top.pk]
    states = {c.pk: client.get(f"{QUEUE}{c.pk}/").json()["state"] for c in (r1, r2, other)}
    assert states == {r1.pk: "removed", r2.pk: "held", other.pk: "removed"}


def test_a_decision_with_a_body_is_refused_naming_its_fields(api_as, moderator, story, make_comment):
    comment = held(make_comment, story, "Good news for night workers.")
    before = database_state()

    response = api_as(moderator).post(f"{QUEUE}{comment.pk}/remove/", {"reason": "rude"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Unknown or read-only field; it cannot be set here."]}
    for body in (5, True, "x", [1]):
        response = api_as(moderator).post(f"{QUEUE}{comment.pk}/remove/", body, format="json")
        assert response.status_code == 400 and response.json()["message"] == "This action takes no body."
    assert database_state() == before


def test_spam_and_keep(api_as, moderator, story, make_comment):
    spam = held(make_comment, story, "Cheap tickets!")
    reported = make_comment(story, "A fair point.")
    CommentReport.objects.create(comment=reported, reporter_key="k1")
    client = api_as(moderator)

    assert client.post(f"{QUEUE}{spam.pk}/spam/").json()["state"] == "spam"
    assert Moderation.objects.get(comment=spam).is_spam
    kept = client.post(f"{QUEUE}{reported.pk}/keep/").json()
    assert (kept["state"], kept["open_reports"]) == ("published", 0)
    assert CommentReport.objects.get(comment=reported).reviewed_at is not None
    assert ReaderComment.objects.approved().filter(pk=reported.pk).exists()


def test_keeping_a_comment_no_reader_reported_is_refused_saying_what_keep_is_for(
    api_as, moderator, story, make_comment
):
    """Keep on a held comment, or on one on the site with no open report, answered 200 and changed nothing,
    which read as done: the held one still waited, off the site."""
    waiting = held(make_comment, story, "Is the night ferry running in January?")
    shown = make_comment(story, "Nobody reported this one.")
    before = database_state()

    for comment in (waiting, shown):
        response = api_as(moderator).post(f"{QUEUE}{comment.pk}/keep/")
        assert response.status_code == 400 and response.json()["code"] == "invalid"
        assert response.json()["message"].startswith("Keep is for comments on the site that readers reported")
    assert database_state() == before


def test_a_decision_through_the_api_is_in_the_comment_s_history_as_one_in_the_admin_is(
    api_as, moderator, story, make_comment
):
    from django.contrib.admin.models import LogEntry

    spam = held(make_comment, story, "Cheap tickets!")
    reported = make_comment(story, "A fair point.")
    CommentReport.objects.create(comment=reported, reporter_key="k1")
    client = api_as(moderator)
    client.post(f"{QUEUE}{spam.pk}/spam/")
    client.post(f"{QUEUE}{reported.pk}/keep/")
    client.post(f"{QUEUE}{reported.pk}/remove/")

    logged = LogEntry.objects.order_by("pk").values_list("object_id", "user", "object_repr", "change_message")
    assert list(logged) == [
        (str(spam.pk), moderator.pk, f"Comment {spam.pk}", "Marked as spam."),
        (str(reported.pk), moderator.pk, f"Comment {reported.pk}", "Kept."),
        (str(reported.pk), moderator.pk, f"Comment {reported.pk}", "Removed."),
    ]


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("reader", 403), ("reporter", 403), ("moderator", 200), ("editor", 200)]
)
def test_only_those_who_moderate_reach_the_queue_or_decide(request, api_as, story, make_comment, who, status):
    comment = held(make_comment, story, "Held")
    client = api_as(request.getfixturevalue(who) if who else None)
    before = database_state()

    assert client.get(QUEUE).status_code == status
    assert client.get(f"{QUEUE}{comment.pk}/").status_code == status
    response = client.post(f"{QUEUE}{comment.pk}/approve/")

    assert response.status_code == status
    if status != 200:
        assert database_state() == before
        assert not any(secret in response.content.decode() for secret in PRIVATE)


@pytest.mark.parametrize(
    ("query", "field"),
    [("state=bogus", "state"), ("state=", "state"), ("rule=nope", "rule"), ("article=abc", "article"),
     ("article=99999999999999999999", "article"), ("page=2", "page"), ("email=sam", "email")],
)  # fmt: skip
def test_bad_queries_are_a_400_naming_the_parameter(api_as, moderator, query, field):
    response = api_as(moderator).get(f"{QUEUE}?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query" and field in response.json()["errors"]


def test_an_unknown_comment_is_a_404(api_as, moderator):
    assert api_as(moderator).post(f"{QUEUE}999999/approve/").status_code == 404
    assert api_as(moderator).get(f"{QUEUE}12abc/").status_code == 404


def test_a_moderator_paging_through_the_queue_while_deciding_misses_no_comment(
    api_as, moderator, story, make_comment
):
    """Comments held in the same instant (a burst from one thread): approving one already read between two
    pages made the next page start one too far, and a held comment was never shown."""
    from datetime import UTC, datetime

    at = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)
    queue = [held(make_comment, story, f"Held {n}", submit_date=at).pk for n in range(5)]
    client = api_as(moderator)
    first = client.get(f"{QUEUE}?page_size=2")
    assert [c["id"] for c in first.json()["results"]] == queue[:2]

    assert client.post(f"{QUEUE}{queue[0]}/approve/").status_code == 200

    seen, url = [], first.json()["next"]
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.content
        seen += [c["id"] for c in page.json()["results"]]
        url = page.json()["next"]
    assert seen == queue[2:]

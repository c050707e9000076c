"""Why a comment was held stays on its page after a moderator decides on it: an approved one said "Held by
rule: —" (the decision cleared the rule, and nothing kept it)."""

import pytest
from bs4 import BeautifulSoup

from comments import services
from comments.models import HoldRule, Moderation

from .helpers import QUEUE, admin_client, make_comment

pytestmark = pytest.mark.django_db


def rows_of_page(client, comment):
    """A comment's own page as label: value."""
    page = BeautifulSoup(client.get(f"{QUEUE}{comment.pk}/change/").content, "html.parser")
    return {
        row.select_one("label").get_text(): " ".join(row.select_one(".readonly").get_text().split())
        for row in page.select(".form-row")
    }


def rules_in_list(client, query):
    rows = BeautifulSoup(client.get(QUEUE + query).content, "html.parser").select("#result_list tbody tr")
    return {
        row.select_one(".field-excerpt").get_text(): row.select_one(".field-rule").get_text() for row in rows
    }


@pytest.mark.parametrize(
    ("action", "state", "shown"),
    [("approve", "published", "Published"), ("remove", "removed", "Removed"), ("mark_spam", "spam", "Spam")],
)
def test_a_decision_keeps_the_rule_that_held_the_comment_as_history(moderator, article, action, state, shown):
    held = make_comment(article, text="Two links", public=False, held_reason=HoldRule.LINKS)
    make_comment(article, text="Never held", email="n@example.net")
    client = admin_client(moderator)
    assert rows_of_page(client, held)["Held by rule:"] == "Too many links"

    client.post(QUEUE, {"action": action, "_selected_action": [held.pk]})

    rows = rows_of_page(client, held)
    assert rows["State:"] == shown
    assert rows["Was held by rule:"] == "Too many links" and "Held by rule:" not in rows
    moderation = Moderation.objects.get(comment=held)
    assert (moderation.held_reason, moderation.was_held_for) == ("", HoldRule.LINKS)  # held no more
    assert rules_in_list(client, "?state=all") == {"Two links": "Was held: Too many links", "Never held": "—"}
    assert rules_in_list(client, f"?state={state}&rule=links") == {"Two links": "Was held: Too many links"}
    assert rules_in_list(client, f"?state={state}&rule=words") == {}


def test_a_reply_hidden_with_its_thread_and_back_keeps_the_rule_that_first_held_it(moderator, article):
    parent = make_comment(article, text="parent words")
    reply = make_comment(
        article, text="reply words", email="r@example.net", parent=parent, public=False, held_reason="words"
    )
    services.approve_comments(comments=[reply], by=moderator)
    services.remove_comments(comments=[parent], by=moderator)
    client = admin_client(moderator)
    assert rows_of_page(client, reply)["Held by rule:"] == "Hidden with the comment it answers"

    services.approve_comments(comments=[parent], by=moderator)

    rows = rows_of_page(client, reply)
    assert rows["State:"] == "Published" and rows["Was held by rule:"] == "Moderation words"


def test_a_comment_never_held_says_so_before_and_after_a_decision(moderator, article):
    shown = make_comment(article, text="On the site at once")
    client = admin_client(moderator)
    assert rows_of_page(client, shown)["Held by rule:"] == "—"

    services.remove_comments(comments=[shown], by=moderator)

    rows = rows_of_page(client, shown)
    assert rows["Held by rule:"] == "—" and "Was held by rule:" not in rows

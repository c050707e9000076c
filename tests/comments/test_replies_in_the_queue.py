"""A reply in the moderation queue and on its own page comes with the comment it answers: "he deserves it"
cannot be judged without it."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import HoldRule

from .helpers import QUEUE, admin_client, make_comment

pytestmark = pytest.mark.django_db


def answers_in_queue(client, query=""):
    rows = BeautifulSoup(client.get(QUEUE + query).content, "html.parser").select("#result_list tbody tr")
    return {row.select_one(".field-excerpt").get_text(): row.select_one(".field-in_reply_to") for row in rows}


def test_a_held_reply_is_listed_with_the_comment_it_answers_its_addresses_masked(moderator, article):
    said = "The councillor wrote to sam@example.org and to s%40example.org before the vote. " + "More. " * 40
    parent = make_comment(article, name="Ada mail@example.net", text=said)
    make_comment(article, text="he deserves it", email="r@example.net", parent=parent, public=False)
    make_comment(article, text="a new thread", email="n@example.net", public=False)

    cells = answers_in_queue(admin_client(moderator))

    assert cells["a new thread"].get_text() == "—"
    answer = cells["he deserves it"]
    link = answer.select_one("a")
    assert link["href"] == f"{QUEUE}{parent.pk}/change/"
    assert link.get_text() == "Ada [email hidden]"
    text = answer.get_text()
    assert text.startswith(
        "Ada [email hidden]: “The councillor wrote to [email hidden] and to [email hidden] "
    )
    assert text.endswith("…”") and len(text) < len("Ada [email hidden]: “”") + 201
    assert "example.org" not in text and "example.net" not in text
    assert "(held)" not in text and "(removed)" not in text  # on the site: no state to tell


def test_the_queue_says_when_the_comment_a_reply_answers_is_held_removed_or_spam(moderator, article):
    parents = {
        state: make_comment(article, text=f"parent {state}", email=f"{state}@example.net", public=False)
        for state in ("held", "removed", "spam")
    }
    for state, parent in parents.items():
        make_comment(
            article, text=f"reply to {state}", email=f"r{state}@example.net", parent=parent, public=False
        )
    services.remove_comments(comments=[parents["removed"]], by=moderator)
    services.remove_comments(comments=[parents["spam"]], by=moderator, spam=True)

    cells = answers_in_queue(admin_client(moderator))

    assert {excerpt: cell.get_text() for excerpt, cell in cells.items() if excerpt.startswith("reply")} == {
        "reply to held": "Grace (held): “parent held”",
        "reply to removed": "Grace (removed): “parent removed”",
        "reply to spam": "Grace (spam): “parent spam”",
    }


def test_a_replys_own_page_says_what_it_answers_and_a_new_threads_page_does_not(moderator, article):
    parent = make_comment(article, name="Ada", text="Write to me at ada@example.org, councillor")
    reply = make_comment(article, text="he deserves it", email="r@example.net", parent=parent, public=False)
    client = admin_client(moderator)

    page = BeautifulSoup(client.get(f"{QUEUE}{reply.pk}/change/").content, "html.parser")

    row = page.select_one(".field-in_reply_to")
    assert " ".join(row.get_text().split()) == "In reply to: Ada: “Write to me at [email hidden], councillor”"
    assert row.select_one("a")["href"] == f"{QUEUE}{parent.pk}/change/"
    labels = [label.get_text() for label in page.select(".form-row label")]
    assert labels.index("In reply to:") < labels.index("Comment:")  # the context first, then the reply
    parents_page = client.get(f"{QUEUE}{parent.pk}/change/").content.decode()
    assert "In reply to" not in parents_page


def queue_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE + "?state=all")
    assert response.status_code == 200
    return len(queries)


# 10 today (as before the answered comments were shown), with one reply or many: those come in the list's own
# query.
QUEUE_BUDGET = 10


def test_the_queue_costs_the_same_queries_with_one_reply_or_many(
    moderator, article, django_assert_max_num_queries
):
    client = admin_client(moderator)
    first = make_comment(article, text="first", email="f0@example.net")
    make_comment(article, text="reply 0", email="r0@example.net", parent=first, held_reason=HoldRule.LINKS)
    few = queue_queries(client)
    for n in range(1, 12):
        parent = make_comment(article, text=f"parent {n}", email=f"p{n}@example.net", public=n % 2 == 0)
        make_comment(article, text=f"reply {n}", email=f"r{n}@example.net", parent=parent, public=False)

    with django_assert_max_num_queries(QUEUE_BUDGET):
        many = queue_queries(client)

    assert many == few, few
    cells = answers_in_queue(client, "?state=all")
    replies = [cell for excerpt, cell in cells.items() if excerpt.startswith("reply")]
    assert len(cells) == 24 and len(replies) == 12 and all(cell.select_one("a") for cell in replies)

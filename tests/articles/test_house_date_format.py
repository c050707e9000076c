"""The editors' desk writes every moment one way (settings' DATETIME_FORMAT, newsroom.formats): the article
list, the change page, History, the desk, the messages and the moderation queue wrote "20/11/2026 14:09",
"20 Nov 2026, 14:09", "Fri 20 Nov, 14:09 UTC" and "2026-11-20 14:09" for the same kind of moment."""

from datetime import UTC, datetime

import pytest
import reversion
from bs4 import BeautifulSoup
from reversion.models import Revision

from articles.models import Article, WorkflowEvent
from comments.models import Moderation
from tests.comments.helpers import QUEUE, make_comment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

RAN = datetime(2026, 11, 20, 14, 9, tzinfo=UTC)
RAN_SHOWN = "Fri 20 Nov 2026, 14:09 UTC"
DUE = datetime(2030, 11, 29, 6, 30, tzinfo=UTC)
DUE_SHOWN = "Fri 29 Nov 2030, 06:30 UTC"


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def test_article_list_change_page_history_and_desk_write_moments_the_same_way(client_as, editor):
    ran = ArticleFactory(headline="Quay reopens", published=True, published_at=RAN, first_published_at=RAN)
    with reversion.create_revision():
        ran.save()
    Revision.objects.update(date_created=RAN)
    ArticleFactory(headline="Derby preview", status=Article.Status.SCHEDULED, publish_at=DUE)
    WorkflowEvent.objects.create(article=ran, action=WorkflowEvent.Action.PUBLISHED, actor=editor, at=RAN)
    client = client_as(editor)

    listing = BeautifulSoup(client.get("/admin/articles/article/").content, "html.parser")
    when = {
        row.select_one("th, td.field-headline").get_text(strip=True): row.select_one(
            ".field-timing"
        ).get_text(strip=True)
        for row in listing.select("#result_list tbody tr")
    }
    assert when == {"Quay reopens": RAN_SHOWN, "Derby preview": f"Due {DUE_SHOWN}"}

    change = BeautifulSoup(client.get(f"/admin/articles/article/{ran.pk}/change/").content, "html.parser")
    for field in ("first_published_at", "published_at"):
        assert change.select_one(f".field-{field} .readonly").get_text(strip=True) == RAN_SHOWN
    assert f"Published by {editor} at {RAN_SHOWN}" in change.get_text()  # the workflow history's row

    history = BeautifulSoup(client.get(f"/admin/articles/article/{ran.pk}/history/").content, "html.parser")
    assert [th.get_text(strip=True) for th in history.select("#change-history tbody th")] == [RAN_SHOWN]

    desk = BeautifulSoup(client.get("/admin/").content, "html.parser")
    assert [t.get_text(strip=True) for t in desk.select("#desk-scheduled time")] == [DUE_SHOWN]


def test_the_moderation_queue_writes_moments_as_the_desk_does(client_as, moderator):
    comment = make_comment(ArticleFactory(published=True), when=RAN, public=True)
    Moderation.objects.filter(comment=comment).update(decided_by=moderator, decided_at=RAN)

    page = text_of(client_as(moderator).get(f"{QUEUE}{comment.pk}/change/"))

    assert f"Approved by {moderator.get_full_name() or moderator.username}, {RAN_SHOWN}" in page
    assert f"Date/time submitted: {RAN_SHOWN}" in page

"""The moderation queue: held comments with article, excerpt, age and rule; bulk decisions; who sees what."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.contrib.messages import ERROR, SUCCESS
from django.core import mail
from django.urls import reverse

from comments import services
from comments.models import CommentReport, HoldRule, ReaderComment
from tests.factories import UserFactory

from .helpers import COMMITS, QUEUE, Client, admin_client, make_comment

pytestmark = pytest.mark.django_db


def test_queue_lists_held_comments_with_article_excerpt_age_and_rule(moderator, article):
    make_comment(article, text="Held for links " + "long " * 40, public=False, held_reason=HoldRule.LINKS)
    make_comment(article, text="Already public", email="p@example.net")
    page = admin_client(moderator).get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Moderation queue" in html
    assert "Held for links" in html and "Already public" not in html
    assert article.headline in html
    assert "Too many links" in html
    assert "just now" in html
    assert "grace@example.net" not in html and "198.51.100.7" not in html
    assert "withdrawn" not in html


def test_the_queue_says_when_a_comment_was_posted_as_the_digest_does(moderator, article):
    """Django's timesince counts the last minute as "0 minutes": the queue said "0 minutes" for a fresh
    comment, where the digest says "just now"."""
    from datetime import timedelta

    from django.utils import timezone

    make_comment(article, text="fresh words", public=False)
    make_comment(
        article,
        text="older words",
        email="o@example.net",
        public=False,
        when=timezone.now() - timedelta(hours=2, minutes=5),
    )

    page = BeautifulSoup(admin_client(moderator).get(QUEUE).content, "html.parser")

    rows = page.select("#result_list tbody tr")
    posted = {
        row.select_one(".field-excerpt").get_text(): row.select_one(".field-age").get_text() for row in rows
    }
    assert posted == {"older words": "2\xa0hours, 5\xa0minutes ago", "fresh words": "just now"}
    assert page.select_one("#result_list th.column-age").get_text(strip=True) == "Posted"


@pytest.mark.parametrize(
    ("state", "title"),
    [("held", "Moderation queue"), ("published", "Published comments"), ("spam", "Comments marked as spam")],
)
def test_the_list_is_headed_by_the_state_it_shows(moderator, article, state, title):
    page = admin_client(moderator).get(f"{QUEUE}?state={state}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.h1.get_text(strip=True) == title
    assert soup.title.get_text().startswith(title)


def test_a_withdrawn_storys_headline_is_named_to_who_may_read_drafts_only(moderator, editor, article):
    make_comment(article, text="Held for a moderator", public=False)
    Article = type(article)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.UNPUBLISHED, headline="Embargoed: council leader to resign"
    )
    moderators = admin_client(moderator)
    for query in ("", f"?article={article.pk}", "?q=Embargoed", "?q=council+leader"):
        response = moderators.get(QUEUE + query)
        assert response.status_code == 200 and "leader to resign" not in response.content.decode(), query
    html = moderators.get(QUEUE).content.decode()
    assert "Held for a moderator" in html and "A story not on the site" in html
    assert f"A story not on the site (no. {article.pk})" in moderators.get(QUEUE).content.decode()
    assert "Held for a moderator" not in moderators.get(QUEUE + "?q=Embargoed").content.decode()
    comment_page = moderators.get(f"{QUEUE}{ReaderComment.objects.get().pk}/change/").content.decode()
    assert "Held for a moderator" in comment_page and "leader to resign" not in comment_page

    html = admin_client(editor).get(QUEUE + "?q=Embargoed").content.decode()
    assert "Held for a moderator" in html
    assert "Embargoed: council leader to resign" in html and "(withdrawn: not on the site)" in html


def test_bulk_approve_remove_and_spam(moderator, article):
    held = [
        make_comment(article, email=f"h{n}@example.net", text=f"held {n}", public=False) for n in range(3)
    ]
    client = admin_client(moderator)
    client.post(QUEUE, {"action": "approve", "_selected_action": [held[0].pk]})
    client.post(QUEUE, {"action": "remove", "_selected_action": [held[1].pk]})
    client.post(QUEUE, {"action": "mark_spam", "_selected_action": [held[2].pk]})
    states = {c.comment: c.state for c in ReaderComment.objects.select_related("moderation")}
    assert states == {"held 0": "published", "held 1": "removed", "held 2": "spam"}
    assert ReaderComment.objects.get(comment="held 0").moderation.decided_by == moderator
    assert "held 2" in client.get(QUEUE + "?state=spam").content.decode()
    assert "held 1" in client.get(QUEUE + "?state=removed").content.decode()
    assert "held 0" in client.get(QUEUE + "?state=published").content.decode()


def test_a_comments_history_lists_every_decision_with_who_took_it(moderator, editor, article):
    """Its History said "This object doesn't have a change history. It probably wasn't added via this admin
    site." after moderators had approved and removed it there; only the last decision was anywhere."""
    held = make_comment(article, text="The ferry was late again", public=False)
    other = make_comment(article, text="Already on the site")
    admin_client(moderator).post(
        QUEUE + "?state=all", {"action": "approve", "_selected_action": [held.pk, other.pk]}
    )
    admin_client(editor).post(QUEUE + "?state=all", {"action": "mark_spam", "_selected_action": [held.pk]})

    history = admin_client(moderator).get(
        reverse("admin:newsroom_comments_readercomment_history", args=[held.pk])
    )

    assert history.status_code == 200
    assert [(entry.user, entry.get_change_message()) for entry in history.context["action_list"]] == [
        (moderator, "Approved."),
        (editor, "Marked as spam."),
    ]
    assert "doesn’t have a change history" not in history.content.decode()
    # Named by number in the log, which outlives an erasure of the writer's name and text.
    assert {entry.object_repr for entry in history.context["action_list"]} == {f"Comment {held.pk}"}
    untouched = admin_client(moderator).get(
        reverse("admin:newsroom_comments_readercomment_history", args=[other.pk])
    )
    assert list(untouched.context["action_list"]) == []  # selected, but already approved: nothing done


def test_filters_by_rule_and_article_and_search(moderator, article):
    from tests.factories import ArticleFactory

    other = ArticleFactory(published=True, headline="Ferry timetable changes")
    make_comment(article, text="words one", public=False, held_reason=HoldRule.WORDS)
    make_comment(
        article, text="first one", email="f@example.net", public=False, held_reason=HoldRule.FIRST_TIME
    )
    make_comment(other, text="other article", email="o@example.net", public=False, held_reason=HoldRule.WORDS)
    client = admin_client(moderator)
    by_rule = client.get(QUEUE + "?rule=words").content.decode()
    assert "words one" in by_rule and "other article" in by_rule and "first one" not in by_rule
    by_article = client.get(QUEUE + f"?article={other.pk}").content.decode()
    assert "other article" in by_article and "words one" not in by_article
    searched = client.get(QUEUE + "?q=first").content.decode()
    assert "first one" in searched and "words one" not in searched
    by_headline = client.get(QUEUE + "?q=Ferry").content.decode()
    assert "other article" in by_headline and "words one" not in by_headline


def test_moderators_moderate_comments_and_nothing_else(moderator):
    client = admin_client(moderator)
    assert client.get(QUEUE).status_code == 200
    for url in [
        "/admin/articles/article/",
        "/admin/auth/user/",
        "/admin/authors/author/",
        "/admin/auth/group/",
    ]:
        assert client.get(url).status_code == 403, url
    index = client.get("/admin/").content.decode()
    assert "Reader comments" in index and "Articles" not in index


BLOCKED_DOMAINS = "/admin/django_comments_xtd/blacklisteddomain/"


@pytest.mark.parametrize(
    "typed", ["@spam.example", "bot@spam.example", "https://spam.example/", "<b>spam</b>.example", "spam"]
)
def test_a_blocked_domain_is_a_domain_or_it_is_refused_beside_the_field(moderator, article, typed):
    """Whatever was typed was added "successfully": "@spam.example" blocked nobody, as addresses are matched
    on what follows their "@"."""
    from django_comments_xtd.models import BlackListedDomain

    client = admin_client(moderator)

    response = client.post(BLOCKED_DOMAINS + "add/", {"domain": typed})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["domain"] == [
        "Type the domain alone, as it comes after the “@” of an address: spam.example (which blocks "
        "mail.spam.example too)."
    ]
    assert not BlackListedDomain.objects.exists()
    assert client.post(BLOCKED_DOMAINS + "add/", {"domain": "Spam.Example."}).status_code == 302
    assert list(BlackListedDomain.objects.values_list("domain", flat=True)) == ["spam.example"]


def test_view_on_site_names_no_address_a_role_may_not_see(moderator, editor):
    """Django's /admin/r/<type>/<id>/ answers any staff member with the object's address: a draft's
    section, date and slug. It answers only who may view the object, and for an article once it runs."""
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article
    from tests.factories import ArticleFactory

    article_type = ContentType.objects.get_for_model(Article).pk
    draft = ArticleFactory(slug="council-leader-to-resign")
    published = ArticleFactory(published=True, slug="ferry-runs-all-winter")
    for user, article, expected in [
        (moderator, draft, 404),
        (moderator, published, 404),
        (editor, draft, 404),
        (editor, published, 302),
    ]:
        response = admin_client(user).get(f"/admin/r/{article_type}/{article.pk}/")
        assert response.status_code == expected, (user, article)
        assert "council-leader" not in response.get("Location", "")
    response = admin_client(editor).get(f"/admin/r/{article_type}/{published.pk}/")
    assert response["Location"].endswith(published.get_absolute_url())
    assert admin_client(editor).get("/admin/r/999999/1/").status_code == 404
    section = published.section  # other models keep Django's own shortcut
    section_type = ContentType.objects.get_for_model(section).pk
    response = admin_client(editor).get(f"/admin/r/{section_type}/{section.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(section.get_absolute_url())


def test_a_comments_own_address_leads_to_its_published_story_and_nothing_else(article, client):
    """Comment.get_absolute_url() goes through /comments/cr/<type>/<id>/; any other id is a plain 404."""
    from tests.factories import ArticleFactory

    comment = make_comment(article)
    response = client.get(comment.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(article.get_absolute_url())
    article_type = comment.content_type_id
    draft = ArticleFactory(slug="council-leader-to-resign")
    for object_pk in [str(draft.pk), "abc", "1.5", "%20", "%00", "-1", "9" * 30]:
        response = client.get(f"/comments/cr/{article_type}/{object_pk}/")
        assert response.status_code == 404, object_pk
        assert "couldn’t find that page" in response.content.decode()


def test_a_comments_page_links_its_articles_queue_and_the_site_only_while_readers_see_it(
    moderator, editor, article
):
    from articles import services as articles

    comment = make_comment(article)
    page = admin_client(moderator).get(f"{QUEUE}{comment.pk}/change/").content.decode()
    assert f'href="{QUEUE}?article={article.pk}"' in page  # the queue, not this page with a query
    assert f'href="/comments/cr/{comment.content_type_id}/{article.pk}/#c{comment.pk}"' in page

    articles.unpublish_article(article=article, by=editor)
    page = admin_client(moderator).get(f"{QUEUE}{comment.pk}/change/").content.decode()
    assert f'href="{QUEUE}?article={article.pk}"' in page
    assert "/comments/cr/" not in page  # "View on site" would be a 404 now


def test_a_comments_page_says_who_decided_last_and_when(moderator, article):
    from comments import services

    moderator.first_name, moderator.last_name = "Mo", "Derator"
    moderator.save()
    comment = make_comment(article)
    page = admin_client(moderator).get(f"{QUEUE}{comment.pk}/change/").content.decode()
    assert "<h1>Reader comment</h1>" in page and "None yet" in page and "Followup" not in page

    services.remove_comments(comments=[comment], by=moderator, spam=True)
    page = admin_client(moderator).get(f"{QUEUE}{comment.pk}/change/").content.decode()
    assert re.search(r"Marked as spam by Mo Derator, \w{3} \d+ \w{3} 20\d\d, \d\d:\d\d UTC<", page)


def test_email_and_ip_only_with_the_personal_data_permission(moderator, article):
    comment = make_comment(article, public=False)
    change = f"{QUEUE}{comment.pk}/change/"
    client = admin_client(moderator)
    html = client.get(change).content.decode()
    assert "grace@example.net" not in html and "198.51.100.7" not in html
    assert client.get(QUEUE + "?q=grace@example.net").content.decode().count("Well reported") == 0
    moderator.user_permissions.add(Permission.objects.get(codename="view_commenter_personal_data"))
    client = admin_client(type(moderator).objects.get(pk=moderator.pk))
    html = client.get(change).content.decode()
    assert "grace@example.net" in html and "198.51.100.7" in html
    assert "Well reported" in client.get(QUEUE + "?q=grace@example.net").content.decode()
    assert "grace@example.net" not in client.get(QUEUE).content.decode()  # never in list columns


@pytest.mark.parametrize(
    "lookup",
    [
        "user_email=grace@example.net",
        "user_email__startswith=g",
        "user_email__iendswith=example.net",
        "ip_address=198.51.100.7",
        "ip_address__startswith=198.",
        "ip_address__isnull=False",
    ],
)
def test_the_queue_cannot_be_filtered_on_email_or_ip_from_the_address(moderator, editor, article, lookup):
    make_comment(article, public=False, text="Well reported")
    for user in (moderator, editor):
        response = admin_client(user).get(f"{QUEUE}?state=all&{lookup}")
        assert response.status_code == 400 and b"Well reported" not in response.content
    user_with_permission = UserFactory(is_staff=True, is_superuser=True)
    response = admin_client(user_with_permission).get(f"{QUEUE}?state=all&{lookup}")
    assert response.status_code == 200 and b"Well reported" in response.content


def test_personal_data_permission_belongs_to_no_role():
    holders = Permission.objects.get(codename="view_commenter_personal_data").group_set.all()
    assert list(holders) == []


def test_xss_payloads_are_inert_in_the_admin(moderator, article):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    make_comment(article, name=payload[:50], text=payload, public=False)
    html = admin_client(moderator).get(QUEUE).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_staff_export_and_erase_from_the_admin(article):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    comment = make_comment(article, public=False)
    make_comment(article, text="another by grace", email="GRACE@example.net")
    client = admin_client(boss)
    export = client.post(
        QUEUE + "?state=all", {"action": "export_personal_data", "_selected_action": [comment.pk]}
    )
    assert export["Content-Type"] == "application/json"
    data = export.json()["grace@example.net"]
    assert {row["text"] for row in data} == {"Well reported.", "another by grace"}
    assert data[0]["ip_address"] == "198.51.100.7"
    client.post(QUEUE + "?state=all", {"action": "erase_personal_data", "_selected_action": [comment.pk]})
    assert set(ReaderComment.objects.values_list("user_name", "user_email", "ip_address")) == {
        ("Anonymous", "", None)
    }
    assert mail.outbox == []


def test_staff_erasure_is_done_at_once_and_says_how_many_comments(article):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    comment = make_comment(article)
    make_comment(article, text="another by grace")
    response = admin_client(boss).post(
        QUEUE + "?state=all", {"action": "erase_personal_data", "_selected_action": [comment.pk]}, follow=True
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Erased: 2 comments (the selected ones and their writers' others by the same email or account) "
        "no longer show a name, email, website or IP."
    ]
    assert set(ReaderComment.objects.values_list("user_name", "user_email", "ip_address")) == {
        ("Anonymous", "", None)
    }


def test_management_command_exports_and_erases(article, capsys):
    from django.core.management import call_command

    make_comment(article)
    call_command("commenter_data", "export", "grace@example.net")
    assert '"email": "grace@example.net"' in capsys.readouterr().out
    call_command("commenter_data", "erase", "grace@example.net", "--remove-texts")
    comment = ReaderComment.objects.get()
    assert (comment.user_name, comment.user_email, comment.ip_address) == ("Anonymous", "", None)
    assert comment.comment == "[removed at the commenter's request]"


def test_removing_a_comment_takes_its_replies_off_the_page_and_the_count(moderator, article, client):
    from comments import services
    from comments.queries import comment_count

    parent = make_comment(article, text="parent words")
    make_comment(article, text="child words", email="c@example.net", parent=parent)
    assert comment_count(article) == 2
    services.remove_comments(comments=[parent], by=moderator)
    assert comment_count(article) == 0
    page = client.get(article.get_absolute_url()).content.decode()
    assert "parent words" not in page and "child words" not in page


@COMMITS
def test_replies_that_leave_with_a_spammed_comment_are_labelled_and_come_back_with_it(
    moderator, article, client
):
    """They wait for no decision: the queue says why they are hidden, the digest does not count them, and
    approving the comment they answer brings them back (one held for itself stays held)."""
    from comments import services

    parent = make_comment(article, text="parent words")
    kind = make_comment(article, text="kind reply", email="k@example.net", parent=parent)
    own = make_comment(article, text="held reply", email="h@example.net", parent=parent, public=False)
    services.remove_comments(comments=[parent], by=moderator, spam=True)

    kind.refresh_from_db()
    assert not kind.is_public and kind.moderation.held_reason == HoldRule.THREAD_REMOVED
    queue = admin_client(moderator).get(QUEUE).content.decode()  # the held comments, first
    assert "kind reply" in queue and "Hidden with the comment it answers" in queue
    assert services.queue_held_digest() == 0 and not mail.outbox  # neither reply can be approved now

    services.approve_comments(comments=[parent], by=moderator)
    kind.refresh_from_db()
    own.refresh_from_db()
    assert kind.is_public and kind.moderation.held_reason == ""
    assert not own.is_public
    page = client.get(article.get_absolute_url()).content.decode()
    assert "parent words" in page and "kind reply" in page and "held reply" not in page


@COMMITS
def test_a_reply_held_for_itself_under_a_removed_comment_is_not_counted_as_waiting(moderator, article):
    """Held for its links, then the comment it answers was removed: approving it alone is refused, yet the
    desk and the digest counted it as waiting. The queue still lists it, and says why it is not counted;
    approving the comment it answers brings it back to the count."""
    parent = make_comment(article, text="parent words")
    make_comment(
        article,
        text="linky reply",
        email="l@example.net",
        parent=parent,
        public=False,
        held_reason=HoldRule.LINKS,
    )
    make_comment(article, text="first words", email="f@example.net", public=False, held_reason="first_time")
    client = admin_client(moderator)
    assert desk_pile(client, "comments")[0] == 2

    services.remove_comments(comments=[parent], by=moderator)

    assert desk_pile(client, "comments")[0] == 1
    assert services.queue_held_digest() == 1
    (digest,) = mail.outbox
    assert digest.body.startswith("1 comment waiting for moderation")
    assert "first words" in digest.body and "linky reply" not in digest.body
    rows = BeautifulSoup(client.get(QUEUE).content, "html.parser").select("#result_list tbody tr")
    rules = {
        row.select_one(".field-excerpt").get_text(): row.select_one(".field-rule").get_text() for row in rows
    }
    assert rules == {
        "first words": "First-time commenter",
        "linky reply": "Too many links; not counted as waiting while the comment it answers is off the site",
    }
    services.approve_comments(comments=[parent], by=moderator)
    assert desk_pile(client, "comments")[0] == 2


def test_a_reply_is_approved_with_the_comment_it_answers_or_not_at_all(moderator, article, client):
    from comments import services

    parent = make_comment(article, text="parent words")
    reply = make_comment(article, text="reply words", email="r@example.net", parent=parent)
    services.remove_comments(comments=[parent], by=moderator)
    queue = admin_client(moderator)

    alone = queue.post(
        QUEUE + "?state=all", {"action": "approve", "_selected_action": [reply.pk]}, follow=True
    )

    assert "approve that comment first" in alone.content.decode()
    assert not ReaderComment.objects.approved().filter(pk__in=[parent.pk, reply.pk]).exists()
    both = queue.post(
        QUEUE + "?state=all", {"action": "approve", "_selected_action": [reply.pk, parent.pk]}, follow=True
    )
    assert "2 comments approved." in both.content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "parent words" in page and "reply words" in page


def test_a_bulk_decision_says_how_many_of_those_selected_it_left_as_they_were(moderator, article):
    """ "Approve" on three comments, one of them held, said "1 comment approved." and nothing of the rest."""
    held = make_comment(article, text="Waiting", email="w@example.net", public=False)
    shown = [make_comment(article, text=f"Up {n}", email=f"u{n}@example.net") for n in range(2)]
    queue = admin_client(moderator)

    response = queue.post(
        QUEUE + "?state=all",
        {"action": "approve", "_selected_action": [held.pk, *(c.pk for c in shown)]},
        follow=True,
    )

    said = [(m.level, str(m)) for m in response.context["messages"]]
    assert said == [(SUCCESS, "1 comment approved; the 2 others selected were left as they were.")]
    held.refresh_from_db()
    assert held.is_public
    one_left = queue.post(
        QUEUE + "?state=all", {"action": "remove", "_selected_action": [shown[0].pk]}, follow=True
    )
    assert [str(m) for m in one_left.context["messages"]] == ["1 comment removed."]


def test_only_moderators_can_decide(reader, article):
    from django.core.exceptions import PermissionDenied

    from comments import services

    held = make_comment(article, public=False)
    with pytest.raises(PermissionDenied):
        services.approve_comments(comments=[held], by=reader)
    held.refresh_from_db()
    assert not held.is_public


def report_as_reader(comment, address, reason="abuse"):
    """A reader flags the comment through the public form, from their own address."""
    client = Client(REMOTE_ADDR=address)
    page = client.get(f"/comments/report/{comment.pk}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        f"/comments/report/{comment.pk}/", {"csrfmiddlewaretoken": token, "reason": reason}
    )
    assert response.status_code == 200 and b"A moderator will look" in response.content


def desk_pile(client, key):
    box = BeautifulSoup(client.get("/admin/").content, "html.parser").select_one(f"#desk-{key}")
    return int(box.select_one(".desk-count")["data-count"]), box.select_one("h3 a")["href"]


def test_the_article_filter_offers_the_articles_with_comments_in_the_state_shown(moderator, article):
    from tests.factories import ArticleFactory

    reported_on = ArticleFactory(published=True, headline="Night ferry to run all winter")
    quiet = ArticleFactory(published=True, headline="Library opening hours")
    make_comment(article, text="Waiting for a moderator", public=False)
    flagged = make_comment(reported_on, text="Flagged by a reader", email="f@example.net")
    report_as_reader(flagged, "203.0.113.1")
    make_comment(quiet, text="Nothing wrong here", email="q@example.net")
    client = admin_client(moderator)

    def offered(query):
        page = BeautifulSoup(client.get(QUEUE + query).content, "html.parser")
        heading = page.find(lambda tag: tag.name in ("h3", "summary") and "By article" in tag.get_text())
        return [link.get_text(strip=True) for link in heading.find_next("ul").find_all("a")][1:]  # not "All"

    assert offered("") == [article.headline]
    assert offered("?state=reported") == [reported_on.headline]
    assert offered("?state=published") == [quiet.headline, reported_on.headline]  # latest comment first
    assert sorted(offered("?state=all")) == sorted([article.headline, reported_on.headline, quiet.headline])
    chosen = client.get(QUEUE + f"?state=reported&article={reported_on.pk}").content.decode()
    assert "Flagged by a reader" in chosen and "Waiting for a moderator" not in chosen

    # An article with no comment at all (a draft, say) is never named to a moderator, whatever the address.
    draft = ArticleFactory(headline="Embargoed: council leader to resign")
    for query in (f"?article={draft.pk}", f"?state=all&article={draft.pk}", "?article=99999999999999999999"):
        response = client.get(QUEUE + query)
        assert response.status_code in (200, 302, 400)  # 400: a number longer than any id
        assert "Embargoed" not in response.content.decode()


def test_reported_comments_reach_the_moderators_desk_and_queue_until_one_decides(moderator, article):
    flagged = make_comment(article, text="You are all idiots", email="f@example.net")
    make_comment(article, text="A fair point about the timetable", email="g@example.net")
    report_as_reader(flagged, "203.0.113.1")
    report_as_reader(flagged, "203.0.113.2")
    report_as_reader(flagged, "203.0.113.4", reason="spam")
    client = admin_client(moderator)

    count, link = desk_pile(client, "reported")
    assert count == 1 and link == QUEUE + "?state=reported"
    listed = client.get(link)
    assert [c.comment for c in listed.context["cl"].result_list] == ["You are all idiots"]
    why = "3 (open: Abusive or hateful 2, Spam 1)"  # what readers reported decides keep or remove
    assert BeautifulSoup(listed.content, "html.parser").select_one("td.field-reports").get_text() == why
    own_page = client.get(reverse("admin:newsroom_comments_readercomment_change", args=[flagged.pk]))
    assert why in own_page.content.decode()

    response = client.post(link, {"action": "keep", "_selected_action": [flagged.pk]}, follow=True)
    assert "1 comment kept." in response.content.decode()
    assert CommentReport.objects.filter(reviewed_at__isnull=True).count() == 0
    flagged.refresh_from_db()
    assert flagged.is_public and not flagged.is_removed
    assert flagged.moderation.decided_by == moderator
    assert desk_pile(client, "reported")[0] == 0
    assert list(client.get(link).context["cl"].result_list) == []

    # A new report after the decision opens it again.
    report_as_reader(flagged, "203.0.113.3")
    assert desk_pile(client, "reported")[0] == 1
    listed = BeautifulSoup(client.get(link).content, "html.parser")
    assert listed.select_one("td.field-reports").get_text() == "4 (open: Abusive or hateful 1)"


def test_removing_a_reported_comment_closes_its_reports_and_takes_it_off_the_page(moderator, article):
    flagged = make_comment(article, text="Buy cheap watches", email="s@example.net")
    report_as_reader(flagged, "203.0.113.9")
    client = admin_client(moderator)

    client.post(QUEUE + "?state=reported", {"action": "mark_spam", "_selected_action": [flagged.pk]})

    report = CommentReport.objects.get()
    assert report.reviewed_at is not None
    assert desk_pile(client, "reported")[0] == 0
    assert "Buy cheap watches" not in Client().get(article.get_absolute_url()).content.decode()


def test_keeping_is_only_for_reported_comments_and_only_for_moderators(moderator, editor, reporter, article):
    held = make_comment(article, text="Still waiting", email="w@example.net", public=False)
    client = admin_client(moderator)
    response = client.post(QUEUE, {"action": "keep", "_selected_action": [held.pk]}, follow=True)
    assert response.status_code == 200
    said = [(m.level, str(m)) for m in response.context["messages"]]
    refusal = (
        "Keep is for comments on the site that readers reported, and closes their reports; none of these"
    )
    assert len(said) == 1 and said[0][0] == ERROR and said[0][1].startswith(refusal)
    assert "0 comments kept" not in response.content.decode()
    held.refresh_from_db()
    assert not held.is_public

    flagged = make_comment(article, text="Reported once", email="r@example.net")
    report_as_reader(flagged, "203.0.113.4")
    response = admin_client(reporter).post(QUEUE, {"action": "keep", "_selected_action": [flagged.pk]})
    assert response.status_code == 403
    assert CommentReport.objects.get().reviewed_at is None


def test_a_comment_page_offers_the_decisions_its_state_allows_and_no_save(moderator, article):
    held = make_comment(article, text="Waiting here", email="w@example.net", public=False)
    flagged = make_comment(article, text="Reported here", email="r@example.net")
    report_as_reader(flagged, "203.0.113.5")
    client = admin_client(moderator)

    def buttons(comment):
        page = client.get(f"{QUEUE}{comment.pk}/change/")
        assert page.status_code == 200
        soup = BeautifulSoup(page.content, "html.parser")
        assert soup.select('input[name="_save"], input[name="_continue"]') == []
        return [b["value"] for b in soup.select('form.comment-decisions button[name="action"]')]

    assert buttons(held) == ["approve", "remove", "mark_spam"]
    assert buttons(flagged) == ["keep", "remove", "mark_spam"]

    # A button does what the queue's action does, whatever the comment's state (the form as the page has it).
    assert press(client, held, "approve") == ["1 comment approved."]
    held.refresh_from_db()
    assert held.is_public
    assert buttons(held) == ["remove", "mark_spam"]

    assert press(client, flagged, "keep") == ["1 comment kept."]
    assert not CommentReport.objects.filter(comment=flagged, reviewed_at__isnull=True).exists()
    assert press(client, flagged, "remove") == ["1 comment removed."]
    flagged.refresh_from_db()
    assert flagged.is_removed and buttons(flagged) == ["approve"]
    assert press(client, flagged, "approve") == ["1 comment approved."]
    flagged.refresh_from_db()
    assert flagged.is_public and not flagged.is_removed


def another_moderator(moderator, username, first_name, last_name):
    other = UserFactory(username=username, first_name=first_name, last_name=last_name, is_staff=True)
    other.groups.add(*moderator.groups.all())
    return other


def test_a_keep_from_another_moderator_is_not_overturned_by_a_remove_from_an_older_page(moderator, article):
    """Keep closes the reports and leaves the comment published: the state alone would not tell."""
    flagged = make_comment(article, text="Reported here", email="r@example.net")
    report_as_reader(flagged, "203.0.113.5")
    client = admin_client(moderator)
    remove = opened_page(client, flagged)
    services.keep_comments(comments=[flagged], by=another_moderator(moderator, "kim_mod", "Kim", "Keeper"))

    response = remove("remove")

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "Not done: this comment changed since you opened its page" in messages[0]
    flagged.refresh_from_db()
    assert flagged.is_public and not flagged.is_removed


def test_a_decision_from_an_older_page_does_not_overturn_another_moderators(moderator, article):
    """B opened the held comment's page; A removed it meanwhile; B's Approve is not taken, and says why."""
    held = make_comment(article, text="Waiting here", email="w@example.net", public=False)
    client = admin_client(moderator)
    approve = opened_page(client, held)
    services.remove_comments(comments=[held], by=another_moderator(moderator, "sam_mod", "Sam", "Moderator"))

    response = approve("approve")

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith(
        "Not done: this comment changed since you opened its page (Removed by Sam Moderator, "
    )
    assert response.redirect_chain[-1][0] == f"{QUEUE}{held.pk}/change/"
    held.refresh_from_db()
    assert held.is_removed and not held.is_public


def opened_page(client, comment):
    """The comment's own page as opened now; pressing one of its buttons later sends its form as it was."""
    form = BeautifulSoup(client.get(f"{QUEUE}{comment.pk}/change/").content, "html.parser").select_one(
        "form.comment-decisions"
    )
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}

    def press_button(action):
        response = client.post(form["action"], {**data, "action": action}, follow=True)
        assert response.status_code == 200
        return response

    return press_button


def press(client, comment, action):
    """Press a decision button on the comment's own page, sending its form where the page sends it."""
    return [str(m) for m in opened_page(client, comment)(action).context["messages"]]


def test_the_queue_loads_the_script_that_asks_before_removing(moderator, article):
    """Remove and Mark as spam take a comment off the site: static/admin_desk/confirm.js asks first (the
    same script's question on Unpublish is proved in Chromium, tests/browser/test_editor_journey.py)."""
    make_comment(article, text="Held", public=False)
    html = admin_client(moderator).get(QUEUE).content.decode()
    assert "admin_desk/confirm.js" in html
    assert 'value="remove"' in html and 'value="mark_spam"' in html


def test_a_decision_on_a_comment_s_page_leads_back_to_the_pile_it_was_opened_from(moderator, article):
    """It led to every comment in every state (the form posts there so the action finds the comment), and a
    moderator working the reported pile had to choose that pile again after each comment."""
    flagged = make_comment(article, text="Reported here", email="r@example.net")
    report_as_reader(flagged, "203.0.113.5")
    held = make_comment(article, text="Waiting here", email="w@example.net", public=False)
    client = admin_client(moderator)

    def decide(comment, action, opened_with):
        page = client.get(f"{QUEUE}{comment.pk}/change/", opened_with)
        form = BeautifulSoup(page.content, "html.parser").select_one("form.comment-decisions")
        data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
        return client.post(form["action"], {**data, "action": action})

    response = decide(flagged, "remove", {"_changelist_filters": "state=reported"})
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?state=reported"
    flagged.refresh_from_db()
    assert flagged.is_removed
    queue = client.get(response["Location"])
    assert [str(m) for m in queue.context["messages"]] == ["1 comment removed."]

    response = decide(held, "approve", {})  # opened from the queue as it opens: the held pile
    assert response.status_code == 302 and response["Location"] == QUEUE
    held.refresh_from_db()
    assert held.is_public


def test_a_decision_refused_as_stale_keeps_the_pile_the_comment_was_opened_from(moderator, article):
    """ "Not done: this comment changed…" showed the comment again without the pile it came from, so the
    decision taken there led to every comment in every state, not back to the reported pile."""
    flagged = make_comment(article, text="Reported here", email="r@example.net")
    report_as_reader(flagged, "203.0.113.5")
    client = admin_client(moderator)

    def decide(url, action):
        form = BeautifulSoup(client.get(url).content, "html.parser").select_one("form.comment-decisions")
        data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
        return client.post(form["action"], {**data, "action": action})

    opened = f"{QUEUE}{flagged.pk}/change/?_changelist_filters=state%3Dreported"
    page = BeautifulSoup(client.get(opened).content, "html.parser").select_one("form.comment-decisions")
    stale = {field["name"]: field.get("value", "") for field in page.select("input[type=hidden]")}
    services.keep_comments(comments=[flagged], by=another_moderator(moderator, "kim_mod", "Kim", "Keeper"))

    refused = client.post(page["action"], {**stale, "action": "remove"})
    assert refused.status_code == 302
    assert refused["Location"] == f"{QUEUE}{flagged.pk}/change/?_changelist_filters=state%3Dreported"

    response = decide(refused["Location"], "remove")
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?state=reported"
    flagged.refresh_from_db()
    assert flagged.is_removed


def test_the_queue_names_each_comment_s_state_as_its_filter_does(moderator, article):
    """The State column wrote "held" and "spam" in lower case beside the filter's "Held" and "Spam"."""
    from bs4 import BeautifulSoup

    from comments import services

    make_comment(article, text="Waiting", public=False)
    junk = make_comment(article, text="Buy now")
    services.remove_comments(comments=[junk], by=moderator, spam=True)

    page = BeautifulSoup(admin_client(moderator).get(QUEUE + "?state=all").content, "html.parser")

    states = [cell.get_text() for cell in page.select("#result_list td.field-state_label")]
    assert sorted(states) == ["Held", "Spam"]

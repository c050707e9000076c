"""The editors' admin, driven as a browser would: real GETs and POSTs with the inlines' management forms."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from reversion.models import Version

from articles import services
from articles.admin import NO_BYLINE_AUTHOR, ArticleAdminForm
from articles.models import Article, EditorialNote, WorkflowEvent
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.site_data import page

from .admin_forms import add_inline_rows, assert_shown_as_read_only_text, form_data

pytestmark = pytest.mark.django_db

Status = Article.Status
ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
ONLY_EDITORS = "Only editors can publish, schedule or unpublish articles."
REPORTERS_DELETE = "you may delete only your own drafts that were never published."


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def edit(client, article, **changes):
    """The article's change form as rendered, with `changes` applied (a button is just another key)."""
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    return data


def split_datetime(when):
    local = timezone.localtime(when)
    return {"publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S")}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def error_messages_on(response) -> list[str]:
    """The error messages the page shows its user (the admin's message list)."""
    assert response.status_code == 200, response.status_code
    return [" ".join(li.get_text().split()) for li in page(response).select(".messagelist li.error")]


def snapshot(article):
    article.refresh_from_db()
    return (article.headline, article.status, article.publish_at, article.published_at, article.is_featured)


# --- A reporter ---------------------------------------------------------------------------------


def test_reporter_creates_a_draft_with_byline_section_and_tags(client_as, reporter):
    me = AuthorFactory(display_name="Rita Porter", user=reporter)
    section = SectionFactory(name="City", slug="city")
    ferries, harbour = TagFactory(name="Ferries", slug="ferries"), TagFactory(name="Harbour", slug="harbour")
    client = client_as(reporter)
    data = form_data(client.get(ADD_URL))
    data.update(
        headline="Night ferry approved",
        slug="night-ferry-approved",
        dek="A one-year trial.",
        body="<p>The council voted.</p><script>alert(1)</script>",
        section=str(section.pk),
        tags=[str(ferries.pk), str(harbour.pk)],
    )
    add_inline_rows(data, "bylines", [{"author": str(me.pk), "position": "0"}])

    response = client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="night-ferry-approved")
    assert (article.headline, article.status, article.created_by) == (
        "Night ferry approved",
        Status.DRAFT,
        reporter,
    )
    assert article.section == section
    assert set(article.tags.all()) == {ferries, harbour}
    assert [b.author for b in article.bylines.all()] == [me]
    assert article.body == "<p>The council voted.</p>"
    assert article.published_at is None and not article.workflow_events.exists()
    assert article.version == 1  # its first edit will be version 2


def test_a_slug_someone_saved_while_the_form_was_being_saved_gets_the_field_error(
    client_as, editor, monkeypatch
):
    """Two editors save the same new slug at the same moment: the second form found it free, and its save
    meets the unique index. The form comes back with the slug's error and the text typed into it, not a 500,
    and nothing of it is saved."""
    rival = ArticleFactory(slug="ferry-strike", headline="Ferry crews strike")
    checks = []
    check_unique = ArticleAdminForm.validate_unique

    def checked_before_the_rival_was_saved(form):
        checks.append(form)
        if len(checks) > 1:
            check_unique(form)

    monkeypatch.setattr(ArticleAdminForm, "validate_unique", checked_before_the_rival_was_saved)
    # the form's own look for a holder found it free too
    monkeypatch.setattr(ArticleAdminForm, "clean_slug", lambda form: form.cleaned_data["slug"])
    client = client_as(editor)
    data = form_data(client.get(ADD_URL))
    data.update(headline="Strike called", slug="ferry-strike", body="<p>Crews walk out.</p>")
    data.update(section=str(SectionFactory().pk))
    add_inline_rows(data, "bylines", [{"author": str(AuthorFactory().pk), "position": "0"}])
    versions = Version.objects.count()

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"slug": ["Article with this Slug already exists."]}
    assert form["headline"].value() == "Strike called"
    assert "Article with this Slug already exists." in response.content.decode()
    assert list(Article.objects.values_list("headline", flat=True)) == [rival.headline]
    assert Version.objects.count() == versions
    assert len(checks) == 2


def new_story_without_a_slug(client, headline) -> dict:
    """The add form filled in with `headline` and a byline, its slug left empty as the browser leaves it."""
    data = form_data(client.get(ADD_URL))
    data.update(headline=headline, slug="", body="<p>Crews walk out.</p>", section=str(SectionFactory().pk))
    add_inline_rows(data, "bylines", [{"author": str(AuthorFactory().pk), "position": "0"}])
    return data


@pytest.mark.parametrize("headline", ["🚢🌊", "?!"])
def test_a_headline_with_no_letters_and_no_slug_is_refused_asking_for_a_slug(client_as, editor, headline):
    """The browser fills the slug from the headline (Django's URLify); from emoji or punctuation alone there
    is none to make. An empty slug under such a headline is told why, not "This field is required.", and
    nothing is saved."""
    client = client_as(editor)
    data = new_story_without_a_slug(client, headline)

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["slug"]
    assert message.startswith("Give a slug") and "headline's letters and digits" in message
    assert list(response.context["adminform"].form.errors) == ["slug"]
    assert not Article.objects.exists()
    assert client.post(ADD_URL, data | {"slug": "news-of-the-day"}).status_code == 302
    assert Article.objects.get().headline == headline


@pytest.mark.parametrize(
    ("headline", "slug"), [("שביתת מעבורות", "svytt-mvvrvt"), ("渡轮罢工", "dulunbagong")]
)
def test_a_headline_the_browser_makes_no_slug_from_is_told_the_slug_it_would_make(
    client_as, editor, headline, slug
):
    """The browser's URLify spells Latin, Greek, Cyrillic, Arabic and a few more, not Hebrew or Chinese: it
    leaves the slug empty. The server can spell them (services.slug_base), so it did not explain, and the
    editor got a bare "This field is required." The message offers the slug the API would make."""
    client = client_as(editor)
    data = new_story_without_a_slug(client, headline)

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["slug"]
    assert message.startswith("Give a slug") and f"“{slug}”" in message
    assert not Article.objects.exists()
    assert client.post(ADD_URL, data | {"slug": slug}).status_code == 302
    assert Article.objects.get().slug == slug


def test_reporter_cannot_save_an_article_without_a_byline(client_as, reporter):
    client = client_as(reporter)
    data = form_data(client.get(ADD_URL))
    data.update(headline="No byline", slug="no-byline", body="<p>x</p>", section=str(SectionFactory().pk))

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    bylines = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "bylines"
    )
    assert bylines.errors == [{"author": [NO_BYLINE_AUTHOR]}]
    assert not Article.objects.filter(slug="no-byline").exists()


def bylines_formset(response):
    return next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "bylines")


def new_story(client, *authors):
    """The add form, filled in, with these bylines."""
    data = form_data(client.get(ADD_URL))
    data.update(headline="Fares rise", slug="fares-rise", body="<p>Up.</p>", section=str(SectionFactory().pk))
    rows = [{"author": str(author.pk), "position": str(n)} for n, author in enumerate(authors)]
    return add_inline_rows(data, "bylines", rows)


def test_a_reporter_cannot_file_a_story_under_a_colleagues_byline_alone(client_as, reporter, other_reporter):
    """It sat in the colleague's "My drafts", who could submit it. With their own byline beside, it goes."""
    AuthorFactory(display_name="Rita Porter", user=reporter)
    idris = AuthorFactory(display_name="Idris Okafor", user=other_reporter)
    client = client_as(reporter)

    refused = client.post(ADD_URL, new_story(client, idris))

    assert refused.status_code == 200
    assert bylines_formset(refused).non_form_errors() == [services.OWN_BYLINE]
    assert services.OWN_BYLINE.replace("'", "&#x27;") in refused.content.decode()
    assert not Article.objects.exists()

    me = reporter.author_profile
    assert client.post(ADD_URL, new_story(client, idris, me)).status_code == 302
    assert [b.author for b in Article.objects.get().bylines.all()] == [idris, me]


def test_a_reporter_with_no_author_of_their_own_is_told_to_ask_an_editor(client_as, reporter):
    """Any byline they could give is someone else's (and the admin wants one): an editor links an author to
    their account first."""
    client = client_as(reporter)

    response = client.post(ADD_URL, new_story(client, AuthorFactory()))

    assert bylines_formset(response).non_form_errors() == [services.OWN_BYLINE + services.NO_AUTHOR_OF_YOURS]
    assert not Article.objects.exists()


def test_an_editor_bylines_anyone(client_as, editor, other_reporter):
    idris = AuthorFactory(user=other_reporter)
    client = client_as(editor)

    assert client.post(ADD_URL, new_story(client, idris)).status_code == 302
    assert [b.author for b in Article.objects.get().bylines.all()] == [idris]


def test_a_reporter_edits_a_draft_an_editor_assigned_them_and_keeps_their_byline(
    client_as, reporter, other_reporter, editor
):
    me = AuthorFactory(user=reporter)
    idris = AuthorFactory(user=other_reporter)
    assigned = ArticleFactory(created_by=editor, authors=[me])
    client = client_as(reporter)

    assert client.post(change_url(assigned), edit(client, assigned, headline="Fares rise")).status_code == 302
    data = add_inline_rows(edit(client, assigned), "bylines", [{"author": str(idris.pk), "position": "1"}])
    assert client.post(change_url(assigned), data).status_code == 302  # a colleague beside them
    data = edit(client, assigned)
    data["bylines-0-DELETE"] = "on"  # handing it to the colleague alone

    response = client.post(change_url(assigned), data)

    assert bylines_formset(response).non_form_errors() == [services.OWN_BYLINE]
    assert [b.author for b in assigned.bylines.all()] == [me, idris]


def test_bylines_an_editor_set_stay_while_the_reporter_edits_the_words(client_as, reporter, editor):
    """A reporter's draft the editor gave the agency's byline: the reporter still fixes its words."""
    AuthorFactory(user=reporter)
    wire = AuthorFactory(display_name="Wire Service")
    draft = ArticleFactory(created_by=reporter, authors=[wire])
    client = client_as(reporter)

    assert client.post(change_url(draft), edit(client, draft, headline="Fixed typo")).status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Fixed typo" and [b.author for b in draft.bylines.all()] == [wire]


def test_reporter_submits_own_draft_for_review_with_the_button(client_as, reporter):
    draft = ArticleFactory(created_by=reporter, headline="Draft headline")
    client = client_as(reporter)

    response = client.post(
        change_url(draft), edit(client, draft, headline="Ready headline", _submit_review="1")
    )

    assert response.status_code == 302
    assert "Sent to the editors for review." in messages_of(response)
    draft.refresh_from_db()
    assert (draft.headline, draft.status) == ("Ready headline", Status.IN_REVIEW)
    event = draft.workflow_events.get()
    assert (event.action, event.actor) == (WorkflowEvent.Action.SUBMITTED, reporter)


def test_reporter_sees_the_submit_button_but_no_publishing_buttons(client_as, reporter):
    draft = ArticleFactory(created_by=reporter)

    html = client_as(reporter).get(change_url(draft)).content.decode()

    assert 'name="_submit_review"' in html
    assert 'name="_publish"' not in html and 'name="_schedule"' not in html


@pytest.mark.parametrize("button", ["_publish", "_schedule", "_unpublish"])
def test_reporters_crafted_publish_or_schedule_post_is_refused_and_changes_nothing(
    client_as, reporter, button
):
    draft = ArticleFactory(created_by=reporter, headline="Original")
    before = snapshot(draft)
    client = client_as(reporter)
    data = edit(client, draft, headline="Sneaky change", is_featured="on", **{button: "1"})
    data.update(split_datetime(timezone.now() + timedelta(hours=2)))

    response = client.post(change_url(draft), data)

    assert response.status_code == 200
    assert ONLY_EDITORS in response.content.decode()
    assert snapshot(draft) == before
    assert not draft.workflow_events.exists()


def test_reporter_cannot_set_featured_or_publish_time_by_crafting_fields(client_as, reporter):
    draft = ArticleFactory(created_by=reporter)
    client = client_as(reporter)
    data = edit(client, draft, headline="Edited", is_featured="on", is_breaking="on")
    data.update(split_datetime(timezone.now() + timedelta(hours=2)))

    response = client.post(change_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Edited"
    assert (draft.is_featured, draft.is_breaking, draft.publish_at, draft.status) == (
        False,
        False,
        None,
        "draft",
    )


def test_reporters_bulk_publish_action_publishes_nothing(client_as, reporter):
    own = ArticleFactory(created_by=reporter)
    in_review = ArticleFactory(in_review=True)
    client = client_as(reporter)

    assert "publish_selected" not in client.get(CHANGELIST_URL).content.decode()
    response = client.post(
        CHANGELIST_URL,
        {"action": "publish_selected", "_selected_action": [own.pk, in_review.pk], "index": "0"},
    )

    # A reporter's only action is "Delete selected" (their own drafts): this one is not known to them.
    assert response.status_code == 302
    assert messages_of(response) == ["No action selected."]
    assert set(Article.objects.values_list("status", flat=True)) == {Status.DRAFT, Status.IN_REVIEW}
    assert not WorkflowEvent.objects.exists()


@pytest.mark.parametrize(
    "make_article",
    [
        lambda reporter, other: ArticleFactory(created_by=other),
        lambda reporter, other: ArticleFactory(created_by=reporter, in_review=True),
        lambda reporter, other: ArticleFactory(created_by=reporter, published=True),
    ],
    ids=["someone-elses-draft", "own-article-in-review", "own-published-article"],
)
def test_reporter_cannot_edit_someone_elses_or_a_non_draft_article(
    client_as, reporter, other_reporter, make_article
):
    article = make_article(reporter, other_reporter)
    before = snapshot(article)
    client = client_as(reporter)
    data = edit(client, article, headline="Changed by reporter")

    response = client.post(change_url(article), data)

    # Their own story no longer a draft: "not saved", with the text to copy (test_edit_conflicts.py).
    assert response.status_code == (409 if article.created_by == reporter else 403)
    assert snapshot(article) == before


@pytest.mark.parametrize(
    ("make_article", "told"),
    [
        (
            lambda reporter, other: ArticleFactory(created_by=other),
            "You may not edit this article: reporters edit only their own drafts.",
        ),
        (
            lambda reporter, other: ArticleFactory(created_by=reporter, in_review=True),
            "You may not edit this article: it is in review, and reporters edit only their own drafts. "
            "An editor can send it back to draft for you.",
        ),
        (
            lambda reporter, other: ArticleFactory(created_by=reporter, published=True),
            "You may not edit this article: it is published, and reporters edit only their own drafts. "
            "An editor can change it.",
        ),
    ],
    ids=["someone-elses-draft", "own-article-in-review", "own-published-article"],
)
def test_a_story_a_reporter_may_only_read_says_why(client_as, reporter, other_reporter, make_article, told):
    """The page showed the story as text under "View article", with no Save and no word of why."""
    article = make_article(reporter, other_reporter)

    response = client_as(reporter).get(change_url(article))

    assert response.status_code == 200
    shown = page(response)
    assert [" ".join(li.get_text().split()) for li in shown.select(".messagelist li.warning")] == [told]
    assert not shown.select('input[name="_save"]') and not shown.select('input[name="headline"]')


def test_a_story_one_may_edit_shows_no_refusal(client_as, reporter, editor):
    own_draft = ArticleFactory(created_by=reporter)
    colleagues_story = ArticleFactory(published=True)

    for user, article in [(reporter, own_draft), (editor, colleagues_story)]:
        shown = page(client_as(user).get(change_url(article)))
        assert not shown.select(".messagelist li")
        assert shown.select('input[name="_save"]') and shown.select('input[name="headline"]')


def test_a_reporter_deletes_their_own_draft_with_its_note_and_history(client_as, reporter, editor):
    draft = ArticleFactory(created_by=reporter, headline="Abandoned: gulls on the pier")
    EditorialNote.objects.create(article=draft, text="Not this week.", written_by=editor)
    client = client_as(reporter)
    url = reverse("admin:articles_article_delete", args=[draft.pk])

    assert url in client.get(change_url(draft)).content.decode()  # the form's Delete link
    question = client.get(url)
    assert question.status_code == 200 and "Abandoned: gulls on the pier" in question.content.decode()
    assert "permission" not in question.content.decode()
    response = client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert not Article.objects.filter(pk=draft.pk).exists()
    assert "was deleted successfully" in " ".join(messages_of(response))


@pytest.mark.parametrize(
    "make_article",
    [
        lambda reporter, other: ArticleFactory(created_by=other),
        lambda reporter, other: ArticleFactory(created_by=reporter, in_review=True),
        lambda reporter, other: ArticleFactory(created_by=reporter, published=True),
        # Withdrawn back to draft after it ran: readers saw it, so it is an editor's call.
        lambda reporter, other: ArticleFactory(created_by=reporter, first_published_at=timezone.now()),
    ],
    ids=["someone-elses-draft", "own-article-in-review", "own-published-article", "own-draft-that-ran"],
)
def test_a_reporter_deletes_nothing_but_their_own_draft_that_never_ran(
    client_as, reporter, other_reporter, moderator, make_article
):
    """Refused, the reporter is told the rule, in the API's words, on the story's page or the list: Django
    answered the delete page, or its "Yes, I'm sure", with a bare 403."""
    article = make_article(reporter, other_reporter)
    before = snapshot(article)
    client = client_as(reporter)
    url = reverse("admin:articles_article_delete", args=[article.pk])

    story_page = client.get(change_url(article))
    assert story_page.status_code == 200
    assert url not in story_page.content.decode() and not page(story_page).select(".deletelink")
    for ask in (lambda: client.get(url), lambda: client.post(url, {"post": "yes"})):
        response = ask()
        assert response.status_code == 302 and response["Location"] == change_url(article)
        assert error_messages_on(client.get(response["Location"])) == [
            f"You may not delete this article: {REPORTERS_DELETE}"
        ]
    bulk = {"action": "delete_selected", "_selected_action": [article.pk]}
    question = client.post(CHANGELIST_URL, bulk)
    assert question.status_code == 200
    refused = " ".join(page(question).select_one("#content").get_text(" ").split())
    assert f"Nothing was deleted: “{article.headline}”: {REPORTERS_DELETE}" in refused
    confirmed = client.post(CHANGELIST_URL, {**bulk, "post": "yes"})  # sent all the same (an older tab)
    assert confirmed.status_code == 302 and confirmed["Location"] == CHANGELIST_URL
    assert error_messages_on(client.get(CHANGELIST_URL)) == [
        f"Nothing was deleted: “{article.headline}”: {REPORTERS_DELETE}"
    ]
    assert snapshot(article) == before
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    # Who may not see the story at all learns nothing of it.
    assert client_as(moderator).get(url).status_code == 403


def test_a_reporter_deleting_several_stories_is_told_which_are_not_theirs_to_delete(
    client_as, reporter, other_reporter
):
    """Django's "would result in deleting related objects ... the following types of objects: article" named
    no story: a reporter who ticked their own draft and a colleague's could not tell which to untick."""
    own = ArticleFactory(created_by=reporter, headline="My abandoned pier story")
    theirs = ArticleFactory(created_by=other_reporter, headline="Their harbour draft")
    client = client_as(reporter)
    bulk = {"action": "delete_selected", "_selected_action": [own.pk, theirs.pk], "index": "0"}

    question = client.post(CHANGELIST_URL, bulk)

    assert question.status_code == 200
    content = page(question).select_one("#content")
    text = " ".join(content.get_text(" ").split())
    assert "related objects" not in text and "types of objects" not in text
    assert [" ".join(li.get_text(" ").split()) for li in content.select("ul li")] == [
        f"“Their harbour draft”: {REPORTERS_DELETE}"
    ]
    assert "My abandoned pier story" not in text
    assert content.select_one("a.cancel-link").get_text(strip=True) == "No, take me back"
    assert not content.select("input[name=post]")  # nothing to confirm
    confirmed = client.post(CHANGELIST_URL, {**bulk, "post": "yes"})
    assert confirmed.status_code == 302
    assert error_messages_on(client.get(CHANGELIST_URL)) == [
        f"Nothing was deleted: “Their harbour draft”: {REPORTERS_DELETE}"
    ]
    assert set(Article.objects.values_list("headline", flat=True)) == {
        "My abandoned pier story",
        "Their harbour draft",
    }


def test_reporter_sees_someone_elses_draft_read_only_without_any_save_or_workflow_button(
    client_as, reporter, other_reporter
):
    draft = ArticleFactory(
        created_by=other_reporter, headline="Their draft", body="<p>Tide tables.</p><h2>Who pays</h2>"
    )

    response = client_as(reporter).get(change_url(draft))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Their draft" in html
    for control in ['name="_save"', 'name="_submit_review"', 'name="headline"', 'name="bylines-0-author"']:
        assert control not in html, control
    # The body reads as the story, not as its HTML source.
    assert '<div class="article-body-view"><p>Tide tables.</p><h2>Who pays</h2></div>' in html
    assert "&lt;p&gt;" not in html


# --- An editor ----------------------------------------------------------------------------------


def test_editor_publishes_with_the_button(client_as, editor):
    article = ArticleFactory(in_review=True)
    client = client_as(editor)
    before = timezone.now()

    response = client.post(change_url(article), edit(client, article, _publish="1"))

    assert response.status_code == 302
    assert "Published." in messages_of(response)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert before <= article.published_at <= timezone.now()
    assert article.first_published_at == article.published_at
    assert article in Article.objects.published()
    event = article.workflow_events.get()
    assert (event.action, event.actor) == (WorkflowEvent.Action.PUBLISHED, editor)


def test_editor_schedules_with_a_future_time(client_as, editor):
    article = ArticleFactory(in_review=True)
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    client = client_as(editor)
    data = edit(client, article, _schedule="1")
    data.update(split_datetime(when))

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assert f"Scheduled for {timezone.localtime(when):%a %-d %b %Y, %H:%M %Z}." in messages_of(response)
    article.refresh_from_db()
    assert (article.status, article.publish_at, article.published_at) == (Status.SCHEDULED, when, None)
    assert article not in Article.objects.published()
    event = article.workflow_events.get()
    assert (event.action, event.actor) == (WorkflowEvent.Action.SCHEDULED, editor)


@pytest.mark.parametrize("button", [{"_schedule": "1"}, {}])
def test_a_published_story_cannot_be_given_a_schedule_and_nothing_of_the_edit_is_saved(
    client_as, editor, button
):
    article = ArticleFactory(published=True, headline="Before")
    before = snapshot(article)
    client = client_as(editor)
    page = client.get(change_url(article)).content.decode()
    data = edit(client, article, headline="After", **button)
    data.update(split_datetime(timezone.now() + timedelta(days=3)))

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == [
        "This article is already published; unpublish it first to schedule it."
    ]
    assert snapshot(article) == before and article.publish_at is None
    assert 'name="_schedule"' not in page and 'name="_publish"' not in page and 'name="_unpublish"' in page
    data["_unpublish"] = "1"  # the way to schedule it: take it off the site first, with the time typed
    data.pop("_schedule", None)
    assert client.post(change_url(article), data).status_code == 302
    assert snapshot(article)[1] == Status.UNPUBLISHED


def test_the_schedule_field_names_the_newsroom_s_time_zone_not_the_reader_s(client_as, editor, settings):
    """The admin reads "Publish at" in TIME_ZONE, whatever the browser's zone: an embargo typed as local
    time elsewhere would go out hours early, so the form says which zone and what time it is there."""
    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()
    article = ArticleFactory(in_review=True)

    response = client_as(editor).get(change_url(article))

    field = response.context["adminform"].form.fields["publish_at"]
    now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    expected = f"When a scheduled article goes live, in the newsroom's time, {now:%Z} "
    assert field.help_text.startswith(expected)
    assert now.tzname() in ("EST", "EDT") and "your local time" not in response.content.decode()


def test_a_correction_added_in_the_admin_is_dated_when_saved(client_as, editor):
    article = ArticleFactory(published=True)
    client = client_as(editor)
    data = edit(client, article)
    add_inline_rows(data, "corrections", [{"kind": "correction", "note": "The pier is 120 m long."}])
    data["corrections-0-noted_at_0"], data["corrections-0-noted_at_1"] = "2020-01-01", "09:00:00"
    before = timezone.now()

    response = client.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    correction = article.corrections.get()
    assert correction.note == "The pier is 120 m long." and correction.noted_at >= before


def test_editor_scheduling_in_the_past_gets_a_form_error_and_nothing_is_saved(client_as, editor):
    article = ArticleFactory(in_review=True, headline="Before")
    before = snapshot(article)
    client = client_as(editor)
    data = edit(client, article, headline="After", _schedule="1")
    data.update(split_datetime(timezone.now() - timedelta(hours=1)))

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == [
        "The scheduled time must be in the future."
    ]
    assert snapshot(article) == before
    assert not article.workflow_events.exists()


@pytest.mark.parametrize("button", [{"_schedule": "1"}, {}])
def test_a_time_more_than_ten_years_ahead_is_refused_scheduled_or_not(client_as, editor, button):
    article = ArticleFactory(in_review=True, headline="Before")
    before = snapshot(article)
    client = client_as(editor)
    data = edit(client, article, headline="After", **button)
    data.update({"publish_at_0": "9999-12-31", "publish_at_1": "23:59:59"})

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == [
        "The scheduled time must be within ten years from now."
    ]
    assert snapshot(article) == before
    assert client.get(CHANGELIST_URL).status_code == 200


def test_a_reporter_sending_an_empty_story_for_review_stays_on_the_form_and_nothing_is_saved(
    client_as, reporter
):
    me = AuthorFactory(user=reporter)
    client = client_as(reporter)
    data = form_data(client.get(ADD_URL))
    data.update(headline="Pier reopens", slug="pier-reopens", body="<p></p><p>   </p>", _submit_review="1")
    data["section"] = str(SectionFactory().pk)
    add_inline_rows(data, "bylines", [{"author": str(me.pk), "position": "0"}])

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        "An article needs a body with text or a picture before it is sent for review."
    ]
    assert not Article.objects.exists()


@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_emptying_the_body_of_a_story_out_or_due_is_refused_next_to_the_body(client_as, editor, state):
    article = ArticleFactory(**{state: True}, body="<p>The ferry runs again.</p>")
    before = (*snapshot(article), article.body)
    client = client_as(editor)

    response = client.post(change_url(article), edit(client, article, body="<p></p><p>   </p><p></p>"))
    unseen = client.post(change_url(article), edit(client, article, body="<p>\u200b\u00ad</p>"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [services.BODY_KEPT]
    assert unseen.status_code == 200
    assert unseen.context["adminform"].form.errors["body"] == [services.BODY_KEPT]
    assert (*snapshot(article), article.body) == before
    unpublished = client.post(change_url(article), edit(client, article, body="<p></p>", _unpublish="1"))
    assert unpublished.status_code == 302 and snapshot(article)[1] == Status.UNPUBLISHED


@pytest.mark.parametrize("state", [{}, {"published": True}])
def test_a_body_the_sanitiser_keeps_nothing_of_says_so_next_to_the_body(client_as, editor, state):
    """A pasted script or embed alone was refused with "This field cannot be blank.", over a body the editor
    had typed something into; the API gives the reason, and so does the form now."""
    article = ArticleFactory(**state, body="<p>The ferry runs again.</p>")
    before = (*snapshot(article), article.body)
    client = client_as(editor)

    for body in ("<script>alert(1)</script>", '<iframe src="https://video.example/e/1"></iframe>'):
        response = client.post(change_url(article), edit(client, article, body=body))

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["body"] == [services.NOTHING_KEPT]
        assert (*snapshot(article), article.body) == before


def test_a_body_past_the_limit_is_refused_next_to_the_body_and_kept_in_the_form(client_as, editor):
    """A 3 MB paste saved, and the editor then took seconds to open the story; past a million characters
    the form says so and saves nothing."""
    article = ArticleFactory(published=True, body="<p>The ferry runs again.</p>")
    before = (*snapshot(article), article.body)
    client = client_as(editor)
    huge = "<p>" + "Tide tables. " * 80_000 + "</p>"  # 1,040,007 characters

    response = client.post(change_url(article), edit(client, article, headline="Ferry back", body=huge))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        f"Ensure this value has at most 1000000 characters (it has {len(huge)})."
    ]
    assert response.context["adminform"].form["headline"].value() == "Ferry back"
    assert (*snapshot(article), article.body) == before
    at_the_limit = "<p>" + "x" * (1_000_000 - 7) + "</p>"
    saved = client.post(change_url(article), edit(client, article, body=at_the_limit))
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.body == at_the_limit


PUBLISH_NOW_REFUSED = "but Publish now puts the story out at once. Press Save and schedule"
NOT_SCHEDULED_BY_THAT = (
    "A time here schedules the story only with Save and schedule: press that to publish it at"
)


@pytest.mark.parametrize(
    ("state", "button", "message"),
    [
        ("in_review", {"_publish": "1"}, PUBLISH_NOW_REFUSED),
        ("in_review", {}, NOT_SCHEDULED_BY_THAT),
        ("in_review", {"_return_to_draft": "1"}, NOT_SCHEDULED_BY_THAT),
        ("draft", {"_submit_review": "1"}, NOT_SCHEDULED_BY_THAT),
        ("scheduled", {"_publish": "1"}, PUBLISH_NOW_REFUSED),
    ],
    ids=["publish now", "plain save", "send back to draft", "submit for review", "scheduled, publish now"],
)
def test_a_time_typed_for_a_story_is_never_ignored(client_as, editor, state, button, message):
    """Publish now dropped the time and broke the embargo; a plain Save, Submit or Send back kept it, and the
    story looked scheduled but never went out."""
    traits = {} if state == "draft" else {state: True}
    article = ArticleFactory(**traits, headline="Embargoed report", authors=[AuthorFactory()])
    before = snapshot(article)
    client = client_as(editor)
    data = edit(client, article, **button)
    data.update(split_datetime(timezone.now() + timedelta(hours=5)))

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["publish_at"]
    assert message in error
    assert snapshot(article) == before
    for name in button:
        data.pop(name)
    scheduled = client.post(change_url(article), {**data, "_schedule": "1"})
    assert scheduled.status_code == 302 and snapshot(article)[1] == Status.SCHEDULED


def test_unpublishing_a_scheduled_story_says_it_came_off_the_schedule(client_as, editor):
    """Readers never saw it: "Unpublished: readers no longer see it" was not true."""
    article = ArticleFactory(scheduled=True)
    client = client_as(editor)

    response = client.post(change_url(article), edit(client, article, _unpublish="1"))

    assert response.status_code == 302 and "Taken off the schedule." in messages_of(response)
    assert snapshot(article)[1:3] == (Status.UNPUBLISHED, None)


def test_a_scheduled_story_published_early_with_its_time_untouched_goes_out(client_as, editor):
    article = ArticleFactory(scheduled=True, authors=[AuthorFactory()])
    client = client_as(editor)

    response = client.post(change_url(article), edit(client, article, _publish="1"))

    assert response.status_code == 302 and snapshot(article)[1] == Status.PUBLISHED


def test_editor_scheduling_without_a_time_is_told_to_choose_one(client_as, editor):
    article = ArticleFactory(in_review=True)
    client = client_as(editor)

    response = client.post(change_url(article), edit(client, article, _schedule="1"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == [
        "Choose when the article should be published."
    ]
    assert snapshot(article)[1] == Status.IN_REVIEW


def test_scheduling_with_a_date_but_no_time_gets_one_error(client_as, editor):
    article = ArticleFactory(in_review=True)
    before = snapshot(article)
    client = client_as(editor)
    data = edit(client, article, _schedule="1")
    data.update({"publish_at_0": (timezone.localdate() + timedelta(days=1)).isoformat(), "publish_at_1": ""})

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == ["Enter a time as well, e.g. 09:30."]
    assert snapshot(article) == before


@pytest.mark.parametrize("when", ["cleared", "past"])
def test_a_scheduled_article_keeps_a_future_time_through_a_plain_save(client_as, editor, when):
    """Saved without a workflow button, a scheduled story must not lose its time (the schedule would never
    run it) nor get one already gone (the list would call it due in 2020)."""
    article = ArticleFactory(scheduled=True, headline="Before")
    before = snapshot(article)
    client = client_as(editor)
    data = edit(client, article, headline="After")
    data.update(
        {"publish_at_0": "", "publish_at_1": ""}
        if when == "cleared"
        else split_datetime(timezone.now() - timedelta(days=1))
    )

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == [
        "Choose when the article should be published. To take it off the schedule, press Unpublish."
        if when == "cleared"
        else "The scheduled time must be in the future."
    ]
    assert snapshot(article) == before
    later = timezone.now() + timedelta(days=2)
    data.update(split_datetime(later))
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED and abs((article.publish_at - later).total_seconds()) < 1


@pytest.mark.parametrize(("state", "button"), [("published", {}), ("in_review", {"_publish": "1"})])
def test_a_story_going_out_keeps_a_byline_and_a_refused_publish_deletes_none(
    client_as, editor, state, button
):
    article = ArticleFactory(**{state: True})
    client = client_as(editor)
    data = edit(client, article, **button)
    data["bylines-0-DELETE"] = "on"

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert "keeps at least one byline" in response.content.decode()
    assert article.bylines.count() == 1
    assert snapshot(article)[1] == getattr(Status, state.upper())


def test_an_article_related_to_itself_is_a_form_error_not_a_crash(client_as, editor):
    article = ArticleFactory(published=True)
    client = client_as(editor)
    data = add_inline_rows(
        edit(client, article), "related_links", [{"related": str(article.pk), "position": "0"}]
    )

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert "An article cannot be related to itself." in response.content.decode()
    assert not article.related_links.exists()


def test_bulk_publish_leaves_a_scheduled_story_on_its_schedule_and_says_why(client_as, editor):
    """Its time may be an embargo: a tick among others does not break it (its own form's button does)."""
    ready = ArticleFactory(in_review=True, headline="Council votes on the pier")
    due = timezone.now() + timedelta(days=2)
    embargoed = ArticleFactory(headline="Budget: the figures", status=Status.SCHEDULED, publish_at=due)

    response = client_as(editor).post(
        CHANGELIST_URL, {"action": "publish_selected", "_selected_action": [ready.pk, embargoed.pk]}
    )

    assert response.status_code == 302
    local = timezone.localtime(due)
    assert messages_of(response) == [
        f"“Budget: the figures” was not published: it is scheduled for {local:%a %-d %b %Y, %H:%M %Z}. "
        "To send it out before then, open it and use “Save and publish now”.",
        "1 article published.",
    ]
    assert dict(Article.objects.values_list("headline", "status")) == {
        "Council votes on the pier": Status.PUBLISHED,
        "Budget: the figures": Status.SCHEDULED,
    }
    embargoed.refresh_from_db()
    assert embargoed.publish_at == due and embargoed.published_at is None


def test_editor_bulk_publishes_and_unpublishes(client_as, editor):
    first, second = ArticleFactory(in_review=True), ArticleFactory(in_review=True)
    no_byline = ArticleFactory(in_review=True, authors=[], headline="Nobody wrote this")
    live = ArticleFactory(published=True, headline="Out since Monday")
    client = client_as(editor)
    ids = [first.pk, second.pk, no_byline.pk, live.pk]

    response = client.post(
        CHANGELIST_URL, {"action": "publish_selected", "_selected_action": ids, "index": "0"}
    )

    assert response.status_code == 302
    shown = messages_of(response)
    assert "2 articles published." in shown  # not counting the one that was out already
    assert "“Out since Monday” was already published." in shown
    assert "“Nobody wrote this”: An article needs at least one byline before it is published." in shown
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: Status.PUBLISHED,
        second.pk: Status.PUBLISHED,
        no_byline.pk: Status.IN_REVIEW,
        live.pk: Status.PUBLISHED,
    }

    response = client.post(
        CHANGELIST_URL,
        {"action": "unpublish_selected", "_selected_action": [first.pk, second.pk], "index": "0"},
    )

    assert "2 articles unpublished." in messages_of(response)
    assert (
        list(Article.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
        == [Status.UNPUBLISHED] * 2
    )
    assert list(Article.objects.published()) == [live]


def test_bylines_are_numbered_in_order_when_a_second_comes_with_the_firsts_position(client_as, editor):
    names = ("Idris Oak", "Wire Desk", "Ann Lee")
    first, second, third = (AuthorFactory(display_name=name) for name in names)
    article = ArticleFactory(authors=[first])
    client = client_as(editor)
    data = edit(client, article)
    add_inline_rows(data, "bylines", [{"author": str(second.pk), "position": "0"}])  # a tie (no script)

    response = client.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [(b.author.display_name, b.position) for b in article.bylines.select_related("author")] == [
        ("Idris Oak", 0),
        ("Wire Desk", 1),
    ]

    data = edit(client, article)
    data["bylines-1-position"] = "0"  # moved to the top: a tie with the first, settled by the page's order
    data["bylines-0-position"] = "1"
    add_inline_rows(data, "bylines", [{"author": str(third.pk), "position": "0"}, {"position": "0"}])
    response = client.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [(b.author.display_name, b.position) for b in article.bylines.select_related("author")] == [
        ("Wire Desk", 0),
        ("Ann Lee", 1),
        ("Idris Oak", 2),
    ]


def test_the_headline_is_kept_on_one_line_and_one_of_unseen_characters_is_required(client_as, editor):
    article = ArticleFactory(headline="Ferry timetable")
    client = client_as(editor)

    refused = client.post(change_url(article), edit(client, article, headline="\u200b\u202e"))

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["headline"] == ["This field is required."]
    saved = client.post(
        change_url(article), edit(client, article, headline="Ferry \u202etimetable\n changes")
    )
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Ferry timetable changes"


def test_duplicate_slug_gets_a_form_error_and_saves_nothing(client_as, editor):
    ArticleFactory(slug="harbour-plan", headline="The first one")
    author, section = AuthorFactory(), SectionFactory()
    client = client_as(editor)
    data = form_data(client.get(ADD_URL))
    data.update(headline="The second one", slug="harbour-plan", body="<p>x</p>", section=str(section.pk))
    add_inline_rows(data, "bylines", [{"author": str(author.pk), "position": "0"}])

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "The article “The first one” already has the slug “harbour-plan”: choose another."
    ]
    assert list(Article.objects.values_list("headline", flat=True)) == ["The first one"]


@pytest.mark.parametrize("slug", ["Harbour-Plan", "harbour plan!"])
def test_a_slug_that_breaks_the_rule_gets_the_lower_case_rule_once(client_as, editor, slug):
    client = client_as(editor)
    data = form_data(client.get(ADD_URL))
    data.update(headline="Harbour plan", slug=slug, body="<p>x</p>", section=str(SectionFactory().pk))
    add_inline_rows(data, "bylines", [{"author": str(AuthorFactory().pk), "position": "0"}])

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "slug": ["Use lower-case letters, numbers, hyphens or underscores only."]
    }
    assert not Article.objects.exists()


def test_changelist_shows_status_section_bylines_and_comment_count(client_as, editor):
    section = SectionFactory(name="Harbour desk")
    article = ArticleFactory(
        published=True,
        headline="Cranes return to the North Basin",
        section=section,
        authors=[AuthorFactory(display_name="Idris Oak"), AuthorFactory(display_name="Wire Desk")],
    )
    ArticleFactory(headline="A quiet draft about gulls")
    for n in range(3):
        XtdComment.objects.create(
            content_object=article,
            site_id=settings.SITE_ID,
            user_name=f"Reader {n}",
            user_email=f"r{n}@example.org",
            comment="Good to see.",
            is_public=n < 2,  # one is held for moderation and is not counted
        )

    response = client_as(editor).get(CHANGELIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for header in ["Headline", "Status", "Section", "Bylines", "When", "Comments"]:
        assert f">{header}<" in html or f">{header}</a>" in html, header
    row = re.search(r"<tr>.*?Cranes return to the North Basin.*?</tr>", html, re.S).group(0)
    assert "Published" in row and "Harbour desk" in row and "Idris Oak, Wire Desk" in row
    assert '<td class="field-comment_count">2</td>' in row
    for filter_title in ["By status", "By section", "By author", "By published at"]:
        assert filter_title in html, filter_title
    assert '<nav class="toplinks">' in html  # the date hierarchy
    assert 'id="searchbar"' in html
    assert response.context["cl"].result_count == 2


def test_admin_times_use_the_24_hour_clock_like_the_site(client_as, editor, settings):
    settings.TIME_ZONE = "UTC"
    when = datetime(2026, 11, 26, 14, 13, tzinfo=UTC)
    ArticleFactory(published=True, headline="Afternoon tide", published_at=when)

    html = client_as(editor).get(CHANGELIST_URL).content.decode()

    row = re.search(r"<tr>.*?Afternoon tide.*?</tr>", html, re.S).group(0)
    assert '<td class="field-timing">Thu 26 Nov 2026, 14:13 UTC</td>' in row and "p.m." not in row


def test_the_list_shows_when_a_story_went_out_or_is_due(client_as, editor, settings):
    settings.TIME_ZONE = "UTC"
    ArticleFactory(
        published=True, headline="Out this morning", published_at=datetime(2026, 11, 26, 7, 5, tzinfo=UTC)
    )
    due = ArticleFactory(headline="Due tomorrow", scheduled=True)
    Article.objects.filter(pk=due.pk).update(publish_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    ArticleFactory(headline="Still a draft")

    html = client_as(editor).get(CHANGELIST_URL + "?o=5").content.decode()

    def timing(headline):
        row = re.search(rf"<tr>(?:(?!</tr>).)*{headline}.*?</tr>", html, re.S).group(0)
        return re.search(r'<td class="field-timing">([^<]*)</td>', row).group(1)

    assert timing("Out this morning") == "Thu 26 Nov 2026, 07:05 UTC"
    assert timing("Due tomorrow") == "Due Fri 27 Nov 2026, 09:00 UTC"
    assert timing("Still a draft") == "-"
    assert html.index("Out this morning") < html.index("Due tomorrow")  # sorted by that time


def test_changelist_search_filters_and_date_hierarchy_narrow_the_list(client_as, editor):
    harbour = SectionFactory(name="Harbour")
    cranes = ArticleFactory(published=True, headline="Cranes return", section=harbour)
    gulls = ArticleFactory(headline="Gulls counted", dek="Two thousand terns")
    client = client_as(editor)

    def headlines(**query):
        response = client.get(CHANGELIST_URL, query)
        assert response.status_code == 200
        return [a.headline for a in response.context["cl"].result_list]

    assert headlines(q="terns") == ["Gulls counted"]
    assert headlines(status__exact="published") == ["Cranes return"]
    assert headlines(section__id__exact=str(harbour.pk)) == ["Cranes return"]
    year = cranes.published_at.year
    assert headlines(published_at__year=str(year)) == ["Cranes return"]
    assert set(headlines()) == {cranes.headline, gulls.headline}


# --- Preview links and "view on site" -----------------------------------------------------------


def preview_href(client, article):
    html = client.get(change_url(article)).content.decode()
    match = re.search(r'href="(/preview/[^"]+/)"', html)
    assert match, "the change form should offer a preview link"
    return match.group(1)


def test_preview_link_shows_a_draft_to_anyone_holding_it(client_as, editor, client):
    draft = ArticleFactory(headline="Secret draft about the sea wall")
    href = preview_href(client_as(editor), draft)
    client.logout()

    response = client.get(href)

    assert response.status_code == 200
    assert "Secret draft about the sea wall" in response.content.decode()
    # The draft is still not on the public site.
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_forged_preview_token_is_404(client_as, editor):
    draft = ArticleFactory()
    client = client_as(editor)
    href = preview_href(client, draft)
    token = href.split("/")[2]
    other = ArticleFactory(headline="Another draft")
    forged = token.replace(token.split(":")[0], str(other.pk), 1)

    assert client.get(f"/preview/{forged}/").status_code == 404
    assert client.get("/preview/not-a-token/").status_code == 404


PREVIEW_CLOSED = (
    "A preview link works for 72 hours, and closes when the story is taken off the site. Ask whoever sent it "
    "to you for a new one, or start again from the front page."
)


def assert_preview_closed(response, headline):
    """A link the desk sent that has run its course says so: it was "We couldn't find that page: the address
    may be mistyped", which sent a colleague back to check a link they had pasted whole."""
    assert response.status_code == 410
    assert response["Cache-Control"] == "private, no-store"
    shown = page(response)
    assert shown.find("h1").get_text() == "This preview link no longer works"
    assert " ".join(shown.select_one(".error-page p:not(.kicker)").get_text().split()) == PREVIEW_CLOSED
    assert headline not in response.content.decode()


def test_expired_preview_link_says_it_has_closed(client_as, editor, monkeypatch):
    draft = ArticleFactory(headline="Old draft")
    client = client_as(editor)
    href = preview_href(client, draft)
    assert client.get(href).status_code == 200

    later = timezone.now().timestamp() + settings.PREVIEW_LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    assert_preview_closed(client.get(href), "Old draft")


def test_withdrawing_an_article_closes_the_preview_links_made_before(client_as, editor, client):
    """A story taken down must not stay open to whoever was sent a preview; a link made afterwards works."""
    from articles import services

    article = ArticleFactory(headline="Story under legal review", published=True)
    before = preview_href(client_as(editor), article)
    assert client.get(before).status_code == 200

    services.unpublish_article(article=article, by=editor)
    client.logout()
    assert_preview_closed(client.get(before), "Story under legal review")

    after = preview_href(client_as(editor), article)
    client.logout()
    assert after != before
    assert "Story under legal review" in client.get(after).content.decode()


def test_view_on_site_only_for_published_articles(client_as, editor):
    published = ArticleFactory(published=True)
    draft, scheduled = ArticleFactory(), ArticleFactory(scheduled=True)
    client = client_as(editor)

    html = client.get(change_url(published)).content.decode()
    assert f'href="{published.get_absolute_url()}" class="viewsitelink"' in html
    assert client.get(published.get_absolute_url()).status_code == 200
    for article in (draft, scheduled):
        assert "viewsitelink" not in client.get(change_url(article)).content.decode()


# --- Roles --------------------------------------------------------------------------------------


def test_moderator_cannot_open_the_article_admin(client_as, moderator):
    client = client_as(moderator)
    article = ArticleFactory()

    assert client.get(CHANGELIST_URL).status_code == 403
    assert client.get(ADD_URL).status_code == 403
    assert client.get(change_url(article)).status_code == 403
    assert (
        client.post(
            CHANGELIST_URL, {"action": "publish_selected", "_selected_action": [article.pk]}
        ).status_code
        == 403
    )
    assert snapshot(article)[1] == Status.DRAFT


def test_changelist_queries_do_not_grow_with_the_number_of_articles(
    client_as, editor, django_assert_num_queries
):
    client = client_as(editor)
    for _ in range(3):
        ArticleFactory(published=True, authors=[AuthorFactory(), AuthorFactory()])
    client.get(CHANGELIST_URL)  # warm the content-type and session caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST_URL).status_code == 200
    for _ in range(27):
        ArticleFactory(published=True, authors=[AuthorFactory(), AuthorFactory()])

    with django_assert_num_queries(len(few)):
        response = client.get(CHANGELIST_URL)
    assert response.context["cl"].result_count == 30


def story_with_rows(rows, **fields):
    """A published story with `rows` rows in each inline: bylines, "Read more" links, corrections, notes,
    social posts and workflow events."""
    from sharing.models import ShareRecord

    authors = [AuthorFactory(display_name=f"Writer {rows}-{n}") for n in range(rows)]
    story = ArticleFactory(published=True, authors=authors, **fields)
    for n in range(rows):
        linked = ArticleFactory(published=True, headline=f"Read more {rows}-{n}")
        story.related_links.create(related=linked, position=n)
        story.corrections.create(note=f"Correction {rows}-{n}")
        EditorialNote.objects.create(
            article=story, text=f"Note {rows}-{n}", written_by=fields.get("created_by")
        )
        ShareRecord.objects.create(article=story, account=f"account-{n}", network="log")
        WorkflowEvent.objects.create(article=story, action=WorkflowEvent.Action.PUBLISHED)
    return story, authors


def html_of_many_at_the_cost_of_one(client, few, many, budget, assert_max_queries) -> str:
    """The change page of `many` (twelve rows of each inline), which must cost what `few`'s (one of each)
    does, within `budget`."""
    client.get(change_url(few))  # warm the content-type and session caches
    with assert_max_queries(budget) as one_row:
        assert client.get(change_url(few)).status_code == 200
    with assert_max_queries(budget) as twelve_rows:
        response = client.get(change_url(many))
    assert response.status_code == 200
    assert len(twelve_rows) == len(one_row)
    return response.content.decode()


# Queries of the article page however many rows its inlines have: 21 today with one row of each as with 12.
CHANGE_PAGE_BUDGET = 22


def test_the_article_page_costs_the_same_queries_with_one_row_as_with_many(
    client_as, editor, django_assert_max_num_queries
):
    """Each byline and "Read more" row read its author or story twice (its heading and its autocomplete),
    and each row of every inline read the story again: 28 queries with one row of each, 127 with twelve."""
    few, _ = story_with_rows(1, created_by=editor)
    many, many_authors = story_with_rows(12, created_by=editor)

    html = html_of_many_at_the_cost_of_one(
        client_as(editor), few, many, CHANGE_PAGE_BUDGET, django_assert_max_num_queries
    )

    for n, author in enumerate(many_authors):  # each row's autocomplete shows its author, chosen
        assert f'<option value="{author.pk}" selected>{author.display_name}</option>' in html
        assert f"{author.display_name} on {many.headline}" in html  # and its heading
        linked = many.related_links.get(position=n).related
        assert f'<option value="{linked.pk}" selected>Read more 12-{n}</option>' in html
        assert f"Note 12-{n}" in html and f"Correction 12-{n}" in html


# A colleague's story, read-only to a reporter: 26 queries today with one row of each inline as with 12.
READ_ONLY_PAGE_BUDGET = 27


def test_a_colleagues_story_read_only_costs_the_same_queries_with_one_row_as_with_many(
    client_as, reporter, other_reporter, editor, django_assert_max_num_queries
):
    """Whether the reporter may edit the story (is it theirs?) was asked again for every row of an inline:
    61 queries with one row of each, 83 with twelve."""
    few, _ = story_with_rows(1, created_by=other_reporter)
    many, many_authors = story_with_rows(12, created_by=other_reporter)

    html = html_of_many_at_the_cost_of_one(
        client_as(reporter), few, many, READ_ONLY_PAGE_BUDGET, django_assert_max_num_queries
    )

    assert 'name="bylines-0-author"' not in html  # shown, not offered to edit
    for n, author in enumerate(many_authors):
        assert f">{author.display_name}</a></p>" in html
        assert f">Read more 12-{n}</a></p>" in html
    # The answer was kept for that request alone: the next one, an editor's, may edit the rows.
    assert 'name="bylines-0-author"' in client_as(editor).get(change_url(many)).content.decode()


def test_a_reporters_new_article_starts_with_their_own_byline(client_as, reporter, editor):
    me = AuthorFactory(display_name="Rita Porter", user=reporter)
    section = SectionFactory(name="City", slug="city")
    client = client_as(reporter)
    data = form_data(client.get(ADD_URL))
    assert data["bylines-0-author"] == str(me.pk)
    data.update(headline="Own byline", slug="own-byline", body="<p>Text.</p>", section=str(section.pk))

    response = client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [b.author for b in Article.objects.get(slug="own-byline").bylines.all()] == [me]
    # Staff who write as no author start with an empty byline, as before.
    assert form_data(client_as(editor).get(ADD_URL))["bylines-0-author"] == ""


# --- Crafted form values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("tags", "abc"),  # “abc” is not a valid value.
        ("tags", "1.5"),
        ("section", "abc"),
        ("section", "99999999999999999999"),
        ("lead_image", "abc"),
        ("bylines-0-author", "abc"),
        ("related_links-0-related", "abc"),
    ],
)
def test_a_value_no_autocomplete_offers_gets_the_fields_error_and_changes_nothing(
    client_as, editor, field, value
):
    article = ArticleFactory(published=True, headline="Ferry runs all winter")
    client = client_as(editor)
    data = edit(client, article, headline="Changed by a crafted form", **{field: value})
    if field.startswith("related_links-"):
        data.update({"related_links-TOTAL_FORMS": "1", "related_links-0-position": "0"})
    response = client.post(change_url(article), data)

    assert response.status_code == 200
    message = f"“{value}” is not a valid value." if field == "tags" else "Select a valid choice."
    assert message in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Ferry runs all winter"


def test_the_read_more_picker_says_which_stories_are_not_on_the_site(client_as, editor):
    article = ArticleFactory(published=True, headline="Ferry timetable")
    live = ArticleFactory(published=True, headline="Ferry runs all winter")
    draft = ArticleFactory(headline="Ferry fares draft")
    due = ArticleFactory(
        headline="Ferry strike embargoed",
        status=Article.Status.SCHEDULED,
        publish_at=datetime(2030, 1, 2, 9, 30, tzinfo=UTC),
    )
    query = {
        "app_label": "articles",
        "model_name": "relatedarticle",
        "field_name": "related",
        "term": "Ferry",
    }

    response = client_as(editor).get("/admin/autocomplete/", query)

    assert response.status_code == 200
    labels = {int(r["id"]): r["text"] for r in response.json()["results"]}
    assert labels[live.pk] == "Ferry runs all winter" and labels[article.pk] == "Ferry timetable"
    assert labels[draft.pk] == "Ferry fares draft (draft; under “Read more” once published)"
    due_at = f"{timezone.localtime(due.publish_at):%a %-d %b %Y, %H:%M %Z}"
    assert labels[due.pk] == f"Ferry strike embargoed (scheduled for {due_at}; under “Read more” from then)"
    assert client_as(editor).get("/admin/autocomplete/", {**query, "field_name": "nope"}).status_code == 403


def test_a_story_shared_on_social_networks_is_unpublished_not_deleted(client_as, editor):
    from sharing.models import ShareRecord

    shared = ArticleFactory(published=True, headline="Ferry strike ends")
    ShareRecord.objects.create(article=shared, account="masto", network="mastodon")
    plain = ArticleFactory(headline="Never shared")
    client = client_as(editor)
    url = reverse("admin:articles_article_delete", args=[shared.pk])

    page = client.get(url)

    assert page.status_code == 200
    assert "stays in the archive, because the posts link to it. Unpublish it instead" in page.content.decode()
    # "Yes, I'm sure" sent all the same (the page offers none): back to the story, saying why.
    refused = client.post(url, {"post": "yes"})
    assert refused.status_code == 302 and refused["Location"] == change_url(shared)
    assert error_messages_on(client.get(change_url(shared))) == [
        "This article cannot be deleted: a story posted (or queued to be posted) on social networks stays in "
        "the archive, because the posts link to it. Unpublish it instead."
    ]
    bulk = {"action": "delete_selected", "_selected_action": [shared.pk, plain.pk], "post": "yes"}
    assert client.post(CHANGELIST_URL, bulk).status_code == 302
    assert error_messages_on(client.get(CHANGELIST_URL)) == [
        "Nothing was deleted: “Ferry strike ends”: a story posted (or queued to be posted) on social "
        "networks stays in the archive, because the posts link to it. Unpublish it instead."
    ]
    assert Article.objects.filter(pk__in=[shared.pk, plain.pk]).count() == 2
    assert ShareRecord.objects.filter(article=shared).exists()
    deleted = client.post(reverse("admin:articles_article_delete", args=[plain.pk]), {"post": "yes"})
    assert deleted.status_code == 302 and not Article.objects.filter(pk=plain.pk).exists()


def test_deleting_a_live_story_says_what_goes_with_it_and_offers_unpublish(client_as, editor):
    from articles.models import RelatedArticle
    from tests.comments.helpers import make_comment

    live = ArticleFactory(published=True, headline="Ferry strike called off")
    for other in ArticleFactory.create_batch(2, published=True):
        RelatedArticle.objects.create(article=other, related=live)
    make_comment(live)
    draft = ArticleFactory()

    page = client_as(editor).get(reverse("admin:articles_article_delete", args=[live.pk])).content.decode()
    text = " ".join(page.split())
    assert "This story is on the site now, with 1 reader comment, and 2 other stories link to it" in text
    assert "press Unpublish instead" in text and change_url(live) in page
    draft_page = client_as(editor).get(reverse("admin:articles_article_delete", args=[draft.pk]))
    assert "This story is on the site now" not in draft_page.content.decode()


def test_the_article_list_finds_a_story_by_its_writer(client_as, editor):
    quillon = AuthorFactory(display_name="Marta Quillon")
    hers = ArticleFactory(headline="Pier lights", authors=[quillon, AuthorFactory(display_name="Ada Quill")])
    ArticleFactory(headline="Ferry fares")

    response = client_as(editor).get(CHANGELIST_URL, {"q": "Quill"})

    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [hers.pk]  # once, though two bylines match


def test_corrections_can_be_added_only_once_the_story_has_run(client_as, editor):
    draft, published = ArticleFactory(), ArticleFactory(published=True)
    client = client_as(editor)

    draft_form = form_data(client.get(change_url(draft)))
    published_form = form_data(client.get(change_url(published)))

    assert draft_form["corrections-MAX_NUM_FORMS"] == "0"
    assert published_form["corrections-MAX_NUM_FORMS"] != "0"
    forced = add_inline_rows(draft_form, "corrections", [{"kind": "correction", "note": "Draft fix."}])
    client.post(change_url(draft), forced)  # a row sent all the same is not taken
    assert not draft.corrections.exists()


def test_a_saved_correction_is_shown_read_only_and_cannot_be_changed_or_removed(client_as, editor):
    article = ArticleFactory(published=True)
    correction = services.add_correction(
        article=article, by=editor, kind="correction", note="The pier is 120 m long, not 90 m."
    )
    client = client_as(editor)
    response = client.get(change_url(article))
    shown = page(response).select_one("#corrections-group")
    assert "The pier is 120 m long, not 90 m." in shown.get_text()
    saved = {"kind": "Correction", "note": "The pier is 120 m long, not 90 m."}
    assert_shown_as_read_only_text(shown.select_one("#corrections-0"), saved)
    assert shown.select_one("input[name='corrections-0-DELETE']") is None
    # A further one is typed in as before.
    assert shown.select_one("#corrections-empty textarea[name='corrections-__prefix__-note']") is not None

    data = form_data(response)
    data["corrections-0-note"], data["corrections-0-DELETE"] = "The pier is 90 m long.", "on"
    add_inline_rows(data, "corrections", [{"kind": "update", "note": "The pier reopens on Monday."}])
    response = client.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    kept, added = article.corrections.order_by("noted_at", "id")
    assert (kept.pk, kept.note, kept.noted_at) == (
        correction.pk,
        "The pier is 120 m long, not 90 m.",
        correction.noted_at,
    )
    assert (added.kind, added.note) == ("update", "The pier reopens on Monday.")


def test_the_delete_page_lists_what_goes_without_the_links_to_tags(client_as, editor):
    story = ArticleFactory(headline="Ferry strike called off")
    story.tags.add(TagFactory(name="Ferries"), TagFactory(name="Strikes"))

    response = client_as(editor).get(reverse("admin:articles_article_delete", args=[story.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    summary = " ".join(page(response).select_one("#content").get_text(" ").split())
    assert "Bylines: 1" in summary and "Articles: 1" in summary
    assert "Byline:" in summary and "Ferry strike called off" in summary
    assert "Article_tags object" not in html and "relationship" not in summary


def test_deleting_several_stories_names_those_on_the_site_first(client_as, editor):
    live = ArticleFactory(published=True, headline="Ferry strike called off")
    draft = ArticleFactory(headline="Draft about the pier")

    response = client_as(editor).post(
        CHANGELIST_URL, {"action": "delete_selected", "_selected_action": [live.pk, draft.pk], "index": "0"}
    )

    assert response.status_code == 200  # the question, nothing deleted yet
    text = " ".join(response.content.decode().split())
    warning = text.split("On the site now, and taken away with their reader comments by deleting")[1]
    warning = warning.split("</li>")[0]
    assert f'{change_url(live)}">Ferry strike called off</a>.' in warning
    assert "Draft about the pier" not in warning
    assert Article.objects.count() == 2


@pytest.mark.parametrize("kind", ["tag", "section"])
def test_a_slug_already_taken_names_what_has_it(client_as, editor, kind):
    from articles.models import Section, Tag

    model, factory = (Tag, TagFactory) if kind == "tag" else (Section, SectionFactory)
    factory(name="Ferries", slug="ferries")
    url = reverse(f"admin:articles_{kind}_add")
    client = client_as(editor)
    data = {"name": "ferries", "slug": "ferries", "position": "5", "description": ""}

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        f"The {kind} “Ferries” already has the slug “ferries”: use it, or choose another."
    ]
    assert model.objects.count() == 1


@pytest.mark.parametrize("kind", ["tag", "section"])
def test_a_name_taken_in_other_capitals_names_what_has_it(client_as, editor, kind):
    from articles.models import Section, Tag

    model, factory = (Tag, TagFactory) if kind == "tag" else (Section, SectionFactory)
    factory(name="Ferries", slug="ferries")
    client = client_as(editor)
    data = {"name": "ferries", "slug": "ferries-2", "position": "5", "description": ""}

    response = client.post(reverse(f"admin:articles_{kind}_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        f"The {kind} “Ferries” already has this name: use it, or choose another."
    ]
    assert list(model.objects.values_list("name", flat=True)) == ["Ferries"]


def test_a_section_or_author_stories_still_use_says_what_to_do_before_deleting(client_as, editor):
    """Django's "would require deleting the following protected related objects" read as an offer to delete
    the stories too; the page says what to do first, and nothing is deleted."""
    section, author = SectionFactory(name="Weather"), AuthorFactory(display_name="Ines Varga")
    story = ArticleFactory(headline="Fog on the estuary", section=section)
    story.bylines.create(author=author, position=0)
    client = client_as(editor)

    advice = {section: "Move it to another section first.", author: "Take the byline off it first."}
    for obj, first in advice.items():
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        html = client.get(url).content.decode()
        assert f"The {opts.verbose_name} “{obj}” cannot be deleted while this story uses it." in html
        assert first in html and "Fog on the estuary" in html and "would require deleting" not in html
        client.post(url, {"post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists()
    assert Article.objects.filter(pk=story.pk).exists()

"""Revision history (django-reversion) in the admin: who changed what, and restoring an earlier version."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.models import Article, Correction, Section
from articles.previews import preview_url
from newsroom.users import display_name
from tests.factories import ArticleFactory

from .admin_forms import form_data

pytestmark = pytest.mark.django_db

Status = Article.Status


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def save_headline(client, article, headline, **buttons):
    data = form_data(client.get(change_url(article)))
    data.update(headline=headline, **buttons)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def version_with_headline(article, headline):
    versions = Version.objects.get_for_object(article).select_related("revision")
    return next(v for v in versions if v.field_dict["headline"] == headline)


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def test_history_lists_each_edit_with_its_user_and_an_old_version_can_be_restored(client_as, editor):
    editor.first_name, editor.last_name = "Erin", "Desk"
    editor.save()
    article = ArticleFactory(headline="First headline")
    client = client_as(editor)
    save_headline(client, article, "Second headline")
    save_headline(client, article, "Third headline")

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))

    assert history.status_code == 200
    rows = history.context["action_list"]
    assert len(rows) == 2
    assert [row["revision"].user for row in rows] == [editor, editor]
    assert "Changed Headline." in rows[0]["revision"].get_comment()
    html = history.content.decode()
    assert html.count("<td>Erin Desk</td>") == 2

    old = version_with_headline(article, "Second headline")
    form = client.get(revision_url(article, old))
    assert form.status_code == 200
    assert 'value="Second headline"' in form.content.decode()
    article.refresh_from_db()
    assert article.headline == "Third headline", "looking at an old version changes nothing"

    response = client.post(revision_url(article, old), form_data(form))

    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Second headline” is again as the version you chose had it: its words, picture, bylines, tags and "
        "“Read more” links. Its workflow state (draft) and its corrections are as they were; the history "
        "keeps what it had before."
    ]
    article.refresh_from_db()
    assert article.headline == "Second headline"
    newest = Version.objects.get_for_object(article).first()
    assert newest.revision.user == editor
    assert newest.revision.get_comment().startswith("Reverted to previous version")


def test_restoring_an_old_version_keeps_the_article_published(client_as, editor):
    article = ArticleFactory(in_review=True, headline="Draft-era headline")
    client = client_as(editor)
    save_headline(client, article, "Edited in review")
    save_headline(client, article, "Published headline", _publish="1")
    article.refresh_from_db()
    published_at = article.published_at
    assert article.status == Status.PUBLISHED

    old = version_with_headline(article, "Edited in review")
    assert old.field_dict["status"] == Status.IN_REVIEW
    response = client.post(revision_url(article, old), form_data(client.get(revision_url(article, old))))

    assert response.status_code == 302
    revised_before = article.revised_at
    article.refresh_from_db()
    assert article.headline == "Edited in review"
    # Restoring restores the words; the workflow state only changes through publish/unpublish.
    assert (article.status, article.published_at) == (Status.PUBLISHED, published_at)
    assert article in Article.objects.published()
    # Readers read other words now: "Updated" moves on (the version's own time came back with it).
    assert article.revised_at > revised_before


def test_restoring_an_old_version_keeps_the_corrections_as_they_are_now(client, client_as, editor):
    """Corrections are the record of what the newsroom got wrong: an old version's words come back, and
    the corrections made since (and their wording now) stay on the story."""
    article = ArticleFactory(published=True, headline="Pier opens")
    editor_client = client_as(editor)
    save_headline(editor_client, article, "Pier opens to the public")
    services.add_correction(article=article, by=editor, kind="correction", note="The pier is 120 m long.")
    services.add_correction(article=article, by=editor, kind="update", note="The cafe opens in spring.")
    Correction.objects.filter(kind="correction").update(note="The pier is 120 m long, not 90 m.")
    before = [v for v in Version.objects.get_for_object(article) if v.field_dict["headline"] != "Pier opens"]
    old, newest = before[-1], before[0]  # without corrections; with both, the first in its old wording
    now = [("correction", "The pier is 120 m long, not 90 m."), ("update", "The cafe opens in spring.")]

    for version in (newest, old):
        save_headline(editor_client, article, "A headline to undo")
        form = editor_client.get(revision_url(article, version))
        response = editor_client.post(revision_url(article, version), form_data(form))

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.headline == "Pier opens to the public" and article.status == Status.PUBLISHED
        assert list(article.corrections.values_list("kind", "note")) == now
    page = client.get(article.get_absolute_url()).content.decode()
    assert "The pier is 120 m long, not 90 m." in page and "The cafe opens in spring." in page


def test_reporter_cannot_use_an_old_draft_version_to_edit_an_article_in_review(client_as, reporter):
    article = ArticleFactory(created_by=reporter, headline="My draft")
    client = client_as(reporter)
    save_headline(client, article, "My better draft")
    save_headline(client, article, "Sent for review", _submit_review="1")
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW

    old = version_with_headline(article, "My better draft")
    data = form_data(client_as(reporter).get(change_url(article)))
    data.update(headline="Sneaked in after review")
    response = client.post(revision_url(article, old), data)

    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Sent for review", Status.IN_REVIEW)


def test_a_version_page_shows_the_live_state_and_offers_its_steps(client_as, editor):
    """The old words in the form, but the article's status and time as they are now: saving keeps those,
    so the Status shown and the workflow buttons must be the live ones, not the old version's."""
    from bs4 import BeautifulSoup

    article = ArticleFactory(in_review=True, headline="Draft-era headline")
    client = client_as(editor)
    save_headline(client, article, "Edited in review")
    save_headline(client, article, "Published headline", _publish="1")
    old = version_with_headline(article, "Edited in review")
    assert old.field_dict["status"] == Status.IN_REVIEW

    page = BeautifulSoup(client.get(revision_url(article, old)).content, "html.parser")
    assert page.select_one("input[name=headline]")["value"] == "Edited in review"
    assert "Published" in page.select_one(".field-status").get_text()
    buttons = {b["name"] for b in page.select(".workflow-actions input[type=submit]")}
    assert "_unpublish" in buttons and "_submit_review" not in buttons


def test_who_may_not_restore_sees_the_history_without_links_to_a_refusal(client_as, reporter, editor):
    article = ArticleFactory(created_by=reporter, headline="My draft")
    client = client_as(reporter)
    save_headline(client, article, "Sent for review", _submit_review="1")
    history_url = reverse("admin:articles_article_history", args=[article.pk])

    history = client.get(history_url)
    assert history.status_code == 200 and "Restoring one is for whoever may edit" in history.content.decode()
    restore = re.compile(r"/history/\d+/$")  # a version's restore page; /changes/ below it is for all
    assert not [a["href"] for a in _links(history) if restore.search(a["href"])]
    assert [a["href"] for a in _links(history) if a["href"].endswith("/changes/")]
    editors = client_as(editor).get(history_url)
    assert [a["href"] for a in _links(editors) if restore.search(a["href"])]


def _links(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content, "html.parser").select("#change-history a[href]")


def recover_url(version):
    return reverse("admin:articles_article_recover", args=[version.pk])


def test_recover_is_no_way_round_the_workflow_for_a_reporter(client_as, reporter, editor):
    """reversion's "recover" takes any version: a draft-era one of a published story would turn it back
    into the reporter's editable draft. Only a deleted article is recovered, and only by an editor."""
    article = ArticleFactory(created_by=reporter, headline="My draft")
    save_headline(client_as(reporter), article, "My draft, saved")
    old = version_with_headline(article, "My draft, saved")
    save_headline(client_as(editor), article, "Published headline", _publish="1")

    data = form_data(client_as(editor).get(change_url(article)))
    data.update(headline="Rewritten after publication")
    client = client_as(reporter)  # the same test client, now logged in as the reporter
    assert client.get(recover_url(old)).status_code == 403
    assert client.post(recover_url(old), data).status_code == 403
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    changelist = reverse("admin:articles_article_changelist")
    assert "recoverlink" not in client.get(changelist).content.decode()  # no link to a refusal
    assert client_as(editor).post(recover_url(old), data).status_code == 403  # not deleted: History reverts
    assert (
        'class="recoverlink">Recover deleted articles</a>'
        in client_as(editor).get(changelist).content.decode()
    )
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Published headline", Status.PUBLISHED)
    assert article in Article.objects.published()


@pytest.mark.parametrize("ran", [True, False])
def test_an_editor_recovers_a_deleted_article_off_the_site(client_as, editor, ran):
    article = ArticleFactory(headline="Deleted by mistake", published=ran)
    client = client_as(editor)
    save_headline(client, article, "Deleted by mistake")  # a version to recover from
    article.refresh_from_db()
    assert article.status == (Status.PUBLISHED if ran else Status.DRAFT)
    pk, first_published_at = article.pk, article.first_published_at
    old_preview = preview_url(article)
    response = client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Article.objects.filter(pk=pk).exists()

    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    assert "Deleted by mistake" in client.get(reverse("admin:articles_article_recoverlist")).content.decode()
    response = client.post(recover_url(version), form_data(client.get(recover_url(version))))

    assert response.status_code == 302 and response["Location"] == change_url(Article(pk=pk))
    state = "withdrawn (it had been published)" if ran else "a draft"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"“Deleted by mistake” is back, as {state}. Check it, then send it through the workflow to "
        "publish it again."
    ]
    recovered = Article.objects.get(pk=pk)
    assert recovered.headline == "Deleted by mistake"
    assert recovered.status == (Status.UNPUBLISHED if ran else Status.DRAFT)
    if ran:  # kept, so the story keeps its address (versions store times to the millisecond)
        assert abs(recovered.first_published_at - first_published_at).total_seconds() < 0.001
    else:
        assert recovered.first_published_at is None
    assert recovered not in Article.objects.published()
    event = recovered.workflow_events.get()
    assert (event.action, event.actor, event.detail) == ("recovered", editor, "")
    assert "Recovered after deletion" in client.get(change_url(recovered)).content.decode()
    client.logout()
    assert client.get(recovered.get_absolute_url()).status_code == (410 if ran else 404)  # gone, or never was
    # A deletion took the story down: links sent before it stay closed, a new one works.
    closed = client.get(old_preview)
    assert closed.status_code == 410 and "This preview link no longer works" in closed.content.decode()
    assert "Deleted by mistake" not in closed.content.decode()
    assert client.get(preview_url(recovered)).status_code == 200


def test_the_restore_and_recover_pages_say_what_saving_does_to_the_story(client_as, editor):
    """Both said "Press the save button below to revert to (recover) this version of the object."."""
    article = ArticleFactory(headline="Ferry strike called off")
    client = client_as(editor)
    save_headline(client, article, "Ferry strike called off")
    save_headline(client, article, "Ferry strike called off at dawn")
    old = version_with_headline(article, "Ferry strike called off")

    restore = client.get(revision_url(article, old)).content.decode()

    assert "of the object" not in restore
    assert (
        "Saving makes its words, picture, bylines, tags and “Read more” links the article's again; the "
        "article keeps its workflow state (unless a Workflow button below takes a step too) and its "
        "corrections as they are now"
    ) in restore

    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Article).filter(object_id=str(article.pk)).first()
    recover = client.get(recover_url(version)).content.decode()

    assert "of the object" not in recover
    assert "Saving brings it back off the site, as a draft (or withdrawn, if it had run)" in recover


def test_a_version_restored_with_a_workflow_step_is_not_said_to_keep_its_state(client_as, editor):
    """ "Save and publish now" on a version's page publishes it; the restore's message then said its workflow
    state "(published)" was as it had been, under "Published."."""
    article = ArticleFactory(headline="Lifeboat called out twice", in_review=True)
    client = client_as(editor)
    save_headline(client, article, "Lifeboat called out twice")
    save_headline(client, article, "Lifeboat called out twice in a night")
    old = version_with_headline(article, "Lifeboat called out twice")

    response = client.post(
        revision_url(article, old), {**form_data(client.get(revision_url(article, old))), "_publish": "1"}
    )

    article.refresh_from_db()
    assert (article.status, article.headline) == (Status.PUBLISHED, "Lifeboat called out twice")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0].startswith("Published.")
    assert said[-1] == (
        "“Lifeboat called out twice” is again as the version you chose had it: its words, picture, bylines, "
        "tags and “Read more” links. Its corrections are as they were; the history keeps what it had before."
    )


def test_a_recovered_article_comes_back_with_its_workflow_history(client_as, reporter, editor):
    """Deleting a story took its workflow events with it (a cascade), and recovering it brings back only
    what its version holds (django-reversion follows bylines, corrections and "Read more" links): the story
    came back as if no one had ever submitted or published it. The events outlive the row, as
    RemovedArticle does, and are the recovered story's again."""
    from articles.models import WorkflowEvent
    from tests.factories import AuthorFactory

    writer = AuthorFactory(user=reporter)
    # Not shared: a story posted to social networks is never deleted.
    article = ArticleFactory(
        headline="Pier opens", created_by=reporter, authors=[writer], share_on_publish=False
    )
    services.submit_for_review(article=article, by=reporter)
    services.publish_article(article=article, by=editor)
    client = client_as(editor)
    save_headline(client, article, "Pier opens on Friday")
    delete_in_admin(client, article)
    kept = WorkflowEvent.objects.filter(article_id=article.pk)
    assert list(kept.values_list("action", "actor")) == [("published", editor.pk), ("submitted", reporter.pk)]

    version = deleted_article_version(client, article)
    form = client.get(recover_url(version))
    shown = [str(event) for event in form.context["inline_admin_formsets"][4].formset.queryset]
    assert [text.split(" at ")[0] for text in shown] == [
        f"Published by {display_name(editor)}",
        f"Submitted for review by {display_name(reporter)}",
    ]
    assert client.post(recover_url(version), form_data(form)).status_code == 302

    recovered = Article.objects.get(pk=article.pk)
    assert (recovered.headline, recovered.status) == ("Pier opens on Friday", Status.UNPUBLISHED)
    events = recovered.workflow_events.values_list("action", "actor")
    assert list(events) == [("recovered", editor.pk), ("published", editor.pk), ("submitted", reporter.pk)]
    assert "Published by" in client.get(change_url(recovered)).content.decode()


def test_a_recovered_article_comes_back_with_its_editorial_notes(client, client_as, reporter, editor):
    """Deleting a story took the notes between its staff with it (a cascade), and they are in no version:
    a recovered story came back without them. They outlive the row, as its workflow events do, and are
    the recovered story's again, each still its writer's; readers still never see one."""
    from articles.models import EditorialNote

    article = ArticleFactory(headline="Pier opens", created_by=reporter, published=True)
    EditorialNote.objects.create(article=article, text="Check the ferry times.", written_by=editor)
    EditorialNote.objects.create(article=article, text="Times checked.", written_by=reporter)
    editor_client = client_as(editor)
    save_headline(editor_client, article, "Pier opens on Friday")
    version = deleted_article_version(editor_client, article)
    kept = EditorialNote.objects.filter(article_id=article.pk)
    assert list(kept.values_list("text", "written_by")) == [
        ("Check the ferry times.", editor.pk),
        ("Times checked.", reporter.pk),
    ]

    form = editor_client.get(recover_url(version))
    inlines = form.context["inline_admin_formsets"]
    notes = next(inline.formset for inline in inlines if inline.formset.model is EditorialNote)
    assert [f.instance.text for f in notes.initial_forms] == ["Check the ferry times.", "Times checked."]
    assert editor_client.post(recover_url(version), form_data(form)).status_code == 302

    recovered = Article.objects.get(pk=article.pk)
    assert (recovered.headline, recovered.status) == ("Pier opens on Friday", Status.UNPUBLISHED)
    assert list(recovered.editorial_notes.values_list("text", "written_by")) == [
        ("Check the ferry times.", editor.pk),
        ("Times checked.", reporter.pk),
    ]
    assert "Check the ferry times." in editor_client.get(change_url(recovered)).content.decode()
    services.publish_article(article=recovered, by=editor)
    client.logout()
    page = client.get(recovered.get_absolute_url())
    assert page.status_code == 200 and "Pier opens on Friday" in page.content.decode()
    assert "ferry times" not in page.content.decode()
    assert "ferry times" not in client.get(f"/api/v1/articles/{recovered.pk}/").content.decode()


def test_a_recovered_article_answers_at_its_old_addresses_once_published_again(
    client, client_as, editor, fresh_cache
):
    """Deleting a story took its old addresses with it (a cascade): recovered and published again, a link
    to it from before a rename was a 404. They outlive the row, as its workflow events do; while it is
    deleted (or back but not yet on the site) they answer as when they went with it."""
    from articles.models import ArticleRedirect

    article = ArticleFactory(published=True, slug="pier-opens", headline="Pier opens")
    first = article.get_absolute_url()
    editor_client = client_as(editor)
    save_form(editor_client, article, headline="Pier opens on Friday", slug="pier-opens-on-friday")
    article.refresh_from_db()
    renamed = article.get_absolute_url()
    assert client.get(first)["Location"] == renamed
    version = deleted_article_version(editor_client, article)
    kept = ArticleRedirect.objects.filter(article_id=article.pk)
    assert list(kept.values_list("old_path", flat=True)) == [first]
    client.logout()
    assert [client.get(url).status_code for url in (first, renamed)] == [404, 410]
    assert client.get(f"/api/v1/articles/by-path{first}").status_code == 404

    editor_client = client_as(editor)
    form = editor_client.get(recover_url(version))
    assert editor_client.post(recover_url(version), form_data(form)).status_code == 302
    recovered = Article.objects.get(pk=article.pk)
    assert list(recovered.old_paths.values_list("old_path", flat=True)) == [first]
    client.logout()
    assert client.get(first).status_code == 404  # back, but withdrawn: not on the site yet
    services.publish_article(article=recovered, by=editor)
    recovered.refresh_from_db()

    response = client.get(first)
    assert response.status_code == 301 and response["Location"] == recovered.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    api = client.get(f"/api/v1/articles/by-path{first}")
    assert api.status_code == 301
    assert api["Location"] == f"http://testserver/api/v1/articles/by-path{recovered.get_absolute_url()}"


def test_a_recovered_article_gives_up_an_old_address_whose_slug_another_article_took_meanwhile(
    client, client_as, editor, fresh_cache
):
    """Recovery refuses a story whose own slug is taken; an old address whose slug another story has taken
    since leads to that story (a known slug under another date), and the recovered one does not claim it
    back."""
    from datetime import timedelta

    from django.utils import timezone

    article = ArticleFactory(published=True, slug="pier-opens", headline="Pier opens")
    first = article.get_absolute_url()
    editor_client = client_as(editor)
    save_form(editor_client, article, headline="Pier opens on Friday", slug="pier-opens-on-friday")
    version = deleted_article_version(editor_client, article)
    other = ArticleFactory(
        published=True,
        published_at=timezone.now() - timedelta(days=3),
        slug="pier-opens",
        headline="Pier, a year on",
    )
    assert other.get_absolute_url() != first
    client.logout()
    assert client.get(first)["Location"] == other.get_absolute_url()

    editor_client = client_as(editor)
    form = editor_client.get(recover_url(version))
    assert editor_client.post(recover_url(version), form_data(form)).status_code == 302
    recovered = Article.objects.get(pk=article.pk)
    services.publish_article(article=recovered, by=editor)

    assert not recovered.old_paths.filter(old_path=first).exists()
    client.logout()
    assert client.get(first)["Location"] == other.get_absolute_url()
    recovered.refresh_from_db()
    assert client.get(recovered.get_absolute_url()).status_code == 200


def _buttons(response) -> list[str]:
    return re.findall(r'<input type="submit" value="([^"]+)"', response.content.decode())


def test_a_new_story_given_a_deleted_one_s_id_takes_none_of_what_was_kept_for_its_recovery(editor):
    """SQLite (`make run`) gives an id again once a migration rebuilds the table: a new story took the
    deleted one's workflow history and editorial notes, and its old addresses redirected to it."""
    from articles.models import ArticleRedirect, EditorialNote, WorkflowEvent

    gone = ArticleFactory(headline="Ferry fares rise", published=True)
    services.unpublish_article(article=gone, by=editor)
    EditorialNote.objects.create(article=gone, text="Check the fares with the council.", written_by=editor)
    ArticleRedirect.objects.create(article=gone, old_path="/city/2026/01/02/ferry-fares/")
    Article.objects.filter(pk=gone.pk).delete()
    kept = [
        model.objects.filter(article_id=gone.pk) for model in (WorkflowEvent, EditorialNote, ArticleRedirect)
    ]
    assert [query.count() for query in kept] == [1, 1, 1]  # what a recovery would bring back

    newcomer = ArticleFactory(pk=gone.pk, headline="Harbour choir sings tonight")

    assert [query.count() for query in kept] == [0, 0, 0]
    assert not newcomer.workflow_events.exists() and not newcomer.editorial_notes.exists()


def test_recovering_is_a_save_of_its_own_with_no_workflow_step(client_as, editor):
    """A deleted article comes back off the site: publishing or scheduling it comes after, from its page.
    Clicked with "Save and publish now", the recovered story went straight onto the site."""
    article = ArticleFactory(headline="Pier opens", published=True)
    client = client_as(editor)
    save_headline(client, article, "Pier opens on Friday")
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
    recover = client.get(recover_url(deleted))
    assert _buttons(recover) == ["Save"]  # no workflow step, and no preview of an article not there yet

    for step in ("_publish", "_schedule", "_submit_review"):
        response = client.post(recover_url(deleted), {**form_data(recover), step: "1"})
        assert response.status_code == 200
        assert "A recovered article comes back off the site: save to recover it" in response.content.decode()
        assert not Article.objects.filter(pk=article.pk).exists()
    response = client.post(recover_url(deleted), form_data(recover))
    recovered = Article.objects.get(pk=article.pk)
    assert (response.status_code, recovered.status) == (302, Status.UNPUBLISHED)
    assert recovered not in Article.objects.published()
    assert list(recovered.workflow_events.values_list("action", flat=True)) == ["recovered"]


@pytest.fixture
def migrated_to_the_latest_after():
    """A test that migrates back leaves the database at the latest migrations: the transactional tests that
    run after it (pytest-django runs them last) ran on the schema it stopped at."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # rows the migrations made stay
def test_recoveries_recorded_as_unpublished_before_are_recoveries_after_the_migration(
    migrated_to_the_latest_after,
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("articles", "0021_removed_articles")], [("articles", "0022_workflow_event_recovered")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    section = apps.get_model("articles", "Section").objects.create(name="City", slug="city")
    article = apps.get_model("articles", "Article").objects.create(
        headline="Back from the bin", slug="back-from-the-bin", section=section
    )
    events = apps.get_model("articles", "WorkflowEvent").objects
    events.create(article=article, action="unpublished", detail="recovered after deletion")
    events.create(article=article, action="unpublished", detail="")  # a real withdrawal stays one

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    rows = services.WorkflowEvent.objects.filter(article_id=article.pk).order_by("pk")
    assert list(rows.values_list("action", "detail")) == [("recovered", ""), ("unpublished", "")]
    assert [event.get_action_display() for event in rows] == ["Recovered after deletion", "Unpublished"]


def test_a_refusal_in_the_admin_is_a_page_in_the_site_s_look_that_leads_back(client_as, reporter, editor):
    article = ArticleFactory(created_by=editor, headline="Someone else's draft")
    save_headline(client_as(editor), article, "Edited by the editor")
    old = version_with_headline(article, "Edited by the editor")
    refused = client_as(reporter).get(revision_url(article, old))
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "This page is not open to you" in html and 'href="/admin/"' in html
    assert "Edited by the editor" not in html


def test_each_version_shows_what_its_save_changed_word_by_word(client_as, editor, reporter):
    from bs4 import BeautifulSoup

    article = ArticleFactory(headline="Ferry runs late", body="<p>The ferry ran <b>late</b> on Monday.</p>")
    client = client_as(editor)
    save_headline(client, article, "Ferry runs late again")
    data = form_data(client.get(change_url(article)))
    data.update(body="<p>The ferry ran late on Tuesday.</p><p>Crews blamed <script>x</script>the fog.</p>")
    assert client.post(change_url(article), data).status_code == 302

    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    links = re.findall(r'href="([^"]+/history/\d+/changes/)"', history)
    assert len(links) == 2
    first, newest = (BeautifulSoup(client.get(link).content, "html.parser") for link in links)  # oldest first
    rows = {tr.th.get_text(): tr.td for tr in newest.select(".article-changes tbody tr")}
    assert list(rows) == ["Body"]
    assert [d.get_text() for d in rows["Body"].select("del")] == ["Monday."]
    assert [i.get_text() for i in rows["Body"].select("ins")] == ["Tuesday.Crews blamed the fog."]
    assert rows["Body"].get_text().startswith("The ferry ran late on ")  # the text, not its markup
    assert rows["Body"].select_one("ins br") is not None  # a new paragraph is a new line
    assert "<script>" not in str(rows["Body"]) and "<b>" not in str(rows["Body"])
    assert "Ferry runs late again" in first.select_one(".article-changes").get_text()

    # Each sentence ends: "Saved by Erin Desk: Published Compared with…" ran the step into the next one.
    workflow = ArticleFactory(in_review=True, headline="Pier opens")
    save_headline(client, workflow, "Pier opens today")
    services.publish_article(article=Article.objects.get(pk=workflow.pk), by=editor)  # as the list's action
    published = re.findall(
        r'href="([^"]+/history/\d+/changes/)"',
        client.get(reverse("admin:articles_article_history", args=[workflow.pk])).content.decode(),
    )[-1]
    said = " ".join(
        BeautifulSoup(client.get(published).content, "html.parser")
        .select_one(".article-changes p")
        .get_text()
        .split()
    )
    assert re.search(r": Published\. Compared with the version before it", said), said
    assert "..." not in said and ".." not in said

    assert client_as(reporter).get(links[0]).status_code == 200  # reporters read every article's history
    assert client.get(links[0].replace("/history/", "/history/9999").rstrip("/") + "/").status_code == 404


def test_the_history_names_the_step_a_button_took(client_as, editor):
    article = ArticleFactory(in_review=True, headline="Ferry fares rise")
    client = client_as(editor)

    save_headline(client, article, "Ferry fares rise", _publish="1")
    first = Version.objects.get_for_object(article).first().revision.get_comment()
    save_headline(client, article, "Ferry fares rise by a tenth", _unpublish="1")
    second = Version.objects.get_for_object(article).first().revision.get_comment()

    assert first == "Published."
    assert second == "Unpublished: readers no longer see it. Changed Headline."
    waiting = ArticleFactory(in_review=True, headline="Waiting")
    save_headline(client, waiting, "Still waiting", _submit_review="1")  # refused: only the edit is saved
    assert Version.objects.get_for_object(waiting).first().revision.get_comment() == "Changed Headline."


def save_form(client, article, **changes):
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.get(response["Location"])  # where its "changed successfully" is read, as in a browser
    return response


def delete_in_admin(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    response = client.post(url, {"post": "yes"}, follow=True)  # its "deleted successfully" read there
    assert response.redirect_chain[0][1] == 302 and not type(obj).objects.filter(pk=obj.pk).exists()


def save_with_more_rows(client, article, author, links, **changes):
    """Saved in the admin with `author` as a second byline and `links` under "Read more" (and `changes`)."""
    from .admin_forms import add_inline_rows

    data = form_data(client.get(change_url(article)))
    add_inline_rows(data, "bylines", [{"author": str(author.pk), "position": "1"}])
    add_inline_rows(
        data, "related_links", [{"related": str(link.pk), "position": str(n)} for n, link in enumerate(links)]
    )
    assert client.post(change_url(article), data | changes).status_code == 302


def test_a_version_naming_rows_deleted_since_opens_without_them_and_says_which(client_as, editor):
    """A 500 (Author.DoesNotExist) was all an editor got for a version naming an author deleted since: the
    version's rows came back pointing at nothing. The same for a "Read more" story, a tag or a section."""
    from tests.factories import AuthorFactory, SectionFactory, TagFactory

    writer, gone = AuthorFactory(display_name="Ada Writer"), AuthorFactory(display_name="Gus Gone")
    link, gone_link = ArticleFactory(headline="Kept link"), ArticleFactory(headline="Ferry timetable story")
    tag, gone_tag = TagFactory(name="Harbour"), TagFactory(name="Ferries")
    old_desk, desk = SectionFactory(name="Old desk"), SectionFactory(name="City")
    article = ArticleFactory(headline="Pier opens", authors=[writer], tags=[tag, gone_tag], section=old_desk)
    client = client_as(editor)
    save_with_more_rows(client, article, gone, [link, gone_link], headline="Pier opens with two bylines")
    old = version_with_headline(article, "Pier opens with two bylines")
    save_form(
        client,
        article,
        headline="Pier opens, one byline",
        section=str(desk.pk),
        tags=[str(tag.pk)],
        **{"bylines-1-DELETE": "on", "related_links-1-DELETE": "on"},
    )
    for row in (gone, gone_link, gone_tag, old_desk):
        delete_in_admin(client, row)
    gone_since = (
        "the section “Old desk” (it stays in “City”), the byline of “Gus Gone”, the “Read more” link to "
        "“Ferry timetable story” and the tag “Ferries”."
    )

    form = client.get(revision_url(article, old))

    assert form.status_code == 200
    assert [str(m) for m in form.context["messages"]] == [
        f"Deleted since this version was saved, so not in it as shown here: {gone_since}"
    ]
    assert form.context["adminform"].form["headline"].value() == "Pier opens with two bylines"
    bylines, links = (inline.formset for inline in form.context["inline_admin_formsets"][:2])
    assert [f.instance.author.display_name for f in bylines.initial_forms] == ["Ada Writer"]
    assert [f.instance.related.headline for f in links.initial_forms] == ["Kept link"]
    response = client.post(revision_url(article, old), form_data(form))

    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Pier opens with two bylines” is again as the version you chose had it, but for what has been "
        "deleted since (below): its words, picture, bylines, tags and “Read more” links. Its workflow state "
        "(draft) and its corrections are as they were; the history keeps what it had before.",
        f"Deleted since this version was saved, so not restored: {gone_since}",
    ]
    article.refresh_from_db()
    assert (article.headline, article.section) == ("Pier opens with two bylines", desk)
    assert list(article.bylines.values_list("author__display_name", flat=True)) == ["Ada Writer"]
    assert list(article.related_links.values_list("related__headline", flat=True)) == ["Kept link"]
    assert list(article.tags.values_list("name", flat=True)) == ["Harbour"]


@pytest.mark.parametrize("moved", ["slug", "section"])
def test_restoring_a_version_at_another_address_redirects_the_address_it_leaves(
    client, client_as, editor, fresh_cache, moved
):
    """reversion writes the version's row back without Article.save(), so the address being left (after a
    rename, the one readers last had) answered 404 instead of 301 to the restored one."""
    from tests.factories import SectionFactory

    article = ArticleFactory(published=True, slug="pier-opens", headline="Pier opens")
    first = article.get_absolute_url()
    editor_client = client_as(editor)
    save_form(editor_client, article, headline="Pier opens")  # the version to go back to
    old = version_with_headline(article, "Pier opens")
    if moved == "slug":
        save_form(editor_client, article, headline="Pier opens to all", slug="pier-opens-to-all")
    else:
        save_form(editor_client, article, headline="Pier opens to all", section=str(SectionFactory().pk))
    article.refresh_from_db()
    renamed = article.get_absolute_url()
    assert renamed != first and client.get(first)["Location"] == renamed

    form = editor_client.get(revision_url(article, old))
    response = editor_client.post(revision_url(article, old), form_data(form))

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.get_absolute_url(), article.status) == (first, Status.PUBLISHED)
    client.logout()
    assert client.get(first).status_code == 200
    left = client.get(renamed)
    assert left.status_code == 301 and left["Location"] == first
    api = client.get(f"/api/v1/articles/by-path{renamed}")
    assert api.status_code == 301 and api["Location"] == f"http://testserver/api/v1/articles/by-path{first}"
    assert list(article.old_paths.values_list("old_path", flat=True)) == [renamed]


def test_a_version_whose_lead_image_was_deleted_since_leaves_the_story_its_picture(client_as, editor):
    """The version's picture no longer exists: the story lost the one it had (NULL), while the message said
    its picture was back. It keeps the picture it has now, with its caption, and the editor is told."""
    from tests.factories import ImageFactory

    first, now = ImageFactory(title="Pier at dawn"), ImageFactory(title="Pier at noon")
    article = ArticleFactory(published=True, headline="Pier opens")
    client = client_as(editor)
    save_form(client, article, lead_image=str(first.pk), lead_image_caption="The pier at dawn.")
    old = version_with_headline(article, "Pier opens")
    save_form(
        client, article, headline="Pier opens at noon", lead_image=str(now.pk), lead_image_caption="At noon."
    )
    delete_in_admin(client, first)

    form = client.get(revision_url(article, old))

    gone = "the lead image “Pier at dawn” (the story keeps the picture and caption it has now)."
    assert form.status_code == 200
    assert [str(m) for m in form.context["messages"]] == [
        f"Deleted since this version was saved, so not in it as shown here: {gone}"
    ]
    shown = form.context["adminform"].form
    assert (shown["lead_image"].value(), shown["lead_image_caption"].value()) == (now.pk, "At noon.")
    response = client.post(revision_url(article, old), form_data(form))

    assert response.status_code == 302
    sent = [str(m) for m in get_messages(response.wsgi_request)]
    assert sent[0].startswith("“Pier opens” is again as the version you chose had it, but for what has")
    assert sent[1:] == [f"Deleted since this version was saved, so not restored: {gone}"]
    article.refresh_from_db()
    assert (article.headline, article.lead_image) == ("Pier opens", now)
    assert article.lead_image_caption == "At noon."


def test_a_version_whose_slug_another_article_has_taken_since_is_refused_naming_it(client_as, editor):
    """The refusal read "Could not save … version - missing dependency." (the slug's UNIQUE constraint)."""
    article = ArticleFactory(slug="pier-opens", headline="Pier opens")
    client = client_as(editor)
    save_form(client, article, headline="Pier opens")
    old = version_with_headline(article, "Pier opens")
    save_form(client, article, headline="Pier opens today", slug="pier-opens-today")
    ArticleFactory(slug="pier-opens", headline="Pier opens, a year on")
    history = reverse("admin:articles_article_history", args=[article.pk])
    refusal = (
        "This version cannot be restored: its slug “pier-opens” is now the address of another article, "
        "“Pier opens, a year on”. Give that article another slug first, or copy what you need from this "
        "version (its Changes page) into the story as it is."
    )

    for method in ("get", "post"):
        response = getattr(client, method)(revision_url(article, old))
        assert response.status_code == 302 and response["Location"] == history
        page = client.get(history)
        assert [str(m) for m in page.context["messages"]] == [refusal]
        assert "its slug “pier-opens” is now the address of another article" in page.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.slug) == ("Pier opens today", "pier-opens-today")
    assert Version.objects.get_for_object(article).count() == 2


def deleted_article_version(client, article):
    """Its last version, once the article is deleted in the admin: what "Recover deleted articles" offers."""
    delete_in_admin(client, article)
    return Version.objects.get_deleted(Article).get(object_id=str(article.pk))


def test_recovering_an_article_naming_rows_deleted_since_opens_without_them_and_says_which(client_as, editor):
    """Recovering a deleted article was a 500 (Author.DoesNotExist) when its version named an author deleted
    since, as restoring a version was; the same for a "Read more" story, a tag or a section."""
    from tests.factories import AuthorFactory, SectionFactory, TagFactory

    old_desk, desk = SectionFactory(name="Old desk", position=1), SectionFactory(name="City", position=0)
    writer, gone = AuthorFactory(display_name="Ada Writer"), AuthorFactory(display_name="Gus Gone")
    link = ArticleFactory(headline="Kept link", section=desk)
    gone_link = ArticleFactory(headline="Ferry timetable story", section=desk)
    tag, gone_tag = TagFactory(name="Harbour"), TagFactory(name="Ferries")
    article = ArticleFactory(
        published=True, headline="Pier opens", authors=[writer], tags=[tag, gone_tag], section=old_desk
    )
    pk = article.pk
    client = client_as(editor)
    save_with_more_rows(client, article, gone, [link, gone_link])
    version = deleted_article_version(client, article)
    for row in (gone, gone_link, gone_tag, old_desk):
        delete_in_admin(client, row)
    gone_since = (
        "the section “Old desk” (it comes back in “City”, the first section: choose its own before "
        "publishing it again), the byline of “Gus Gone”, the “Read more” link to “Ferry timetable story” "
        "and the tag “Ferries”."
    )

    form = client.get(recover_url(version))

    assert form.status_code == 200
    assert [str(m) for m in form.context["messages"]] == [
        f"Deleted since this version was saved, so not in it as shown here: {gone_since}"
    ]
    assert form.context["adminform"].form["headline"].value() == "Pier opens"
    assert form.context["adminform"].form["section"].value() == desk.pk
    bylines, links = (inline.formset for inline in form.context["inline_admin_formsets"][:2])
    assert [f.instance.author.display_name for f in bylines.initial_forms] == ["Ada Writer"]
    assert [f.instance.related.headline for f in links.initial_forms] == ["Kept link"]
    assert not Article.objects.filter(pk=pk).exists(), "looking at a deleted article recovers nothing"
    response = client.post(recover_url(version), form_data(form))

    assert response.status_code == 302 and response["Location"] == change_url(Article(pk=pk))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Pier opens” is back, as withdrawn (it had been published). Check it, then send it through the "
        "workflow to publish it again.",
        f"Deleted since this version was saved, so not restored: {gone_since}",
    ]
    recovered = Article.objects.get(pk=pk)
    assert (recovered.headline, recovered.status) == ("Pier opens", Status.UNPUBLISHED)
    assert recovered.section == desk
    assert list(recovered.bylines.values_list("author__display_name", flat=True)) == ["Ada Writer"]
    assert list(recovered.related_links.values_list("related__headline", flat=True)) == ["Kept link"]
    assert list(recovered.tags.values_list("name", flat=True)) == ["Harbour"]
    event = recovered.workflow_events.get()
    assert (event.action, event.detail) == ("recovered", "")


def test_recovering_an_article_whose_lead_image_was_deleted_since_brings_it_back_without_one(
    client_as, editor
):
    """The version's picture and its caption (which described it) are left out: the story has none now."""
    from tests.factories import ImageFactory

    picture = ImageFactory(title="Pier at dawn")
    article = ArticleFactory(headline="Pier opens", body="<p>The pier opened at dawn.</p>")
    pk = article.pk
    client = client_as(editor)
    save_form(client, article, lead_image=str(picture.pk), lead_image_caption="The pier at dawn.")
    version = deleted_article_version(client, article)
    delete_in_admin(client, picture)
    gone = "the lead image “Pier at dawn” (it comes back without a picture)."

    form = client.get(recover_url(version))

    assert form.status_code == 200
    assert [str(m) for m in form.context["messages"]] == [
        f"Deleted since this version was saved, so not in it as shown here: {gone}"
    ]
    shown = form.context["adminform"].form
    assert (shown["lead_image"].value(), shown["lead_image_caption"].value()) == (None, "")
    response = client.post(recover_url(version), form_data(form))

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Pier opens” is back, as a draft. Check it, then send it through the workflow to publish it again.",
        f"Deleted since this version was saved, so not restored: {gone}",
    ]
    recovered = Article.objects.get(pk=pk)
    assert (recovered.headline, recovered.body) == ("Pier opens", "<p>The pier opened at dawn.</p>")
    assert (recovered.lead_image, recovered.lead_image_caption, recovered.status) == (None, "", Status.DRAFT)


def test_recovering_an_article_whose_slug_another_article_has_taken_since_is_refused_naming_it(
    client_as, editor
):
    """The refusal read "Could not save … version - missing dependency." (the slug's UNIQUE constraint)."""
    article = ArticleFactory(slug="pier-opens", headline="Pier opens")
    client = client_as(editor)
    save_form(client, article, headline="Pier opens")
    version = deleted_article_version(client, article)
    ArticleFactory(slug="pier-opens", headline="Pier opens, a year on")
    recover_list = reverse("admin:articles_article_recoverlist")
    refusal = (
        "This article cannot be recovered: its slug “pier-opens” is now the address of another article, "
        "“Pier opens, a year on”. Give that article another slug first."
    )

    for method in ("get", "post"):
        response = getattr(client, method)(recover_url(version))
        assert response.status_code == 302 and response["Location"] == recover_list
        page = client.get(recover_list)
        assert [str(m) for m in page.context["messages"]] == [refusal]
        assert "its slug “pier-opens” is now the address of another article" in page.content.decode()
    assert not Article.objects.filter(pk=article.pk).exists()
    assert list(Article.objects.values_list("headline", flat=True)) == ["Pier opens, a year on"]


def test_recovering_an_article_when_no_section_is_left_is_refused_saying_so(client_as, editor):
    """Every article is in a section: with the last one deleted too, the recover page was a 500
    (`Section.objects.first()` was None; found by helper-55)."""
    article = ArticleFactory(headline="Pier opens")
    client = client_as(editor)
    save_form(client, article, headline="Pier opens")
    version = deleted_article_version(client, article)
    Section.objects.all().delete()
    recover_list = reverse("admin:articles_article_recoverlist")

    for method in ("get", "post"):
        response = getattr(client, method)(recover_url(version))
        assert response.status_code == 302 and response["Location"] == recover_list
        messages = [str(m) for m in client.get(recover_list).context["messages"]]
        assert messages == [
            "This article cannot be recovered: there is no section left to put it in. Add one first."
        ]
    assert not Article.objects.exists()


def test_history_restore_and_recover_give_the_body_the_change_page_s_rich_editor(client_as, editor):
    """A version is read, changed and saved in the editor it was written in, not as raw HTML in a plain
    textarea: the restore and recover forms render the body with the change page's widget and its script."""
    from bs4 import BeautifulSoup

    client = client_as(editor)
    article = ArticleFactory(body="<p>The quay <strong>reopens</strong>.</p>")
    save_headline(client, article, "Quay reopens")

    def body_editor(response):
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        body = soup.select_one("textarea[name=body]")
        scripts = {s.get("src", "").split("?")[0].rsplit("/", 2)[-1] for s in soup.select("script[src]")}
        return {k: v for k, v in body.attrs.items() if k != "id"}, "editor.js" in str(soup), scripts

    on_change_page = body_editor(client.get(change_url(article)))
    assert "data-django-prose-editor-configurable" in on_change_page[0] and on_change_page[1]
    version = version_with_headline(article, "Quay reopens")
    assert body_editor(client.get(revision_url(article, version))) == on_change_page
    assert body_editor(client.get(recover_url(deleted_article_version(client, article)))) == on_change_page


def test_the_recover_list_names_each_story_with_when_and_by_whom_it_was_deleted(client_as, editor):
    """reversion's list showed each story's last save as a link beside a headline that was not one: two
    stories deleted minutes apart both read "saved last week", and the newest deletion was not first."""
    from datetime import UTC, datetime

    from bs4 import BeautifulSoup
    from django.contrib.admin.models import DELETION, LogEntry

    editor.first_name, editor.last_name = "Erin", "Desk"
    editor.save()
    client = client_as(editor)
    first = ArticleFactory(headline="Ferry timetable draft")
    second = ArticleFactory(headline="Pier repairs draft")
    save_headline(client, first, "Ferry timetable draft")
    save_headline(client, second, "Pier repairs draft")
    first_version = deleted_article_version(client, first)
    second_version = deleted_article_version(client, second)
    LogEntry.objects.filter(object_id=str(first.pk), action_flag=DELETION).update(
        action_time=datetime(2026, 11, 27, 16, 40, tzinfo=UTC)
    )
    LogEntry.objects.filter(object_id=str(second.pk), action_flag=DELETION).update(
        action_time=datetime(2026, 11, 27, 9, 5, tzinfo=UTC)
    )

    response = client.get(reverse("admin:articles_article_recoverlist"))

    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("#change-history tbody tr")
    assert [
        (row.th.a.get_text(strip=True), row.th.a["href"], row.select("td")[0].get_text(strip=True))
        for row in rows
    ] == [
        ("Ferry timetable draft", recover_url(first_version), "Fri 27 Nov 2026, 16:40 UTC by Erin Desk"),
        ("Pier repairs draft", recover_url(second_version), "Fri 27 Nov 2026, 09:05 UTC by Erin Desk"),
    ]


# What django-reversion's revert costs for each row a version holds (a byline, a "Read more" link, a
# correction), whatever the page does: Revision.revert(delete=True) reads each row by its id (to find what
# to delete), then writes each back in a savepoint of its own (SAVEPOINT, UPDATE, RELEASE), with an INSERT
# after the UPDATE when the row is not there (a deleted article's).
REVERT_QUERIES_PER_ROW = {"revision": 4, "recover": 5}


def test_a_version_s_page_costs_only_reversion_s_own_revert_for_each_row(
    client_as, editor, django_assert_max_num_queries
):
    """Restoring a version also put today's corrections back one save each, after reversion's revert: 67
    queries with one row of each inline, 210 with twelve. The pages now cost a fixed number of queries but
    for reversion's writing back of each row the version holds (bylines, "Read more" links, corrections)."""
    from .test_admin import story_with_rows

    client = client_as(editor)
    stories = {}
    for rows in (1, 12):
        story, authors = story_with_rows(rows, created_by=editor)
        save_headline(client, story, f"Harbour story with {rows} of each")  # a version with all its rows
        stories[rows] = (story, authors, Version.objects.get_for_object(story).first())

    def one_row_and_many(page, url_of):
        client.get(url_of(1))  # warm the content-type and session caches
        with django_assert_max_num_queries(80) as one_row:
            assert client.get(url_of(1)).status_code == 200
        more_rows = 3 * 11  # 11 more of each that the version holds: bylines, "Read more" links, corrections
        budget = len(one_row) + more_rows * REVERT_QUERIES_PER_ROW[page]
        with django_assert_max_num_queries(budget, info=page):
            response = client.get(url_of(12))
        assert response.status_code == 200
        bylines = response.context["inline_admin_formsets"][0].formset
        assert [form.instance.author for form in bylines.initial_forms] == stories[12][1]

    one_row_and_many("revision", lambda rows: revision_url(stories[rows][0], stories[rows][2]))
    for story, _, _ in stories.values():
        story.shares.all().delete()  # a story posted on social networks is never deleted
        delete_in_admin(client, story)
    one_row_and_many("recover", lambda rows: recover_url(stories[rows][2]))


def bulk(client, action, *articles):
    """The article list's bulk `action` on `articles`."""
    changelist = reverse("admin:articles_article_changelist")
    response = client.post(changelist, {"action": action, "_selected_action": [a.pk for a in articles]})
    assert response.status_code == 302
    return response


def rows_in(revision) -> set:
    return {(version.content_type.model, version.object_id) for version in revision.version_set.all()}


def story_rows(article) -> set:
    """The article and the rows its versions follow (reversion.register in articles.models)."""
    followed = [*article.bylines.all(), *article.corrections.all(), *article.related_links.all()]
    return {(type(row)._meta.model_name, str(row.pk)) for row in [article, *followed]}


def test_a_bulk_action_saves_each_story_in_a_revision_of_its_own(client_as, editor):
    """django-reversion's list view wrapped the action in one revision, which the workflow's own revisions
    joined: one revision held every story selected."""
    pier = ArticleFactory(in_review=True, headline="Pier opens")
    ferry = ArticleFactory(in_review=True, headline="Ferry strike")
    client = client_as(editor)

    bulk(client, "publish_selected", pier, ferry)
    bulk(client, "unpublish_selected", ferry)  # one story from the list

    for article, comments in ((pier, ["Published"]), (ferry, ["Unpublished", "Published"])):
        versions = Version.objects.get_for_object(article).select_related("revision")
        assert [version.revision.get_comment() for version in versions] == comments
        for version in versions:
            assert version.revision.user == editor
            assert rows_in(version.revision) == story_rows(article)


def test_restoring_a_version_saved_by_a_bulk_action_leaves_the_other_stories_as_they_are(client_as, editor):
    """Restoring reverts the version's whole revision: when a bulk action had saved the stories in one, the
    other story's words, bylines and status went back too, silently."""
    from tests.factories import AuthorFactory

    pier = ArticleFactory(in_review=True, headline="Pier opens")
    ferry = ArticleFactory(in_review=True, headline="Ferry strike")
    client = client_as(editor)
    bulk(client, "publish_selected", pier, ferry)
    save_headline(client, pier, "Pier opens on Friday")
    save_with_more_rows(client, ferry, AuthorFactory(), [], headline="Strike ends")  # and a second byline
    bulk(client, "unpublish_selected", ferry)

    def as_it_is(article):
        return Article.objects.values().get(pk=article.pk), list(article.bylines.values())

    before = as_it_is(ferry)
    published = version_with_headline(pier, "Pier opens")
    restore = revision_url(pier, published)
    response = client.post(restore, form_data(client.get(restore)))

    assert response.status_code == 302
    pier.refresh_from_db()
    assert (pier.headline, pier.status) == ("Pier opens", Status.PUBLISHED)
    assert as_it_is(ferry) == before
    assert before[0]["headline"] == "Strike ends" and before[0]["status"] == Status.UNPUBLISHED
    assert len(before[1]) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # rows the migrations made stay
def test_a_revision_a_bulk_action_saved_with_several_stories_is_split_into_one_per_story(
    migrated_to_the_latest_after, editor
):
    """Saved before the list stopped being one revision: restoring one story's version from it reverted the
    other stories too. Each story, with the rows its versions follow, gets a revision of its own."""
    import reversion
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from reversion.models import Revision

    from articles.models import RelatedArticle
    from tests.factories import AuthorFactory

    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0027_plain_text_without_markup")])
    pier = ArticleFactory(in_review=True, headline="Pier opens")
    ferry = ArticleFactory(in_review=True, headline="Ferry strike")
    RelatedArticle.objects.create(article=pier, related=ferry)  # pier's row, though it names the ferry
    Correction.objects.create(article=ferry, kind="update", note="Talks resume on Monday.")
    alone = ArticleFactory(in_review=True, headline="Choir sings")
    with reversion.create_revision():  # the article list's bulk publish, as django-reversion ran it
        reversion.set_user(editor)
        for article in (pier, ferry):
            services.publish_article(article=article, by=editor)
    shared = Revision.objects.latest("pk")
    services.publish_article(article=alone, by=editor)
    own = Revision.objects.latest("pk")
    assert rows_in(shared) == story_rows(pier) | story_rows(ferry)
    revisions = Revision.objects.count()

    MigrationExecutor(connection).migrate([("articles", "0028_one_story_per_revision")])

    assert Revision.objects.count() == revisions + 1
    split = Version.objects.get_for_object(ferry).first().revision
    assert rows_in(shared) == story_rows(pier) and rows_in(split) == story_rows(ferry)
    assert rows_in(own) == story_rows(alone)
    shared.refresh_from_db()
    assert (split.date_created, split.user, split.comment) == (shared.date_created, editor, "Published")
    assert (shared.user, shared.comment) == (editor, "Published")
    # Restoring the pier's version leaves the ferry as it is now.
    services.unpublish_article(article=ferry, by=editor)
    ferry.bylines.create(author=AuthorFactory(), position=1)
    before = Article.objects.values().get(pk=ferry.pk), list(ferry.bylines.values())
    shared.revert(delete=True)
    assert (Article.objects.values().get(pk=ferry.pk), list(ferry.bylines.values())) == before
    assert before[0]["status"] == Status.UNPUBLISHED and len(before[1]) == 2

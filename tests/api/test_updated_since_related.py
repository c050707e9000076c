"""`articles/?updated_since=` lists an article whose "Read more" (`related`) answer changed because an article
it lists changed what that answer shows of it (its headline, its address) or left or came back to the site,
so an app that keeps a copy of the first fetches it again. No one edited the first: its version and its
"Updated" time stay."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import Article, RelatedArticle
from tests.articles.admin_forms import form_data
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def changed_since(api, moment) -> dict:
    """What a syncing app reads: {id: headline} of the articles changed since `moment`."""
    since = moment.isoformat().replace("+00:00", "Z")
    response = api.get("/api/v1/articles/", {"updated_since": since})
    assert response.status_code == 200
    return {entry["id"]: entry["headline"] for entry in response.json()["results"]}


def related_of(api, article) -> list:
    response = api.get(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 200
    return [(entry["id"], entry["headline"], entry["canonical_url"]) for entry in response.json()["related"]]


def as_stored(article):
    return Article.objects.values("version", "revised_at", "updated_at").get(pk=article.pk)


@pytest.fixture
def linked(api):
    """Published "Harbour plan approved" lists published "Ferry fares rise" under Read more, and so does a
    draft; all last changed a day ago, with no "Updated" line (revised when they went out)."""
    other = ArticleFactory(
        published=True,
        headline="Ferry fares rise",
        slug="ferry-fares-rise",
        section=SectionFactory(name="Transport", slug="transport"),
        body="<p>Fares rise by a tenth.</p>",
    )
    article = ArticleFactory(
        published=True, headline="Harbour plan approved", section=SectionFactory(name="City", slug="city")
    )
    draft = ArticleFactory(headline="Ferry strike looms")
    for lister in (article, draft):
        RelatedArticle.objects.create(article=lister, related=other)
    ArticleFactory(published=True, headline="Unrelated story")
    Article.objects.update(updated_at=timezone.now() - timedelta(days=1), revised_at=F("published_at"))
    last_sync = timezone.now() - timedelta(minutes=1)
    assert changed_since(api, last_sync) == {}
    return article, other, draft, last_sync


def assert_not_edited(article, before):
    """Its version and its "Updated" time (revised_at, the page's line) are those it had."""
    after = as_stored(article)
    assert (after["version"], after["revised_at"]) == (before["version"], before["revised_at"])
    assert Article.objects.get(pk=article.pk).shown_as_updated is None


def test_a_new_headline_of_a_related_article_lists_the_articles_that_show_it(
    api, api_as, client, editor, linked
):
    article, other, draft, last_sync = linked
    before, draft_before = as_stored(article), as_stored(draft)

    response = api_as(editor).patch(
        f"/api/v1/articles/{other.pk}/", {"headline": "Ferry fares rise again"}, format="json"
    )

    assert response.status_code == 200
    assert changed_since(api, last_sync) == {
        other.pk: "Ferry fares rise again",
        article.pk: "Harbour plan approved",
    }
    assert [headline for _, headline, _ in related_of(api, article)] == ["Ferry fares rise again"]
    stored = as_stored(article)
    assert stored["updated_at"] > last_sync
    assert_not_edited(article, before)
    page = client.get(Article.objects.get(pk=article.pk).get_absolute_url())
    assert page.status_code == 200
    assert "Ferry fares rise again" in page.content.decode() and "Updated <time" not in page.content.decode()
    assert as_stored(draft) == draft_before, "a draft's desk time is its writer's last change"


@pytest.mark.parametrize(
    ("field", "value"),
    [("slug", "ferry-fares-rise-again"), ("section", "moved")],
)
def test_a_related_article_at_a_new_address_lists_the_articles_that_show_it(api, linked, field, value):
    article, other, _, last_sync = linked
    before = as_stored(article)
    [(_, _, old_url)] = related_of(api, article)
    other = Article.objects.get(pk=other.pk)
    setattr(other, field, SectionFactory(name="Moved", slug="moved") if field == "section" else value)

    other.save()

    assert set(changed_since(api, last_sync)) == {other.pk, article.pk}
    [(_, _, new_url)] = related_of(api, article)
    assert new_url != old_url and "ferry-fares-rise" in new_url
    assert_not_edited(article, before)


def test_a_new_address_of_a_related_article_s_section_lists_the_articles_that_show_it(api, linked):
    """The related entry's `canonical_url` starts with its section's slug: renaming that section's address
    changes what the article lists, though the article is in another section."""
    article, other, _, last_sync = linked
    section = other.section
    section.slug = "transport-and-roads"

    section.save()

    assert set(changed_since(api, last_sync)) == {other.pk, article.pk}
    assert "/transport-and-roads/" in related_of(api, article)[0][2]


def test_a_related_article_leaving_and_coming_back_lists_the_articles_that_show_it(api, editor, linked):
    article, other, _, last_sync = linked
    before = as_stored(article)

    services.unpublish_article(article=other, by=editor)

    assert changed_since(api, last_sync) == {article.pk: "Harbour plan approved"}  # the other left the site
    assert related_of(api, article) == []
    assert_not_edited(article, before)

    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=1))
    back_sync = timezone.now() - timedelta(seconds=1)
    services.publish_article(article=other, by=editor)

    assert changed_since(api, back_sync) == {
        other.pk: "Ferry fares rise",
        article.pk: "Harbour plan approved",
    }
    assert [entry[0] for entry in related_of(api, article)] == [other.pk]
    assert_not_edited(article, before)


def test_a_deleted_related_article_lists_the_articles_that_showed_it(api, client_as, editor, linked):
    article, other, _, last_sync = linked

    response = client_as(editor).post(
        reverse("admin:articles_article_delete", args=[other.pk]), {"post": "yes"}
    )

    assert response.status_code == 302 and not Article.objects.filter(pk=other.pk).exists()
    assert changed_since(api, last_sync) == {article.pk: "Harbour plan approved"}
    assert related_of(api, article) == []


def test_an_older_headline_of_a_related_article_restored_lists_the_articles_that_show_it(
    api, client_as, editor, linked
):
    """Restoring a version from the History writes the row back before the form is saved: the save then
    finds the restored headline already stored."""
    article, other, _, _ = linked
    client = client_as(editor)
    change = reverse("admin:articles_article_change", args=[other.pk])
    for headline in ("Ferry fares rise", "Ferry fares rise again"):  # a version of each in the History
        data = form_data(client.get(change)) | {"headline": headline}
        assert client.post(change, data).status_code == 302
    old = next(
        v for v in Version.objects.get_for_object(other) if v.field_dict["headline"] == "Ferry fares rise"
    )
    Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
    last_sync = timezone.now() - timedelta(seconds=1)
    revision = reverse("admin:articles_article_revision", args=[other.pk, old.pk])

    response = client.post(revision, form_data(client.get(revision)))

    assert response.status_code == 302
    assert changed_since(api, last_sync) == {
        other.pk: "Ferry fares rise",
        article.pk: "Harbour plan approved",
    }
    assert [entry[1] for entry in related_of(api, article)] == ["Ferry fares rise"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("body", "<p>Fares rise by a fifth.</p>"), ("dek", "Commuters pay more."), ("is_featured", True)],
)
def test_a_change_related_answers_do_not_show_lists_only_the_article_changed(api, linked, field, value):
    article, other, _, last_sync = linked
    before = as_stored(article)
    other = Article.objects.get(pk=other.pk)
    setattr(other, field, value)

    other.save()

    assert changed_since(api, last_sync) == {other.pk: "Ferry fares rise"}
    assert as_stored(article) == before


def test_a_draft_s_new_headline_lists_nothing_readers_see(api, linked):
    """A draft listed under Read more is not shown to readers: its headline changing changes no answer of
    theirs, and the lister's time must not tell them that one is being written."""
    article, _, _, last_sync = linked
    waiting = ArticleFactory(headline="Ferry timetable draft")
    RelatedArticle.objects.create(article=article, related=waiting)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=1))
    before = as_stored(article)
    waiting.headline = "Ferry timetable, second draft"

    waiting.save()

    assert changed_since(api, last_sync) == {}
    assert as_stored(article) == before


def listers(other, how_many):
    for n in range(how_many):
        lister = ArticleFactory(published=True, headline=f"Lister {n}")
        RelatedArticle.objects.create(article=lister, related=other)


def loaded_with_headline(other, headline):
    other = Article.objects.get(pk=other.pk)
    other.headline = headline
    return other


def test_the_save_costs_the_same_queries_for_1_or_10_articles_that_list_it(
    api, linked, django_assert_max_num_queries, django_assert_num_queries
):
    article, other, _, last_sync = linked
    first = loaded_with_headline(other, "Ferry fares rise again")
    with CaptureQueriesContext(connection) as one:
        first.save()
    budget = len(one)  # read now: a request clears the log that `one` reads
    updates = [q["sql"] for q in one if q["sql"].startswith('UPDATE "articles_article"')]
    assert len(updates) == 2, updates  # its own row, then every article that lists it at once
    listers(other, 9)
    Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
    ten = loaded_with_headline(other, "Ferry fares rise once more")

    with django_assert_num_queries(budget):
        ten.save()

    assert len(changed_since(api, last_sync)) == 11  # the other, and the ten published articles listing it
    again = loaded_with_headline(other, "Ferry fares rise, a third time")
    with django_assert_max_num_queries(budget):
        again.save()


def test_the_cached_list_entry_of_an_article_shows_its_new_time(api, settings, linked):
    """Anonymous list entries are cached under what they show (newsroom/fragments.py); the one of an
    article listing a changed story gives the time it changed, not the one it was cached with."""
    settings.FRAGMENT_CACHE_SECONDS = 600
    article, other, _, last_sync = linked
    api.get("/api/v1/articles/")  # entries cached
    other = Article.objects.get(pk=other.pk)
    other.headline = "Ferry fares rise again"

    other.save()

    response = api.get("/api/v1/articles/", {"updated_since": last_sync.isoformat().replace("+00:00", "Z")})
    assert response.status_code == 200
    times = {entry["id"]: entry["updated_at"] for entry in response.json()["results"]}
    assert set(times) == {other.pk, article.pk}
    stored = as_stored(article)["updated_at"]
    assert times[article.pk] == stored.isoformat().replace("+00:00", "Z")


def test_the_cached_page_s_read_more_shows_the_new_headline_and_drops_a_story_taken_off(
    client, editor, settings, linked
):
    """The site's side, already fresh through the page cache's dependencies (`article:`, `public:` of each
    story the block lists): kept here beside the API's so that the two do not drift apart."""
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 60, 600
    article, other, _, _ = linked
    url = Article.objects.get(pk=article.pk).get_absolute_url()
    assert "Ferry fares rise" in client.get(url).content.decode()
    other = Article.objects.get(pk=other.pk)
    other.headline = "Ferry fares rise again"

    other.save()

    page = client.get(url)
    assert page.status_code == 200 and "Ferry fares rise again" in page.content.decode()
    services.unpublish_article(article=other, by=editor)
    assert "Ferry fares rise" not in client.get(url).content.decode()

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import ArticleRedirect, RemovedArticle
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_changing_a_published_articles_slug_redirects_the_old_address(client, fresh_cache):
    article = ArticleFactory(published=True, slug="old-slug")
    old_url = article.get_absolute_url()

    article.slug = "new-slug"
    article.save()

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert response["Location"].endswith("/new-slug/")
    assert client.get(response["Location"]).status_code == 200


def test_moving_an_article_to_another_section_redirects_the_old_address(client, fresh_cache):
    article = ArticleFactory(published=True, section=SectionFactory(slug="world"))
    old_url = article.get_absolute_url()

    article.section = SectionFactory(slug="business")
    article.save()

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].startswith("/business/")


def test_every_earlier_address_leads_to_the_current_one(client, fresh_cache):
    article = ArticleFactory(published=True, slug="first")
    first = article.get_absolute_url()
    article.slug = "second"
    article.save()
    second = article.get_absolute_url()
    article.slug = "third"
    article.save()

    assert client.get(first)["Location"] == article.get_absolute_url()
    assert client.get(second)["Location"] == article.get_absolute_url()


def test_republishing_on_another_day_redirects_the_old_dated_address(client, editor, fresh_cache):
    from tests.factories import AuthorFactory

    article = ArticleFactory(
        published=True, published_at=timezone.now() - timedelta(days=3), authors=[AuthorFactory()]
    )
    old_url = article.get_absolute_url()

    services.unpublish_article(article=article, by=editor)
    article = services.publish_article(article=article, by=editor)

    assert article.get_absolute_url() != old_url
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_changing_the_slug_back_does_not_redirect_the_live_address_to_itself(client, fresh_cache):
    article = ArticleFactory(published=True, slug="one")
    url_one = article.get_absolute_url()
    article.slug = "two"
    article.save()
    article.slug = "one"
    article.save()

    assert client.get(url_one).status_code == 200
    assert not ArticleRedirect.objects.filter(old_path=url_one).exists()
    assert client.get(url_one.replace("/one/", "/two/"))["Location"] == url_one


def test_a_draft_that_was_never_published_leaves_no_old_address(fresh_cache):
    draft = ArticleFactory(slug="working-title")
    draft.slug = "final-title"
    draft.save()

    assert ArticleRedirect.objects.count() == 0


def test_old_address_of_an_unpublished_article_is_not_found(client, editor, fresh_cache):
    article = ArticleFactory(published=True, slug="before")
    old_url = article.get_absolute_url()
    article.slug = "after"
    article.save()
    services.unpublish_article(article=article, by=editor)

    response = client.get(old_url)

    assert response.status_code == 404
    assert "after" not in response.get("Location", "")


def test_renaming_a_section_redirects_its_articles_old_addresses(client, fresh_cache):
    world = SectionFactory(slug="world")
    article = ArticleFactory(published=True, section=world, slug="harbour-story")
    old_url = article.get_absolute_url()

    world.slug = "international"
    world.save()

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == old_url.replace("/world/", "/international/")
    assert client.get(response["Location"]).status_code == 200


def test_a_known_slug_under_a_wrong_date_leads_to_the_article(client, fresh_cache):
    article = ArticleFactory(published=True, slug="harbour-story")

    response = client.get(f"/{article.section.slug}/2001/01/01/harbour-story/")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_the_slug_of_an_unpublished_article_leads_nowhere(client, fresh_cache):
    draft = ArticleFactory(slug="draft-story")

    response = client.get(f"/{draft.section.slug}/2001/01/01/draft-story/")

    assert response.status_code == 404


def test_the_page_of_a_story_taken_off_the_site_says_so_with_a_410(client, editor, fresh_cache, settings):
    """Unpublished or deleted, a story readers could read says it is gone and when (search engines drop a
    410), not "we couldn't find that page"; a draft that never ran, or a mistyped slug, is still a 404."""
    settings.TIME_ZONE = "Europe/Athens"
    withdrawn = ArticleFactory(published=True, slug="pier-sold", headline="Pier sold to harbour chief")
    deleted = ArticleFactory(published=True, slug="ferry-fares-rise", headline="Ferry fares rise")
    urls = [withdrawn.get_absolute_url(), deleted.get_absolute_url()]
    assert client.get(urls[0]).status_code == 200
    services.unpublish_article(article=withdrawn, by=editor)
    deleted.delete()
    RemovedArticle.objects.update(removed_at=datetime(2026, 11, 12, 22, 30, tzinfo=UTC))

    for url in urls:
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 410, url
        assert "This story is no longer available" in page
        when = '<time datetime="2026-11-13T00:30:00+02:00">13 November 2026</time>'
        assert f"taken off the site on {when}" in page
        assert "Pier sold" not in page and "Ferry fares" not in page
        assert '<meta name="robots" content="noindex">' in page
    assert client.get(urls[0].replace("pier-sold", "no-such-story")).status_code == 404

    services.publish_article(article=withdrawn, by=editor)
    withdrawn.refresh_from_db()

    assert client.get(withdrawn.get_absolute_url()).status_code == 200

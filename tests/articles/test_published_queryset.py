from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_holds_only_published_articles_whose_time_has_come():
    visible = ArticleFactory(published=True, headline="Visible")
    ArticleFactory(headline="Draft")
    ArticleFactory(in_review=True, headline="In review")
    ArticleFactory(scheduled=True, headline="Scheduled")
    ArticleFactory(unpublished=True, headline="Unpublished")
    ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(minutes=5),
        headline="Published with a future time",
    )

    assert list(Article.objects.published().values_list("headline", flat=True)) == [visible.headline]


def test_due_for_publishing_is_scheduled_articles_whose_time_has_passed():
    due = ArticleFactory(scheduled=True, publish_at=timezone.now() - timedelta(seconds=1))
    ArticleFactory(scheduled=True)
    ArticleFactory(publish_at=timezone.now() - timedelta(hours=1))  # a draft with a time is not due

    assert list(Article.objects.due_for_publishing()) == [due]


def test_chainable_filters_by_section_tag_and_author(django_assert_max_num_queries):
    from tests.factories import AuthorFactory, SectionFactory, TagFactory

    world, tag, author = SectionFactory(slug="world"), TagFactory(slug="ports"), AuthorFactory()
    match = ArticleFactory(published=True, section=world, tags=[tag], authors=[author])
    ArticleFactory(published=True, section=world)
    ArticleFactory(published=True, tags=[tag])
    ArticleFactory(authors=[author], section=world, tags=[tag])  # a draft

    found = Article.objects.published().in_section(world).tagged(tag).by_author(author)
    assert list(found) == [match]

    with django_assert_max_num_queries(2):
        listed = list(Article.objects.published().for_listing())
        names = [b.author.display_name for a in listed for b in a.bylines.all()]
        sections = [a.section.name for a in listed]
    assert author.display_name in names
    assert len(sections) == 3

import pytest

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .helpers import make_comment

pytestmark = pytest.mark.django_db


def _articles_with_comments(section, author, how_many):
    articles = [ArticleFactory(published=True, section=section, authors=[author]) for _ in range(how_many)]
    for index, article in enumerate(articles):
        for n in range(index + 1):
            make_comment(article, email=f"reader{n}@example.net", text=f"Comment {n}")
        make_comment(article, email="held@example.net", text="Held back", public=False)
    return articles


@pytest.mark.parametrize("how_many", [2, 12])
def test_section_and_author_lists_show_approved_comment_counts_in_fixed_queries(
    client, how_many, django_assert_max_num_queries
):
    section, author = SectionFactory(slug="harbour"), AuthorFactory(slug="ida")
    articles = _articles_with_comments(section, author, how_many)

    for url in (section.get_absolute_url(), author.get_absolute_url()):
        with django_assert_max_num_queries(8):
            response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        newest = articles[-1]
        assert f'href="{newest.get_absolute_url()}#comments">{how_many} comments</a>' in html
        assert f'href="{articles[0].get_absolute_url()}#comments">1 comment</a>' in html


def test_home_cards_count_only_approved_comments(client):
    section, author = SectionFactory(slug="city"), AuthorFactory(slug="ana")
    (article,) = _articles_with_comments(section, author, 1)

    html = client.get("/").content.decode()

    assert f'href="{article.get_absolute_url()}#comments">1 comment</a>' in html
    assert "2 comments" not in html

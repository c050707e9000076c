"""Every list endpoint costs a fixed number of SQL queries, whatever the page size and the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Byline, Image
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    uploaded_image,
)

pytestmark = pytest.mark.django_db

# path, who, budget (queries)
LISTS = [
    ("/api/v1/articles/", None, 3),
    ("/api/v1/articles/?section=city&tag=t0&featured=false&q=council", None, 3),
    ("/api/v1/authors/ada/articles/", None, 4),
    ("/api/v1/articles/{article}/comments/", None, 2),
    ("/api/v1/sections/", None, 1),
    ("/api/v1/tags/", None, 1),
    ("/api/v1/authors/", None, 1),
    ("/api/v1/articles/", "editor", 6),
    ("/api/v1/images/", "editor", 4),
    ("/api/v1/moderation/comments/?state=all", "moderator", 4),
]


def add_data(count, image, ada, make_comment):
    section = SectionFactory(slug="city")
    tags = [TagFactory(slug=f"t{n}") for n in range(2)]
    first = None
    for _ in range(count):
        article = ArticleFactory(published=True, section=section, tags=tags, lead_image=image, authors=[ada])
        Byline.objects.create(article=article, author=AuthorFactory(), position=1)
        ArticleFactory(section=section)  # a draft, for staff lists
        parent = make_comment(article)
        make_comment(article, parent=parent)
        Image.objects.create(
            file=image.file.name, title="x", alt_text="x", width=image.width, height=image.height
        )
        SectionFactory()
        TagFactory()
        first = first or article
    return first


def test_every_list_costs_a_fixed_number_of_queries(
    request, api_as, make_comment, django_assert_max_num_queries
):
    """Each list at page sizes 1 and 100, with 2 and then 15 of everything (one set of data for all of them:
    building it for each list took most of the module's time)."""
    clients = {who: api_as(request.getfixturevalue(who) if who else None) for _, who, _ in LISTS}
    image = ImageFactory(file=uploaded_image(width=300, height=200))
    ada = AuthorFactory(slug="ada")
    article = add_data(2, image, ada, make_comment)

    counts = {}
    for size in (2, 15):
        if size == 15:
            add_data(13, image, ada, make_comment)
        for path, who, budget in LISTS:
            url = path.format(article=article.pk)
            sep = "&" if "?" in url else "?"
            for page_size in (1, 100):
                with (
                    django_assert_max_num_queries(budget, info=f"{url} ({who or 'anonymous'})"),
                    CaptureQueriesContext(connection) as queries,
                ):
                    response = clients[who].get(f"{url}{sep}page_size={page_size}")
                assert response.status_code == 200, (url, response.content)
                assert len(response.json()["results"]) >= 1, url
                counts.setdefault((path, who), []).append(len(queries))
    assert {name: n for name, n in counts.items() if len(set(n)) != 1} == {}

"""The contract's examples work as they are: a client copying one from the docs (Swagger UI's "Try it out")
into a newsroom that has what it names (the demo's) gets a success, not a 400."""

import json

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article, Image
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def served_schema(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def request_examples(schema, path, method):
    content = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
    return [example["value"] for example in content["examples"].values()]


@pytest.fixture
def demo_newsroom(db):
    """What the examples name, as the demo newsroom (`make run`) has it: section, tag, authors, articles 12
    and 17, image 5."""
    city = SectionFactory(slug="city")
    TagFactory(slug="ferries")
    marta, sunniva = AuthorFactory(slug="marta-quillon"), AuthorFactory(slug="sunniva-lark")
    ImageFactory(pk=5)
    for pk in (12, 17):
        ArticleFactory(pk=pk, published=True, section=city, authors=[marta])
    # Rows given their ids leave the sequences behind: a story made next could be given 12 or 17 again (a
    # duplicate key, in whichever order the tests ran before).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Article, Image]):
            cursor.execute(sql)
    return {"section": city, "authors": [marta, sunniva]}


@pytest.mark.parametrize(
    ("path", "method", "make_target", "expected"),
    [
        ("/api/v1/articles/", "post", None, 201),
        ("/api/v1/articles/{id}/", "put", lambda: ArticleFactory(), 200),
        ("/api/v1/articles/{id}/", "patch", lambda: ArticleFactory(), 200),
        ("/api/v1/articles/{id}/schedule/", "post", lambda: ArticleFactory(), 200),
        ("/api/v1/articles/{id}/return/", "post", lambda: ArticleFactory(in_review=True), 200),
        ("/api/v1/articles/{id}/corrections/", "post", lambda: ArticleFactory(published=True), 201),
        ("/api/v1/tags/", "post", None, 201),
    ],
)
def test_each_write_example_is_accepted_as_it_stands(
    api_as, editor, served_schema, demo_newsroom, path, method, make_target, expected
):
    examples = request_examples(served_schema, path, method)
    url = path.format(id=make_target().pk) if make_target else path
    client = api_as(editor)

    answers = [getattr(client, method)(url, example, format="json") for example in examples]

    assert examples and [a.status_code for a in answers] == [expected] * len(examples), [
        a.content for a in answers
    ]


def test_the_schedule_example_names_a_time_still_to_come(served_schema):
    [example] = request_examples(served_schema, "/api/v1/articles/{id}/schedule/", "post")

    assert parse_datetime(example["publish_at"]) > timezone.now()


def test_the_comment_example_is_accepted_from_an_anonymous_reader(api, served_schema):
    article = ArticleFactory(published=True)
    [example] = request_examples(served_schema, "/api/v1/articles/{id}/comments/", "post")

    response = api.post(f"/api/v1/articles/{article.pk}/comments/", example, format="json")

    assert response.status_code == 202, response.content
    assert response.json()["status"] == "confirm"


def test_the_new_draft_example_makes_a_draft_with_what_it_names(api_as, editor, served_schema, demo_newsroom):
    [example] = request_examples(served_schema, "/api/v1/articles/", "post")

    response = api_as(editor).post("/api/v1/articles/", example, format="json")

    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    assert article.status == Article.Status.DRAFT
    assert [b.author.slug for b in article.bylines.all()] == example["bylines"]
    assert sorted(t.slug for t in article.tags.all()) == sorted(example["tags"])


def test_list_examples_show_this_api_s_links(served_schema):
    """Not DRF's `http://api.example.org/accounts/?cursor=cD00ODY%3D"`, with its stray quote."""
    text = json.dumps(served_schema)
    lists = [name for name in served_schema["components"]["schemas"] if name.startswith("Paginated")]

    assert lists and "api.example.org/accounts" not in text
    for name in lists:
        links = served_schema["components"]["schemas"][name]["properties"]
        assert links["next"]["example"].startswith("https://news.example.org/api/v1/")
        assert '"' not in links["next"]["example"] and links["previous"]["example"] is None
    answer = served_schema["paths"]["/api/v1/articles/"]["get"]["responses"]["200"]["content"]
    [example] = answer["application/json"]["examples"].values()
    assert example["value"]["next"].startswith("https://news.example.org/api/v1/articles/?cursor=")


def test_an_upload_is_documented_as_multipart_only(api_as, editor, served_schema):
    """The docs offered JSON too, with `"file": "(the image file)"`: a body that can only be refused."""
    body = served_schema["paths"]["/api/v1/images/"]["post"]["requestBody"]

    assert list(body["content"]) == ["multipart/form-data"]
    sent = {"file": "(the image file)", "title": "x"}
    refused = api_as(editor).post("/api/v1/images/", sent, format="json")
    assert refused.status_code == 400 and "file" in refused.json()["errors"]

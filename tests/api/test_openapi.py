"""The contract: the schema and docs are served, and schemathesis finds no 500 and no answer outside it."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.models import Article
from newsroom.wsgi import application
from sharing.models import ShareRecord
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    uploaded_image,
)

COMMENTER_EMAIL = "sam.private@example.org"
MAX_EXAMPLES = 5


# What a request that breaks the contract may be answered with: schemathesis's own list, and 413, which a
# body past a maxLength gets when it is also over API_MAX_JSON_BYTES (a million `\u0094` in a text field).
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}
)

# The live schema, as the WSGI app serves it (generating it touches no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.fixture(autouse=True)
def newsroom(db, settings, editor, make_comment, wsgi_in_test_transaction):
    """A small newsroom with comments, throttles out of the way."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    section = SectionFactory(slug="city")
    tag = TagFactory(slug="ferries")
    author = AuthorFactory(slug="ada", contact_email="ada.secret@example.org")
    image = ImageFactory(file=uploaded_image(width=200, height=200))
    for _ in range(3):
        article = ArticleFactory(
            published=True, section=section, tags=[tag], authors=[author], lead_image=image
        )
        make_comment(article, parent=make_comment(article))
    ArticleFactory(section=section, created_by=editor)


def _check(case, headers=None):
    response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
    assert COMMENTER_EMAIL not in response.text
    assert "203.0.113.77" not in response.text
    assert "ada.secret@example.org" not in response.text


# Generated cases for every operation, anonymous and as an editor. The contract's examples (explicit cases,
# each combination of them) go to the reads as an editor, who may use all of them. Sending them everywhere,
# both ways, took a minute and a half of the suite, four in five calls; test_contract_examples.py sends each
# write example as an editor and expects it to succeed.
reads, writes = schema.include(method="GET"), schema.exclude(method="GET")
cases = hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
generated_cases = hypothesis_settings(cases, phases=[Phase.generate])


@pytest.fixture
def editor_token(editor):
    token, _ = Token.objects.get_or_create(user=editor)
    return {"Authorization": f"Token {token.key}"}


@reads.parametrize()
@generated_cases
def test_anonymous_readers_get_no_500_and_only_documented_answers(case):
    _check(case)


@writes.parametrize()
@generated_cases
def test_anonymous_writers_get_no_500_and_only_documented_answers(case):
    _check(case)


@reads.parametrize()
@cases
def test_an_editor_reading_gets_no_500_and_only_documented_answers(case, editor_token):
    _check(case, headers=editor_token)


@writes.parametrize()
@generated_cases
def test_an_editor_writing_gets_no_500_and_only_documented_answers(case, editor_token):
    _check(case, headers=editor_token)


@pytest.fixture
def served_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_is_documented_with_its_errors(served_schema):
    assert served_schema["openapi"].startswith("3.")
    assert len(list(operations(served_schema))) >= 20
    for name, operation in operations(served_schema):
        assert operation.get("summary"), name
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (name, parameter["name"])
        errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
        assert {"400", "429"} <= set(errors), name
        for code, response in errors.items():
            content = response["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (name, code)
            assert content["examples"], (name, code)
        if not name.startswith("GET"):
            assert {"401", "403"} <= set(errors), name
        if name.startswith(("POST", "PUT", "PATCH")):
            assert {"411", "413", "415"} <= set(errors), name


def test_every_body_has_an_example(served_schema):
    for name, operation in operations(served_schema):
        bodies = [operation.get("requestBody", {})]
        bodies += [body for code, body in operation["responses"].items() if code.startswith("2")]
        for body in bodies:
            for media_type, media in body.get("content", {}).items():
                assert media.get("examples"), (name, media_type)


def test_every_field_is_described(served_schema):
    for component, body in served_schema["components"]["schemas"].items():
        for field, prop in body.get("properties", {}).items():
            assert prop.get("description"), f"{component}.{field}"


def test_the_headers_answers_carry_are_declared_where_they_are_sent(
    served_schema, api, api_as, editor, settings
):
    """A client generated from the contract reads the ETag of a GET, the version ETag and Location of a
    write, the Location of a moved address and the Retry-After of a 429: each is sent and each is declared."""
    ops = dict(operations(served_schema))

    def declared(operation, code):
        return set(ops[operation]["responses"][code].get("headers", {}))

    desk = api_as(editor)
    new = {"headline": "Pier opens", "body": "<p>Open.</p>", "section": "city"}
    created = desk.post("/api/v1/articles/", new, format="json")
    assert created.status_code == 201, created.content
    article_id = created.json()["id"]
    version = Article.objects.get(pk=article_id).version
    assert created["ETag"] == f'"v{version}"' and created["Location"].endswith(
        f"/api/v1/articles/{article_id}/"
    )
    assert declared("POST /api/v1/articles/", "201") == {"ETag", "Location"}

    edited = desk.patch(f"/api/v1/articles/{article_id}/", {"headline": "Pier opens at last"}, format="json")
    assert edited.status_code == 200 and edited["ETag"] == f'"v{version + 1}"'
    assert declared("PATCH /api/v1/articles/{id}/", "200") == {"ETag"}

    read = api.get("/api/v1/sections/")
    assert read.status_code == 200 and read["ETag"].startswith('"')
    assert declared("GET /api/v1/sections/", "200") == {"ETag"}

    story = ArticleFactory(published=True, slug="old-name")
    old_path = f"{story.section.slug}/{story.published_at:%Y/%m/%d}/old-name/"
    story.slug = "new-name"
    story.save()
    moved = api.get(f"/api/v1/articles/by-path/{old_path}")
    assert moved.status_code == 301 and moved["Location"].endswith(f"/by-path{story.get_absolute_url()}")
    assert declared("GET /api/v1/articles/by-path/{section}/{year}/{month}/{day}/{slug}/", "301") == {
        "Location"
    }

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min"}}
    api.get("/api/v1/tags/")
    throttled = api.get("/api/v1/tags/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert all(declared(name, "429") == declared(name, "503") == {"Retry-After"} for name in ops)


def documented_error(schema, operation, code):
    method, path = operation.split(" ", 1)
    answer = schema["paths"][path][method.lower()]["responses"][code]
    [example] = answer["content"]["application/json"]["examples"].values()
    return answer["description"], example["value"]


def test_each_refusal_of_a_delete_is_documented_as_answered(served_schema, api_as, editor, reporter):
    """A 409 read "The same comment was already posted." on every operation, deleting an image included,
    and a refused delete's 403 the example of a refused publish."""
    story = ArticleFactory(published=True)
    ShareRecord.objects.create(article=story, account="desk-log", network="log")
    picture = ImageFactory(file=uploaded_image(width=200, height=200))
    ArticleFactory(lead_image=picture)
    desk = api_as(editor)
    answers = {
        "DELETE /api/v1/articles/{id}/": desk.delete(f"/api/v1/articles/{story.pk}/"),
        "DELETE /api/v1/images/{id}/": desk.delete(f"/api/v1/images/{picture.pk}/"),
    }

    mine = ArticleFactory(created_by=editor)
    refused = api_as(reporter).delete(f"/api/v1/articles/{mine.pk}/")
    _, example = documented_error(served_schema, "DELETE /api/v1/articles/{id}/", "403")
    assert refused.status_code == 403 and refused.json() == example

    for operation, answer in answers.items():
        description, example = documented_error(served_schema, operation, "409")
        assert answer.status_code == 409, answer.content
        assert answer.json()["code"] == example["code"], operation
        assert set(answer.json()["errors"]) == set(example["errors"]), operation
        assert "comment" not in description, operation


def test_the_503_of_a_database_out_of_reach_is_the_one_documented(served_schema):
    from django.db import OperationalError
    from django.test import RequestFactory

    from newsroom.views import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        answer = server_error(RequestFactory().get("/api/v1/articles/"))

    _, example = documented_error(served_schema, "GET /api/v1/articles/", "503")
    assert answer.status_code == 503 and json.loads(answer.content) == example
    assert answer["Retry-After"] == "10"


def test_a_field_whose_name_means_something_else_here_is_not_given_the_shared_description(served_schema):
    """The shared descriptions (newsroom/api.py FIELD_DESCRIPTIONS) fill in fields left undescribed: a
    rendition's `url` read "This object in the API." (it is the picture's file) and a social post's
    article's `headline` "The related article's headline."."""
    components = served_schema["components"]["schemas"]

    described = {
        (name, field): components[name]["properties"][field]["description"]
        for name, field in [("Rendition", "url"), ("ArticleOfShare", "headline")]
    }
    assert described == {
        ("Rendition", "url"): "The JPEG file at this width.",
        ("ArticleOfShare", "headline"): "The article's headline now.",
    }


def test_descriptions_are_written_for_clients_not_taken_from_the_code(served_schema):
    """Operation descriptions come from `extend_schema(description=...)` only: no docstring of a view (nor
    one inherited from a base class) reaches the contract; the full article is not called the light one."""
    import inspect

    from articles.api import views as article_views
    from authors import api as author_views
    from newsroom import api as shared

    docstrings = set()
    for module in (article_views, author_views, shared):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            docstrings.add(inspect.getdoc(cls))
            methods = inspect.getmembers(cls, inspect.isfunction)
            docstrings |= {inspect.getdoc(method) for _, method in methods}
    docstrings.discard(None)
    described = {name: op["description"] for name, op in operations(served_schema) if op.get("description")}

    assert len(described) >= 15
    assert not {name: text for name, text in described.items() if text in docstrings}
    assert described["GET /api/v1/articles/"].startswith("Newest first by publication time")
    components = served_schema["components"]["schemas"]
    assert components["ArticleDetail"]["description"] != components["ArticleList"]["description"]
    assert "body" in components["ArticleDetail"]["description"]


def test_components_are_not_described_by_the_shared_code_s_docstrings(served_schema):
    """drf-spectacular takes a component's description from the first docstring among its serializer's
    classes: StrictFieldsMixin's, written for whoever reads the code, described ScheduleRequest and Image."""
    import inspect

    from rest_framework.serializers import BaseSerializer

    from newsroom import api as shared

    docstrings = {
        inspect.getdoc(cls)
        for _, cls in inspect.getmembers(shared, inspect.isclass)
        if not issubclass(cls, BaseSerializer)  # a serializer's own docstring describes its component
    }
    docstrings.discard(None)
    components = served_schema["components"]["schemas"]
    described = {name: body["description"] for name, body in components.items() if body.get("description")}

    assert not {name: text for name, text in described.items() if text in docstrings}
    assert not {name: text for name, text in described.items() if "DRF's CharField" in text}
    assert described["Error"] == "The body of every 4xx answer of the API."


def test_the_conditional_headers_are_documented_where_they_are_honoured(served_schema):
    """An edit conflict is caught only when the client sends If-Match, so the contract names it."""

    def headers(operation):
        return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}

    ops = dict(operations(served_schema))
    article = "/api/v1/articles/{id}/"
    with_if_match = {
        f"{method} {article}{step}"
        for method, step in [
            ("PUT", ""),
            ("PATCH", ""),
            ("DELETE", ""),
            *[
                ("POST", f"{action}/")
                for action in ("submit", "return", "publish", "schedule", "unpublish", "corrections")
            ],
        ]
    }
    assert with_if_match <= set(ops)
    for name, operation in ops.items():
        named = headers(operation)
        if name in with_if_match:
            assert not named["If-Match"].get("required"), name  # optional: a write without it goes ahead
            assert named["If-Match"]["schema"] == {"type": "string"}, name
            assert "412" in named["If-Match"]["description"] and "412" in operation["responses"], name
            assert 'A weak ETag (`W/"v12"`) never matches' in named["If-Match"]["description"], name
        else:
            assert "If-Match" not in named and "412" not in operation["responses"], name
        if name.startswith("GET "):
            assert "304" in operation["responses"] and "304" in named["If-None-Match"]["description"], name
        else:
            assert "If-None-Match" not in named, name


def test_contact_email_is_nowhere_in_the_contract(served_schema):
    assert "contact_email" not in str(served_schema)
    assert "user_email" not in str(served_schema) and "ip_address" not in str(served_schema)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs/redoc/"])
def test_docs_are_served_without_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn.jsdelivr" not in page and "unpkg" not in page


def test_the_contract_is_generated_without_a_warning_and_types_every_path_parameter(
    served_schema, tmp_path, django_db_blocker
):
    """Also where no database answers (a build step that writes the contract before anything is migrated)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    ContentType.objects.clear_cache()  # as in a new process: the views' querysets would ask the database
    with django_db_blocker.block():
        call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))  # raises on one

    ids = [
        (name, parameter["schema"])
        for name, operation in operations(served_schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"] == "id"
    ]
    assert len(ids) >= 8
    assert all(schema["type"] == "integer" and "pattern" not in schema for _, schema in ids), ids


def test_id_filters_are_integers_in_the_contract(served_schema):
    queue = dict(operations(served_schema))["GET /api/v1/moderation/comments/"]
    (article,) = [p for p in queue["parameters"] if p["name"] == "article"]
    assert (
        article["schema"]["type"] == "integer"
        and article["description"] == "Only those of this article (its id)."
    )

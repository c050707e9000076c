"""/health/ for a load balancer, /health/status/ and `manage.py watchman` for the people on call
(newsroom/health.py). The services are the real ones; a service "down" is an address where nothing listens.
(The database going away under a running server: tests/faults/test_database_restart.py.)"""

import json

import pytest
from django.core.management import CommandError, call_command

from newsroom.celery import app as celery_app
from tests.factories import UserFactory

NOTHING_LISTENS = "redis://127.0.0.1:1/0"
DEAD_CACHE = {"default": {"BACKEND": "newsroom.cache.FailOpenRedisCache", "LOCATION": NOTHING_LISTENS}}


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def dead_broker(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_write_url", NOTHING_LISTENS)  # what a request sends on


def status_of(client):
    response = client.get("/health/status/")
    return response.status_code, json.loads(response.content)


def test_health_answers_200_with_no_body_and_is_never_stored(client, db):
    for _ in range(2):  # the second one too: no cache along the way kept the first
        response = client.get("/health/")
        assert (response.status_code, response.content) == (200, b"")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_health_is_answered_over_plain_http_where_pages_redirect_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/health/").status_code == 200
    assert client.head("/health/").status_code == 200


def test_health_is_answered_whatever_the_host_a_load_balancer_names(client, db, settings):
    """A load balancer probes a server by its own address (AWS, Kubernetes), not one of ALLOWED_HOSTS: every
    probe got a 400 and logged "Invalid HTTP_HOST header". The pages still refuse such a host."""
    settings.ALLOWED_HOSTS = ["news.example.org"]
    assert client.get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400
    probe = client.get("/health/", HTTP_HOST="10.0.3.17:8000")
    assert (probe.status_code, probe.content) == (200, b"")
    assert client.get("/health/status/", HTTP_HOST="10.0.3.17:8000").status_code == 400  # not the status


def test_the_detailed_status_is_for_administrators_only(client, db, editor, administrator):
    """It shows tracebacks that name internal hosts and files: not for every reporter."""
    anonymous = client.get("/health/status/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    client.force_login(editor)
    refused = client.get("/health/status/")  # not sent back to the admin's index without a word
    assert refused.status_code == 403
    assert "The detailed status of the site is for administrators only." in refused.content.decode()

    client.force_login(administrator)
    assert status_of(client) == (
        200,
        {"databases": [{"default": {"ok": True}}], "cache": {"ok": True}, "broker": {"ok": True}},
    )


def test_a_cache_out_of_reach_is_named_but_the_site_stays_in_rotation(client, db, administrator, settings):
    client.force_login(administrator)
    settings.CACHES = DEAD_CACHE

    code, report = status_of(client)
    assert code == 503
    assert report["cache"]["ok"] is False and "Connection refused" in report["cache"]["error"]
    assert report["databases"] == [{"default": {"ok": True}}] and report["broker"] == {"ok": True}
    # The pages are served without the cache meanwhile (newsroom/cache.py), so the load balancer keeps us.
    assert client.get("/health/").status_code == 200


def test_a_broker_out_of_reach_is_named_in_the_status_and_by_the_command(
    client, db, administrator, dead_broker
):
    client.force_login(administrator)
    code, report = status_of(client)
    assert code == 503
    assert report["broker"]["ok"] is False and "Connection refused" in report["broker"]["error"]
    assert report["cache"] == {"ok": True}
    assert client.get("/health/").status_code == 200


def test_the_command_says_in_a_line_each_which_service_fails(db, dead_broker, capsys, caplog):
    """watchman's own command printed a traceback, then the same traceback again inside one line of JSON."""
    with pytest.raises(CommandError, match=r"^Not answering: broker\.$"):
        call_command("watchman")
    assert capsys.readouterr().out.splitlines() == [
        "broker: FAILED (Error 111 connecting to 127.0.0.1:1. Connection refused.)",
        "cache: ok",
        "databases default: ok",
    ]
    failure = next(r for r in caplog.records if r.name == "watchman")
    assert "Connection refused" in failure.getMessage() and failure.exc_info is None  # a line, no traceback


def test_the_command_names_every_service_that_answers(db, capsys):
    call_command("watchman")
    assert capsys.readouterr().out.splitlines() == ["broker: ok", "cache: ok", "databases default: ok"]


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        ({"checks": "newsroom.health.brokr"}, r"^No such check: newsroom\.health\.brokr "),
        (
            {"checks": "newsroom.health.cache,newsroom.health.brokr"},
            r"^No such check: newsroom\.health\.brokr ",
        ),
        (
            {"skips": "watchman.checks.databases,newsroom.health.cache,newsroom.health.broker"},
            r"^No check left to run: every one is skipped ",
        ),
    ],
)
def test_the_command_fails_when_a_check_it_is_given_is_not_one(db, capsys, options, refusal):
    """A check misspelt after -c was not run and not named: alone, the command printed nothing and exited
    0, a cron job told "all is well" of a service nobody asked about; beside another, only that one was
    checked."""
    with pytest.raises(CommandError, match=refusal):
        call_command("watchman", **options)
    assert capsys.readouterr().out == ""

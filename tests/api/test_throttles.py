"""Anonymous clients are throttled by their address, which a forged X-Forwarded-For cannot change."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/sections/"


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }
    return settings


def test_the_fourth_anonymous_request_in_a_minute_is_refused(api, three_a_minute):
    for _ in range(3):
        assert api.get(URL).status_code == 200
    response = api.get(URL)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and "available in" in body["message"]
    assert int(response["Retry-After"]) > 0


def test_a_rate_lowered_under_the_requests_on_record_still_says_when_to_come_back(api, three_a_minute):
    """Counts live in the cache, across restarts: with 3 on record and the rate now 1 a minute, the 429
    came with no Retry-After (DRF's wait was None)."""
    for _ in range(3):
        assert api.get(URL).status_code == 200
    three_a_minute.REST_FRAMEWORK = {
        **three_a_minute.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "5/min"},
    }

    response = api.get(URL)

    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= 60  # all three must leave the window, the newest last


def test_a_forged_forwarded_for_header_does_not_reset_the_count(api, three_a_minute):
    """NUM_PROXIES = 0 (the default): the header is ignored; REMOTE_ADDR identifies the client."""
    assert three_a_minute.REST_FRAMEWORK["NUM_PROXIES"] == 0
    for n in range(3):
        assert api.get(URL, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code == 200
    assert api.get(URL, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    assert api.get(URL, REMOTE_ADDR="192.0.2.50").status_code == 200  # another client


def test_behind_one_proxy_the_address_it_appended_counts(api, three_a_minute):
    three_a_minute.NUM_PROXIES = 1  # one setting for every rate limit (newsroom.security.client_ip)
    for n in range(3):
        forged = f"10.0.0.{n}, 198.51.100.7"  # the client's forgery, then what our proxy appended
        assert api.get(URL, HTTP_X_FORWARDED_FOR=forged).status_code == 200
    assert api.get(URL, HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.7").status_code == 429
    assert api.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_staff_have_their_own_budget(api_as, editor, three_a_minute):
    client = api_as(editor)
    for _ in range(5):
        assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429


@pytest.mark.parametrize(("env", "expected"), [({}, 0), ({"API_NUM_PROXIES": "2"}, 2)])
def test_num_proxies_comes_from_the_environment(env, expected):
    import os

    code = "import django; django.setup(); from rest_framework.settings import api_settings as s; "
    code += "print(s.NUM_PROXIES)"
    clean = {k: v for k, v in os.environ.items() if k != "API_NUM_PROXIES"}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], env=clean | env | {"DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == str(expected)


def test_anonymous_clients_are_counted_by_the_anonymous_rate_alone(api, settings):
    """The signed-in rate is the staff's budget; it never counts anonymous requests by address."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "6/min", "user": "3/min"},
    }
    for _ in range(6):
        assert api.get(URL).status_code == 200
    assert api.get(URL).status_code == 429


def test_off_lifts_a_limit(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "off", "user": "off"},
    }
    assert all(api.get(URL).status_code == 200 for _ in range(20))

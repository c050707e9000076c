"""Passwords are hashed with Argon2, and the admin login locks a client out after repeated failures."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

import newsroom.settings as production
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2(real_hashers):
    user = UserFactory(username="ada")
    user.set_password("a new and long passphrase")
    user.save()
    stored = get_user_model().objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert get_user_model().objects.get(pk=user.pk).check_password("a new and long passphrase")


def test_an_older_pbkdf2_hash_is_upgraded_to_argon2_at_the_next_login(real_hashers, settings, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(username="old-timer", is_staff=True, password=PASSWORD)
    assert user.password.startswith("pbkdf2_sha256$")
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert client.post(LOGIN, {"username": "old-timer", "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.fixture
def staff(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return UserFactory(username="desk", is_staff=True, password=PASSWORD)


def login(client, password, **headers):
    return client.post(LOGIN, {"username": "desk", "password": password}, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_three_failed_logins_lock_the_account_for_that_client_even_with_the_right_password(client, staff):
    assert login(client, "guess-1").status_code == 200  # the form again, with its error
    assert login(client, "guess-2").status_code == 200
    locked = login(client, "guess-3")
    assert locked.status_code == 429
    page = locked.content.decode().replace("\xa0", " ")
    assert "<h1>Sign-in locked for a while</h1>" in page and "for <strong>desk</strong>" in page
    assert "locked here for 59 minutes" in page or "locked here for 1 hour" in page
    assert 'href="/admin/login/"' in page and "<footer" in page  # the site's look, with a way back
    refused = login(client, PASSWORD)
    assert refused.status_code == 429 and not logged_in(client)
    # A forged X-Forwarded-For is not another client: only NUM_PROXIES proxies of ours are believed.
    assert login(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77").status_code == 429
    assert not logged_in(client)


def test_another_address_still_logs_in_and_a_reset_lifts_the_lockout(client, staff):
    for n in range(3):
        login(client, f"guess-{n}")
    assert login(client, PASSWORD).status_code == 429
    assert login(client, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302
    client.logout()
    call_command("axes_reset", verbosity=0)
    assert login(client, PASSWORD).status_code == 302 and logged_in(client)


def test_a_successful_login_resets_the_failure_count(client, staff):
    login(client, "guess-1")
    login(client, "guess-2")
    assert login(client, PASSWORD).status_code == 302
    client.logout()
    assert login(client, "guess-3").status_code == 200
    assert login(client, "guess-4").status_code == 200  # two failures since the success, not four


def test_an_admin_form_sent_after_a_new_sign_in_elsewhere_says_what_happened(editor):
    """Signing in again in another tab rotates the CSRF token: the old tab's save is refused with a page
    in the site's look that says nothing was saved and how to keep the text, not Django's bare one."""
    from django.conf import settings
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/admin/articles/article/add/", {"headline": "Typed for an hour"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form was not sent" in page and "Nothing was saved" in page
    assert "Back button" in page and 'Or open the <a href="/admin/">admin</a>' in page
    assert f"<title>Not sent · {settings.SITE_NAME}</title>" in page  # the site's page, with its context
    assert "CSRF verification failed" not in page and "Typed for an hour" not in page

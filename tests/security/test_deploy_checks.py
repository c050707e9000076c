"""With the production environment of README.md ("Production"), Django's deploy checks find nothing."""

import os
import secrets
import subprocess
import sys

import pytest
from django.db import connection

from newsroom.settings import BASE_DIR

pytestmark = pytest.mark.django_db


def production_env() -> dict:
    """README's production environment, pointed at the test database and Redis."""
    database = connection.settings_dict
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV", "PYTHONPATH"}}
    return keep | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
        "SITE_URL": "https://news.example.org",
        "DATABASE_URL": f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/1"),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "EMAIL_URL": "smtp+tls://newsroom:secret@smtp.example.org:587",
        "BEHIND_TLS_PROXY": "1",
        "NUM_PROXIES": "1",
    }


def run(*args, env):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_reports_nothing_with_the_production_environment():
    result = run("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_the_production_environment_turns_every_protection_on():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.NUM_PROXIES, "
        "s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    result = run("shell", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') DENY True 1 Argon2PasswordHasher"
    )


def test_without_debug_the_site_defaults_to_https_unless_told_otherwise():
    env = production_env()
    del env["BEHIND_TLS_PROXY"]
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    assert run("shell", "-c", code, env=env).stdout.split("\n")[-2] == "True None"
    off = run("shell", "-c", code, env=env | {"HTTPS": "0"})
    assert off.stdout.split("\n")[-2] == "False None"


def test_the_secret_key_of_env_example_is_refused_in_production():
    """Long enough to pass for a real one, and printed in the repository for anyone to read."""
    example = (BASE_DIR / ".env.example").read_text()
    placeholder = next(
        line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY=")
    )

    result = run("check", env=production_env() | {"SECRET_KEY": placeholder})

    assert result.returncode != 0
    assert "DEBUG is off but SECRET_KEY is not set to a real secret" in result.stderr

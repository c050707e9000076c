"""EMAIL_URL as operators write it: `smtps://` on port 465 is TLS from the first byte, not STARTTLS."""

import os
import subprocess
import sys

import pytest

READ = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtps://desk:secret@mail.example.org:465", "465 False True"),
        ("smtp+ssl://desk:secret@mail.example.org:465", "465 False True"),
        ("smtp+tls://desk:secret@mail.example.org:587", "587 True False"),
        ("smtps://desk:secret@mail.example.org:587", "587 True False"),
        ("smtp://mail.example.org:25", "25 False False"),
    ],
)
def test_the_mail_server_is_spoken_to_as_its_port_expects(url, expected):
    """django-environ reads `smtps://` as STARTTLS: on 465 every mail waited out EMAIL_TIMEOUT and failed."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "newsroom.settings", "EMAIL_URL": url}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", READ], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == expected

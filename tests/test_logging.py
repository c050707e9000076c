"""What the site logs reaches the console once, in development (`make run`) as in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "import logging; logging.getLogger('django.request').warning('Forbidden (Permission denied): /x/')"


@pytest.mark.parametrize("debug", ["1", "0"])
def test_a_refused_request_is_logged_once(tmp_path, debug):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"}}
    env |= {"DEBUG": debug, "SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("Forbidden (Permission denied): /x/") == 1

"""`make worker` and `make beat` refuse to start without CELERY_BROKER_URL: on the in-memory broker they would
share nothing with the site and do nothing useful (README: Celery worker and beat).

Make runs with `-o install` (nothing is installed) and with BIN pointing at a stand-in `celery` that prints
how it was called, so no worker or scheduler really starts."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def make(tmp_path):
    celery = tmp_path / "celery"
    celery.write_text('#!/bin/sh\necho "celery $* with broker $CELERY_BROKER_URL"\n')
    celery.chmod(0o755)

    def run(target, **env) -> subprocess.CompletedProcess:
        environ = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "MAKEFLAGS"}}
        return subprocess.run(  # noqa: S603 - make with fixed arguments
            ["make", "--no-print-directory", "-o", "install", f"BIN={tmp_path}", target],  # noqa: S607
            cwd=ROOT,
            env=environ | env,
            capture_output=True,
            text=True,
            timeout=30,  # without the check, a real-looking start would not end
            check=False,
        )

    return run


@pytest.mark.parametrize("target", ["worker", "beat"])
@pytest.mark.parametrize("broker", [None, ""], ids=["unset", "empty"])
def test_worker_and_beat_refuse_to_start_without_a_broker(make, target, broker):
    result = make(target, **({} if broker is None else {"CELERY_BROKER_URL": broker}))

    assert result.returncode != 0
    assert (
        f"make {target} needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0 "
        "(README: Celery worker and beat)" in result.stdout
    )
    assert "celery -A newsroom" not in result.stdout


@pytest.mark.parametrize("target", ["worker", "beat"])
def test_worker_and_beat_start_with_a_broker(make, target):
    result = make(target, CELERY_BROKER_URL="redis://127.0.0.1:6379/11")

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"celery -A newsroom {target} --loglevel=INFO" in result.stdout
    assert result.stdout.rstrip().endswith("with broker redis://127.0.0.1:6379/11")


# What `make serve` refuses to start without.
PRODUCTION = (
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
)


@pytest.mark.parametrize("missing", PRODUCTION)
def test_serve_refuses_a_production_setting_that_is_empty(tmp_path, missing):
    """An empty value is no setting: settings.py would fall back to SQLite, local memory or no broker."""
    given = {
        "DATABASE_URL": "postgresql://db/x",
        "CACHE_URL": "redis://r/1",
        "CELERY_BROKER_URL": "redis://r/0",
        "SITE_URL": "https://news.example.org",
        "ALLOWED_HOSTS": "news.example.org",
        "EMAIL_URL": "smtp+tls://mail.example.org:587",
        "DEFAULT_FROM_EMAIL": "newsroom@news.example.org",
    }
    environ = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"}
    environ |= given | {"SECRET_KEY": "s" * 50, missing: ""}
    result = subprocess.run(  # noqa: S603 - make with fixed arguments
        ["make", "--no-print-directory", "-o", ".venv/.installed-production", f"BIN={tmp_path}", "serve"],  # noqa: S607
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert f"make serve needs {missing} (README: Production server)" in result.stdout


@pytest.mark.parametrize("target", ["worker", "beat"])
def test_worker_and_beat_take_the_broker_from_dot_env(tmp_path, target):
    """The settings read `.env` (and honcho does): a broker given there is given. The Makefile runs in a
    folder of its own here, beside a `.env` of the test's, so the project's own folder is left alone."""
    celery = tmp_path / "bin" / "celery"
    celery.parent.mkdir()
    celery.write_text('#!/bin/sh\necho "celery $*"\n')
    celery.chmod(0o755)
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    environ = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "MAKEFLAGS"}}

    def run():
        return subprocess.run(  # noqa: S603 - make with fixed arguments
            ["make", "--no-print-directory", "-o", "install", f"BIN={celery.parent}", target],  # noqa: S607
            cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip

    (tmp_path / ".env").write_text("# CELERY_BROKER_URL=redis://127.0.0.1:6379/11\nCELERY_BROKER_URL=\n")
    assert run().returncode != 0  # commented out or empty is not given
    (tmp_path / ".env").write_text("DEBUG=1\nCELERY_BROKER_URL=redis://127.0.0.1:6379/11\n")
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"celery -A newsroom {target} --loglevel=INFO" in result.stdout


def serve_in(folder, *, real_honcho=False, unset=PRODUCTION):
    """`make serve` run in `folder` (a copy of the Makefile beside the test's own `.env`), with stand-ins for
    the project's python and honcho that print how they were called (or the real honcho), and without the
    `unset` variables in its environment. Returns a function that runs it."""
    stubs = folder / "bin"
    stubs.mkdir()
    for name in ("python", "honcho"):
        if name == "honcho" and real_honcho:
            (stubs / name).symlink_to(ROOT / ".venv" / "bin" / "honcho")
            continue
        (stubs / name).write_text(f'#!/bin/sh\necho "{name} $*"\n')
        (stubs / name).chmod(0o755)
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    environ = {k: v for k, v in os.environ.items() if k not in {*unset, "MAKEFLAGS"}}

    def run():
        return subprocess.run(  # noqa: S603 - make with fixed arguments
            ["make", "--no-print-directory", "-o", ".venv/.installed-production", f"BIN={stubs}", "serve"],  # noqa: S607
            cwd=folder, env=environ, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    return run


def test_make_serve_takes_its_settings_from_dot_env(tmp_path):
    """`make serve` checks DATABASE_URL, CACHE_URL, CELERY_BROKER_URL and SECRET_KEY, in the environment or
    in `.env` (its loop's variable once reached grep inside quotes, so `.env` never counted)."""
    run = serve_in(tmp_path)

    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://db/newsroom\nCACHE_URL=redis://r/1\n")
    refused = run()
    assert refused.returncode != 0 and "make serve needs CELERY_BROKER_URL" in refused.stdout
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgresql://db/newsroom\nCACHE_URL=redis://r/1\n"
        "CELERY_BROKER_URL=redis://r/0\nSECRET_KEY=a-long-secret-for-this-test-only-0123456789abcdef\n"
        "SITE_URL=https://news.example.org\nALLOWED_HOSTS=news.example.org\nEMAIL_URL=consolemail://\nDEFAULT_FROM_EMAIL=newsroom@news.example.org\n"
    )
    served = run()
    assert served.returncode == 0, served.stdout + served.stderr
    assert "honcho --procfile Procfile --app-root . start --env /dev/null" in served.stdout


def test_make_serve_leaves_dot_env_to_the_settings_so_its_values_arrive_whole(tmp_path):
    """honcho read `.env` as a shell would and handed its copy to every process, ahead of the settings' own
    reading: "The Newsroom" arrived as "TheNewsroom" and a JSON value without its quotes. The real honcho runs
    here, with a Procfile of the test's whose process reads `.env` as gunicorn_conf.py does."""
    run = serve_in(tmp_path, real_honcho=True, unset={"SITE_NAME", "SHARING_ACCOUNTS", "BIND"})
    (tmp_path / "newsroom").mkdir()
    shutil.copy(ROOT / "newsroom" / "gunicorn_conf.py", tmp_path / "newsroom" / "gunicorn_conf.py")
    shown = "import os, runpy; conf = runpy.run_path('newsroom/gunicorn_conf.py'); " + "; ".join(
        f"print('{name}=' + {value})"
        for name, value in [
            ("bind", "conf['bind']"),
            ("site", "os.environ['SITE_NAME']"),
            ("accounts", "os.environ['SHARING_ACCOUNTS']"),
        ]
    )
    (tmp_path / "Procfile").write_text(f'web: {sys.executable} -c "{shown}"\n')
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgresql://db/newsroom\nCACHE_URL=redis://r/1\nCELERY_BROKER_URL=redis://r/0\n"
        "SECRET_KEY=a-long-secret-for-this-test-only-0123456789abcdef\nBIND=127.0.0.1:8399\n"
        "SITE_URL=https://news.example.org\nALLOWED_HOSTS=news.example.org\nEMAIL_URL=consolemail://\nDEFAULT_FROM_EMAIL=newsroom@news.example.org\n"
        "SITE_NAME=The Newsroom\n"
        'SHARING_ACCOUNTS=[{"name": "mastodon", "network": "mastodon"}]\n'
    )

    served = run()

    assert served.returncode == 0, served.stdout + served.stderr
    assert "bind=127.0.0.1:8399" in served.stdout
    assert "site=The Newsroom\n" in served.stdout
    assert 'accounts=[{"name": "mastodon", "network": "mastodon"}]' in served.stdout


@pytest.mark.parametrize(
    ("line", "given"),
    [
        ("SITE_URL=https://news.example.org", True),
        ("export SITE_URL=https://news.example.org", True),
        ("  SITE_URL=https://news.example.org", False),
        ("\tSITE_URL=https://news.example.org", False),
        ("export  SITE_URL=https://news.example.org", False),
    ],
    ids=["plain", "export", "indented", "tab", "export-two-spaces"],
)
def test_make_serve_counts_only_dot_env_lines_the_settings_read(tmp_path, line, given):
    """django-environ, the one reader of `.env` since honcho leaves it alone, skips a line with blanks before
    the name: `make serve` took it as given and started with every link on http://127.0.0.1:8000."""
    run = serve_in(tmp_path)
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgresql://db/newsroom\nCACHE_URL=redis://r/1\nCELERY_BROKER_URL=redis://r/0\n"
        "SECRET_KEY=a-long-secret-for-this-test-only-0123456789abcdef\n"
        f"ALLOWED_HOSTS=news.example.org\nEMAIL_URL=consolemail://\nDEFAULT_FROM_EMAIL=newsroom@news.example.org\n{line}\n"
    )
    script = "import environ, os; environ.Env.read_env('.env'); print(os.environ.get('SITE_URL'))"
    read = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", script],
        cwd=tmp_path, env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert (read.stdout.strip() == "https://news.example.org") is given  # what the settings make of it

    served = run()

    if given:
        assert served.returncode == 0 and "honcho --procfile Procfile" in served.stdout, served.stdout
    else:
        assert served.returncode != 0 and "make serve needs SITE_URL" in served.stdout
        assert "honcho" not in served.stdout


def test_make_serves_worker_is_started_again_after_a_clean_stop(tmp_path):
    """A worker told to stop (SIGTERM from an operator, `celery control shutdown`) ends with status 0: the
    Procfile's `until` took that for the end of the loop, and honcho then stopped the site and beat with it.
    It is started again whatever its status, as systemd's Restart=always does; stopping honcho still ends it.
    The real honcho runs the project's Procfile here, with a stand-in celery that stops cleanly at once."""
    starts = tmp_path / "starts"
    celery = tmp_path / ".venv" / "bin" / "celery"
    celery.parent.mkdir(parents=True)
    celery.write_text(f'#!/bin/sh\necho "$*" >> {starts}\nexit 0\n')
    celery.chmod(0o755)
    shutil.copy(ROOT / "Procfile", tmp_path / "Procfile")
    environ = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"} | {"WORKER_RESTART_SECONDS": "0.1"}
    honcho = subprocess.Popen(  # noqa: S603 - the project's honcho and Procfile
        [str(ROOT / ".venv" / "bin" / "honcho"), "start", "--env", "/dev/null", "worker"],
        cwd=tmp_path, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and honcho.poll() is None:
            if starts.exists() and len(starts.read_text().splitlines()) >= 3:
                break
            time.sleep(0.1)
        still_running = honcho.poll() is None
        honcho.terminate()
        output = honcho.communicate(timeout=20)[0]
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)

    assert still_running, output
    assert starts.read_text().splitlines()[:3] == ["-A newsroom worker --loglevel=INFO"] * 3
    assert "The Celery worker stopped (exit 0): starting it again in 0.1 s." in output


@pytest.mark.parametrize("target", ["worker", "beat", "demo-check"])
@pytest.mark.parametrize(
    ("dot_env", "environment", "seen"),
    [
        ("", {}, "1"),  # nothing says: development, as `make run` is
        ("DEBUG=0\n", {}, ""),  # `.env` says: the settings read it there (a DEBUG=1 here would win over it)
        ("export DEBUG=0\n", {}, ""),
        ("# DEBUG=0\n", {}, "1"),  # commented out: not given
        ("DEBUG=0\n", {"DEBUG": "1"}, "1"),  # the environment wins over `.env`, as in the settings
        ("", {"DEBUG": "0"}, "0"),
    ],
    ids=["unset", "dot-env", "dot-env-export", "dot-env-comment", "environment-over-dot-env", "environment"],
)
def test_run_worker_and_beat_default_to_debug_only_where_neither_environment_nor_dot_env_sets_it(
    tmp_path, target, dot_env, environment, seen
):
    """A production `.env` (DEBUG=0, as `.env.example`) ran `make worker`, `make beat` and `make run` in
    development mode: their DEBUG=1 in the environment won over `.env`, and the SECRET_KEY check was off."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name in ("celery", "python"):
        (stubs / name).write_text(f'#!/bin/sh\necho "{name} with DEBUG=${{DEBUG-unset}}"\n')
        (stubs / name).chmod(0o755)
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / ".env").write_text(dot_env + "CELERY_BROKER_URL=redis://127.0.0.1:6379/11\n")
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "MAKEFLAGS"}} | environment

    result = subprocess.run(  # noqa: S603 - make with fixed arguments
        ["make", "--no-print-directory", "-o", "install", f"BIN={stubs}", target],  # noqa: S607
        cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"with DEBUG={seen or 'unset'}\n" in result.stdout

"""`make run RUN_ADDR=...` on another port: the links it makes (the demo logins' admin address, mail, feeds,
sitemaps, share buttons, canonical links) point where it serves, unless SITE_URL is given.

Make runs in a folder of its own (a copy of the Makefile beside the test's `.env`), with its set-up steps
taken as done (`-o`) and a stand-in for the project's python that prints how it was called and the SITE_URL
it was given, so nothing is installed, migrated or served."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def make_run(tmp_path):
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.write_text('#!/bin/sh\necho "python $* with SITE_URL=$SITE_URL"\n')
    python.chmod(0o755)
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")

    def run(*args, **env) -> str:
        environ = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "MAKEFLAGS"}}
        result = subprocess.run(  # noqa: S603 - make with fixed arguments
            ["make", "--no-print-directory", "-o", "demo-check", "-o", "migrate", "-o", "demo",  # noqa: S607
             f"BIN={python.parent}", "run", *args],
            cwd=tmp_path, env=environ | env, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    return run


@pytest.mark.parametrize(
    ("run_addr", "url"),
    [
        ("127.0.0.1:8091", "http://127.0.0.1:8091"),
        ("8092", "http://127.0.0.1:8092"),  # runserver takes a port alone
        ("[::1]:8094", "http://[::1]:8094"),
    ],
)
def test_make_run_on_another_address_links_to_it(make_run, run_addr, url):
    printed = make_run(f"RUN_ADDR={run_addr}")

    assert f"python manage.py ensure_demo_logins with SITE_URL={url}\n" in printed
    assert f"Serving on {url}  (admin: {url}/admin/)\n" in printed
    assert f"python manage.py run_with_periodic_tasks {run_addr} with SITE_URL={url}\n" in printed
    assert "every interface" not in printed


# Addresses typed by a developer, not bound here.
@pytest.mark.parametrize("run_addr", ["0.0.0.0:8093", "0:8093", "[::]:8093"])  # noqa: S104
def test_make_run_on_every_interface_links_to_this_machine(make_run, run_addr):
    """A bind address is no address a browser can open: links, and the address printed, use 127.0.0.1."""
    printed = make_run(f"RUN_ADDR={run_addr}")

    url = "http://127.0.0.1:8093"
    assert f"python manage.py ensure_demo_logins with SITE_URL={url}\n" in printed
    assert f"Serving on {url}  (admin: {url}/admin/)\n" in printed
    assert f"Listening on every interface ({run_addr}): from another machine, open this one's name" in printed
    assert f"python manage.py run_with_periodic_tasks {run_addr} with SITE_URL={url}\n" in printed


def test_a_site_url_given_is_kept_on_every_interface(make_run):
    printed = make_run("RUN_ADDR=0.0.0.0:8093", SITE_URL="https://news.example.org")  # noqa: S104

    assert "run_with_periodic_tasks 0.0.0.0:8093 with SITE_URL=https://news.example.org\n" in printed


def test_make_run_on_the_default_address_links_to_it(make_run):
    printed = make_run()

    assert "python manage.py ensure_demo_logins with SITE_URL=http://127.0.0.1:8000\n" in printed
    assert "run_with_periodic_tasks 127.0.0.1:8000 with SITE_URL=http://127.0.0.1:8000\n" in printed


@pytest.mark.parametrize("given_in", ["environment", "command line"])
def test_a_site_url_given_is_kept(make_run, given_in):
    if given_in == "environment":
        printed = make_run("RUN_ADDR=127.0.0.1:8091", SITE_URL="https://news.example.org")
    else:
        printed = make_run("RUN_ADDR=127.0.0.1:8091", "SITE_URL=https://news.example.org")

    assert "python manage.py ensure_demo_logins with SITE_URL=https://news.example.org\n" in printed
    assert "run_with_periodic_tasks 127.0.0.1:8091 with SITE_URL=https://news.example.org\n" in printed


def test_a_site_url_in_dot_env_is_left_to_the_settings(make_run, tmp_path):
    """The settings read `.env`; a SITE_URL put in the environment would win over it."""
    (tmp_path / ".env").write_text("DEBUG=1\nSITE_URL=https://news.example.org\n")

    printed = make_run("RUN_ADDR=127.0.0.1:8091")

    assert "python manage.py ensure_demo_logins with SITE_URL=\n" in printed
    assert "run_with_periodic_tasks 127.0.0.1:8091 with SITE_URL=\n" in printed
    assert "Serving on http://127.0.0.1:8091  (admin: http://127.0.0.1:8091/admin/)\n" in printed

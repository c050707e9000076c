"""Private servers for the fault tests: a PostgreSQL cluster and Redis servers of their own, to stop and start
at will without touching the machine's shared ones (other suites use those at the same time), and the
production processes (gunicorn with newsroom/gunicorn_conf.py, a Celery worker) run against them.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout=20.0, interval=0.05, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def service_env(**overrides) -> dict:
    """The test run's environment (SECRET_KEY, DEBUG=0, HTTPS=0...) with a process's own addresses."""
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py, gunicorn and celery set it themselves
    return env | {key: str(value) for key, value in overrides.items()}


def _stop(process: subprocess.Popen | None, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


class PrivatePostgres:
    """A throw-away cluster in a temporary folder, on a free port, fsync off. initdb refuses to run as
    root, so as root (the test machines and CI) the cluster belongs to the `postgres` user, as the packaged
    one does."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = found[-1] if found else shutil.which("initdb")
        if not initdb:
            pytest.skip("needs PostgreSQL's initdb and pg_ctl (Debian: the postgresql package)")
        self.bin = Path(initdb).parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_user = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")

    def _run(self, *args):
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, fixed arguments
            [*self.as_user, *args], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}{result.stderr}\n{_tail(self.log)}"

    def init(self):
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self):
        """A fast shutdown, as `systemctl restart postgresql` does: open sessions are cut off."""
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")

    def url(self, name="postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def cleanup(self):
        if (self.data / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603 - PostgreSQL's own tool
                [*self.as_user, self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
                capture_output=True, timeout=30, check=False,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """`redis-server` on a free port with nothing saved to disk: stopped, it forgets everything, as a Redis
    that was restarted without persistence does."""

    def __init__(self, log: Path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            pytest.skip("needs redis-server (Debian: the redis-server package)")
        self.port = free_port()
        self.log = log
        self.process = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        if self.process is not None and self.process.poll() is None:
            return
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        wait_for(lambda: self._answers(client), timeout=10, what="the private redis-server")

    def _answers(self, client) -> bool:
        assert self.process.poll() is None, _tail(self.log)
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a frozen one cannot hear SIGTERM
        _stop(self.process)

    def freeze(self):
        """SIGSTOP: a hung Redis. The kernel still accepts connections; nothing ever answers on them."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)


class Gunicorn:
    """The production web server: `gunicorn newsroom.wsgi -c newsroom/gunicorn_conf.py` (Procfile's `web`)."""

    def __init__(self, env: dict, log: Path, workers: int = 2):
        self.port = free_port()
        self.log = log
        self.env = env | {"BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)}
        self.process = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own server
                # No control socket: its default path is one per user, and other servers may be using it.
                [str(BIN / "gunicorn"), "newsroom.wsgi", "-c", "newsroom/gunicorn_conf.py",
                 "--no-control-socket"],
                cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self):
        def answers():
            assert self.process.poll() is None, _tail(self.log)
            try:
                return httpx.get(f"{self.base_url}/robots.txt", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(answers, timeout=30, interval=0.1, what="gunicorn")

    def booted_workers(self) -> int:
        return self.log.read_text().count("Booting worker")

    def stop(self):
        _stop(self.process)


class CeleryWorker:
    """`celery -A newsroom worker` (Procfile's `worker`), one pool process."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None

    def start(self):
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own worker
                [str(BIN / "celery"), "-A", "newsroom", "worker", "--concurrency=1", "--loglevel=INFO",
                 f"--hostname=faults-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
                 "--without-heartbeat"],
                cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self):
        def ready():
            assert self.process.poll() is None, _tail(self.log)
            return "ready." in self.log.read_text()

        wait_for(ready, timeout=30, interval=0.1, what="the Celery worker")

    def stop(self):
        _stop(self.process)


def send_task(broker_url: str, name: str, *args, **options):
    """Send a task to this broker, as beat does (this test process runs tasks eagerly otherwise); `options`
    are send_task's own (countdown=...)."""
    from celery.exceptions import AlwaysEagerIgnored

    from newsroom.celery import app

    with warnings.catch_warnings(), app.connection_for_write(url=broker_url) as connection:
        warnings.simplefilter("ignore", AlwaysEagerIgnored)  # send_task always sends; that is the point
        app.send_task(name, args=args, connection=connection, **options)


def django_test_database_url() -> str:
    """pytest-django's test database, for processes of our own (call it with the database unblocked)."""
    from django.db import connection

    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), db["NAME"]
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def manage(env: dict, *args) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("faults")

"""gunicorn settings for `make serve` and `make bench`: sync workers (see DESIGN.md, "Benchmarks").

Every value can be changed from the environment: BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT,
GUNICORN_MAX_REQUESTS, GUNICORN_ACCESS_LOG (a path, or "-" for the console), LOG_LEVEL (as for the site), or
from `.env`, read as the settings read it (the environment first).
"""

import os
from pathlib import Path

import environ

environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env", overwrite=False)

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Load Django once in the arbiter: workers share its memory pages (copy on write) and start at once.
preload_app = True
# A worker is replaced now and then, so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# gunicorn's own lines (a worker booted, exiting) follow LOG_LEVEL as the site's, the worker's and beat's do.
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for `gunicornc`) is one path per user by default, which the servers of `make
# serve`, `make bench` and `make soak` running side by side took from each other: off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def when_ready(server):
    """After the preload, before the first fork: objects loaded so far leave the garbage collector's view, so
    collections in the workers never write to (and so copy) the pages they share with the arbiter."""
    import gc

    gc.freeze()

"""`make bench`: load-test the production server against a fixed 40 KB Django page (the floor).

Not a test: it makes its own database (newsroom_bench), starts gunicorn (2 sync workers) for the site with the
page cache on, the site with it off, and the floor, drives each address with wrk (16 connections, 15 s after a
warm-up) and prints requests/s, p50, p99, SQL queries per request, bytes and the ratio to the floor measured
right after each page; writes the same to bench/results/ and reports peak memory per worker. bench/README.md
has more.
Traffic goes to 127.0.0.1 only.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # the project's .venv python (make bench)
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
RESULTS = ROOT / "bench" / "results"

# Targets from issue 7, as ratios to the floor.
TARGETS = {
    "article (cache warm)": 0.75,
    "article (page cache off)": 0.10,
    "home (page cache off)": 0.06,
    "API list (page cache off)": 0.08,
}


def log(message):
    print(f"[bench] {message}", flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk is missing: installing it from the distribution's packages")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def django_env(options, page_cache_seconds, fragment_cache_seconds=600):
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY="bench-only-secret-key-0123456789-0123456789-abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{options.postgres}/{options.database}",
        CACHE_URL=f"{options.redis}/{options.cache_db}",
        CELERY_BROKER_URL=f"{options.redis}/{options.cache_db + 1}",
        PAGE_CACHE_SECONDS=str(page_cache_seconds),
        FRAGMENT_CACHE_SECONDS=str(fragment_cache_seconds),
        # The load comes from one address: rate limits would measure themselves, not the pages.
        API_ANON_RATE="off",
        SEARCH_RATE="off",
        SHARING_ACCOUNTS="[]",
        LOG_LEVEL="WARNING",
        STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
        WEB_CONCURRENCY=str(options.workers),
        GUNICORN_MAX_REQUESTS="0",  # no worker recycling in the middle of a measurement
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
    )
    return env


def psql(options, sql, database="postgres"):
    import psycopg

    with psycopg.connect(f"{options.postgres}/{database}", autocommit=True) as conn:
        return (
            conn.execute(sql).fetchall() if sql.lstrip().upper().startswith("SELECT") else conn.execute(sql)
        )


def counts(options):
    try:
        rows = psql(
            options,
            "SELECT (SELECT count(*) FROM articles_article), (SELECT count(*) FROM django_comments)",
            options.database,
        )
        return tuple(rows[0])
    except Exception:  # noqa: BLE001 - no database or no tables yet
        return None


def prepare_database(options):
    """Reuse the benchmark database when it holds the requested data set; otherwise make it anew."""
    env = django_env(options, 0)
    wanted = (options.articles, options.comments)
    targets_file = RESULTS / f".targets-{options.database}.json"
    if not options.regenerate and counts(options) == wanted and targets_file.exists():
        log(f"reusing {options.database}: {wanted[0]:,} articles, {wanted[1]:,} comments")
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        return json.loads(targets_file.read_text())
    log(f"creating {options.database}")
    psql(options, f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)')
    psql(options, f'CREATE DATABASE "{options.database}"')
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    code = (
        "import django, json; django.setup(); from bench.generate import generate; "
        f"print('TARGETS ' + json.dumps(generate(articles={options.articles}, comments={options.comments})))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    targets = json.loads(out.split("TARGETS ", 1)[1])
    log(f"generated in {time.monotonic() - started:.1f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    targets_file.write_text(json.dumps(targets))
    return targets


def start_server(app, port, env):
    env = dict(env, BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [GUNICORN, app, "-c", str(ROOT / "newsroom" / "gunicorn_conf.py")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{app} did not answer on port {port}")


def workers_of(process):
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_mb(pid):
    """Peak resident memory (VmHWM) and proportional set size (shared pages split between processes)."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        pss = int(re.search(r"Pss:\s+(\d+) kB", rollup).group(1)) / 1024
    except (OSError, AttributeError):
        pss = None
    return peak, pss


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(url, options, duration=None):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{options.connections}", f"-d{duration or options.duration}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    def latency(label):
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s|m)\s*$", result, re.M).groups()
        return float(value) * UNITS[unit]

    requests = int(re.search(r"(\d+) requests in", result).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    socket_errors = re.search(r"Socket errors: (.*)", result)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "requests": requests,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def query_counts(env, paths):
    out = subprocess.run(
        [PYTHON, "bench/queries.py", *paths], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--large", action="store_true", help="100,000 articles and 1,000,000 comments")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per address")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up load per address")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--cache-db", type=int, default=int(os.environ.get("BENCH_CACHE_DB", "10")))
    parser.add_argument("--database", default=None, help="default newsroom_bench (newsroom_bench_large)")
    parser.add_argument("--regenerate", action="store_true", help="make the data set again even if it exists")
    parser.add_argument("--port", type=int, default=8101, help="first of four ports")
    parser.add_argument("--only", default="", help="comma-separated page names to measure (and the floor)")
    options = parser.parse_args()
    if options.large:
        options.articles, options.comments = 100_000, 1_000_000
    options.database = options.database or ("newsroom_bench_large" if options.large else "newsroom_bench")

    ensure_wrk()
    targets = prepare_database(options)
    # The site three ways: as deployed; with the page cache off (pages rendered for every request from their
    # cached fragments, newsroom/fragments.py); and with no cache at all (everything rendered every time).
    env_on, env_off, env_bare = django_env(options, 600), django_env(options, 0), django_env(options, 0, 0)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env_on, check=True
    )
    import redis

    redis.Redis.from_url(f"{options.redis}/{options.cache_db}").flushdb()  # our own database number only

    article, article_id, section = targets["article"], targets["article_id"], targets["section"]
    on, off, floor_port, bare = options.port, options.port + 1, options.port + 2, options.port + 3
    api_list = "/api/v1/articles/?page_size=20"
    pages = [
        ("article (cache warm)", on, article, env_on),
        ("article (page cache off)", off, article, env_off),
        ("home (page cache off)", off, "/", env_off),
        ("section (page cache off)", off, section, env_off),
        ("search", off, "/search/?q=harbour+ferry", env_off),
        ("API list (page cache off)", off, api_list, env_off),
        ("API detail (page cache off)", off, f"/api/v1/articles/{article_id}/", env_off),
        ("article (no cache)", bare, article, env_bare),
        ("home (no cache)", bare, "/", env_bare),
        ("search (no cache)", bare, "/search/?q=harbour+ferry", env_bare),
        ("API list (no cache)", bare, api_list, env_bare),
    ]
    if options.only:
        wanted = {name.strip() for name in options.only.split(",")}
        pages = [page for page in pages if page[0] in wanted]

    servers = {}
    try:
        servers["on"] = start_server("newsroom.wsgi", on, env_on)
        servers["off"] = start_server("newsroom.wsgi", off, env_off)
        servers["bare"] = start_server("newsroom.wsgi", bare, env_bare)
        servers["floor"] = start_server("bench.floor:application", floor_port, env_off)
        log(f"servers up: site (page cache on) :{on}, (off) :{off}, (no cache) :{bare}, floor :{floor_port}")
        queries = {}
        for env in (env_on, env_off, env_bare):
            paths = [path for _, port, path, page_env in pages if page_env is env]
            queries[id(env)] = query_counts(env, paths) if paths else {}

        # Each page's floor is measured right after it: on a shared or virtual machine the speed drifts over
        # the minutes of a run, and a floor measured once, at the end, moved every ratio with it.
        floor_url = f"http://127.0.0.1:{floor_port}/"
        floor_body = urllib.request.urlopen(floor_url, timeout=300).read()
        wrk(floor_url, options, duration=options.warmup)
        rows, floors = [], []
        for name, port, path, env in pages:
            url = f"http://127.0.0.1:{port}{path}"
            body = urllib.request.urlopen(url, timeout=300).read()  # waits out the last run's queue
            wrk(url, options, duration=options.warmup)
            log(f"{name}: {options.duration} s at {options.connections} connections, then the floor")
            measured = wrk(url, options)
            floor = wrk(floor_url, options)
            floors.append(floor)
            sql = queries[id(env)].get(path, {}).get("queries") if env else 0
            rows.append(
                {
                    "page": name,
                    "url": path,
                    "bytes": len(body),
                    "sql_queries": sql,
                    **measured,
                    "floor_rps": floor["rps"],
                    "floor_p50_ms": floor["p50_ms"],
                    "ratio_to_floor": round(measured["rps"] / floor["rps"], 4),
                    "target": TARGETS.get(name),
                }
            )
        median_floor = sorted(floors, key=lambda run: run["rps"])[len(floors) // 2]
        rows.append(
            {
                "page": "floor",
                "url": "/",
                "bytes": len(floor_body),
                "sql_queries": 0,
                **median_floor,
                "floor_rps": median_floor["rps"],
                "floor_runs_rps": [run["rps"] for run in floors],
                "ratio_to_floor": 1.0,
                "target": None,
            }
        )
        memory = {
            label: [
                dict(zip(("peak_rss_mb", "pss_mb"), memory_mb(pid), strict=True)) for pid in workers_of(proc)
            ]
            for label, proc in servers.items()
        }
    finally:
        for process in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process in servers.values():
            process.wait(timeout=30)

    report(rows, memory, options)


def report(rows, memory, options):
    header = (
        f"{'page':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>4} {'bytes':>8} {'floor':>8} "
        f"{'ratio':>7} target"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for row in rows:
        target = row["target"]
        verdict = (
            "" if target is None else f">= {target}  {'met' if row['ratio_to_floor'] >= target else 'MISSED'}"
        )
        errors = f"  ({row['non_2xx']} non-2xx!)" if row["non_2xx"] else ""
        print(
            f"{row['page']:28} {row['rps']:9.1f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} "
            f"{row['sql_queries'] if row['sql_queries'] is not None else '?':>4} {row['bytes']:8} "
            f"{row['floor_rps']:8.1f} {row['ratio_to_floor']:7.3f} {verdict}{errors}"
        )
    print()
    for label, workers in memory.items():
        described = ", ".join(
            f"peak RSS {w['peak_rss_mb']:.1f} MB (PSS {w['pss_mb']:.1f} MB)" for w in workers
        )
        print(f"memory per worker, {label:5}: {described}")
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": options.articles,
        "comments": options.comments,
        "connections": options.connections,
        "duration_s": options.duration,
        "workers": options.workers,
        "cpus": os.cpu_count(),
        "pages": rows,
        "memory": memory,
    }
    previous = sorted(RESULTS.glob("*-1000-articles.json"))
    if options.articles != 1000 and previous:
        small = {row["page"]: row for row in json.loads(previous[-1].read_text())["pages"]}
        result["p50_vs_1000_articles"] = {
            row["page"]: round(row["p50_ms"] / small[row["page"]]["p50_ms"], 3)
            for row in rows
            if row["page"] in small and small[row["page"]]["p50_ms"]
        }
        # The same, each p50 taken relative to the floor's p50 measured right after it in its own run: the
        # two runs are minutes apart, and a machine that drifted between them moves the plain ratio too.
        result["p50_vs_1000_articles_floor_corrected"] = {
            row["page"]: round(
                (row["p50_ms"] / row["floor_p50_ms"])
                / (small[row["page"]]["p50_ms"] / small[row["page"]]["floor_p50_ms"]),
                3,
            )
            for row in rows
            if row.get("floor_p50_ms")
            and small.get(row["page"], {}).get("floor_p50_ms")
            and row["page"] != "floor"
        }
        corrected = result["p50_vs_1000_articles_floor_corrected"]
        print(f"\np50 here / p50 at 1,000 articles ({previous[-1].name}); target <= 1.25:")
        print(f"  {'page':28} {'plain':>6} {'floor-corrected':>16}")
        for page, ratio in result["p50_vs_1000_articles"].items():
            verdict = "met" if ratio <= 1.25 else "MISSED"
            also = f"{corrected[page]:16.2f}" if page in corrected else f"{'':16}"
            print(f"  {page:28} {ratio:6.2f} {also}  {verdict}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{options.articles}-articles.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())

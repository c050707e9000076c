# Newsroom: `make run` to try it, `make test` to check it. Both set everything up from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

# Tests run against the real PostgreSQL and Redis; override these to point elsewhere.
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/newsroom
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
TEST_CACHE_URL ?= redis://127.0.0.1:6379/1
# The fault tests (tests/faults) run beside the rest (`make test`), on a test database and Redis numbers of
# their own.
FAULTS_BROKER_URL ?= redis://127.0.0.1:6379/2
FAULTS_CACHE_URL ?= redis://127.0.0.1:6379/3
test_env = DEBUG=0 HTTPS=0 SECRET_KEY=test-only-secret-key-that-is-long-enough-0123456789 \
	DATABASE_URL=$(1) CACHE_URL=$(2) CELERY_BROKER_URL=$(3) CELERY_TASK_ALWAYS_EAGER=1 \
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
TEST_ENV := $(call test_env,$(TEST_DATABASE_URL),$(TEST_CACHE_URL),$(TEST_BROKER_URL))
FAULTS_ENV := $(call test_env,$(TEST_DATABASE_URL)_faults,$(FAULTS_CACHE_URL),$(FAULTS_BROKER_URL))
# The rest of the suite runs as two pytest processes side by side (much of a test's time is spent waiting on
# PostgreSQL, Redis or a browser): these folders in one, everything else in the other, on a test database
# and Redis numbers of its own.
SHARD_A := tests/api tests/articles tests/authors tests/speed
SHARD_B_BROKER_URL ?= redis://127.0.0.1:6379/4
SHARD_B_CACHE_URL ?= redis://127.0.0.1:6379/5
SHARD_B_ENV := $(call test_env,$(TEST_DATABASE_URL)_b,$(SHARD_B_CACHE_URL),$(SHARD_B_BROKER_URL))

# Our own packages (bandit scans them; production compiles their bytecode ahead, `make serve` and `make bench`).
APPS := articles authors comments sharing newsroom

# `make run` uses the embedded defaults (SQLite, in-process tasks) unless the environment says otherwise, and
# DEBUG=1 unless the environment or `.env` sets DEBUG (a DEBUG=1 here would win over a production `.env`'s 0).
RUN_ENV = $(if $(DEBUG)$(shell $(call is_set,DEBUG) && echo given),,DEBUG=1)

.PHONY: help install install-dev run migrate demo-check demo editor worker beat test lint format clean browser audit backup restore serve bench soak

help:
	@echo "make run      set up and serve the demo newsroom on http://127.0.0.1:8000"
	@echo "make test     set up and run ruff and the whole test suite (PostgreSQL and Redis)"
	@echo "make serve    production: gunicorn + whitenoise, Celery worker and beat (PostgreSQL, Redis)"
	@echo "make bench    load benchmark of the production server, ratios to a fixed 40 KB page"
	@echo "make soak     10 minutes of readers, comments and publishing; checks nothing is lost or doubled"
	@echo "make worker   run a Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat     run Celery beat, the periodic tasks (needs CELERY_BROKER_URL)"
	@echo "make lint     ruff check and format check;  make format  fix formatting"
	@echo "make audit    bandit and pip-audit;  make backup / make restore BACKUP=...  (PostgreSQL)"
	@echo "make migrate, make demo, make editor   the set-up steps of make run, one at a time"
	@echo "make clean    remove the virtual environment, the SQLite database and generated files (not media/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

# psycopg's C build (pyproject's `production` extra) needs a C compiler and pg_config (Debian: libpq-dev);
# where they are missing, the binary build stays, and says so.
production_psycopg = $(1)/bin/pip install --quiet -e '.[production]' || \
	echo "psycopg's C build failed (it needs gcc and libpq-dev): keeping psycopg's binary build"
PRODUCTION_STAMP := $(VENV)/.installed-production
$(PRODUCTION_STAMP): $(STAMP)
	$(call production_psycopg,$(VENV))
	touch $@

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

# Before migrate: a database that holds a newsroom's own articles (a production .env) is left as it is.
demo-check: install
	$(RUN_ENV) $(BIN)/python manage.py load_demo --check

demo: demo-check migrate
	$(RUN_ENV) $(BIN)/python manage.py load_demo

editor: demo-check migrate
	$(RUN_ENV) $(run_site_url) $(BIN)/python manage.py ensure_demo_logins

RUN_ADDR ?= 127.0.0.1:8000
# Where `make run` serves (runserver takes a port alone too). Links in mail, feeds, sitemaps and share buttons,
# and the logins' admin address, point there unless SITE_URL is given (in the environment or in `.env`).
# Served on every interface (0.0.0.0, runserver's 0, [::]), they point to 127.0.0.1 on that port: a bind
# address is not one a browser can open.
RUN_PORT = $(lastword $(subst :, ,$(RUN_ADDR)))
RUN_HOST = $(if $(findstring :,$(RUN_ADDR)),$(patsubst %:$(RUN_PORT),%,$(RUN_ADDR)),127.0.0.1)
EVERY_INTERFACE = $(filter 0.0.0.0 0 [::] ::,$(RUN_HOST))
RUN_URL = http://$(if $(EVERY_INTERFACE),127.0.0.1,$(RUN_HOST)):$(RUN_PORT)
every_interface_note = Listening on every interface ($(RUN_ADDR)): from another machine, open this one's name \
	on port $(RUN_PORT) once ALLOWED_HOSTS has it (and SITE_URL, for the links)
run_site_url = $(if $(SITE_URL)$(shell $(call is_set,SITE_URL) && echo given),,SITE_URL=$(RUN_URL))
run: demo editor
	@echo "Serving on $(RUN_URL)  (admin: $(RUN_URL)/admin/)"
	@$(if $(EVERY_INTERFACE),echo "$(every_interface_note)",:)
	$(RUN_ENV) $(run_site_url) $(BIN)/python manage.py run_with_periodic_tasks $(RUN_ADDR)

# Beside `make run` they take its defaults (DEBUG on, the SQLite file); production sets DEBUG=0 and the rest.
# Without CELERY_BROKER_URL (or with it empty) they would start on the in-memory broker, which nothing else
# shares: they refuse.
# A setting counts as given in the environment or in `.env` on a line that the settings read (django-environ:
# `NAME=value` or `export NAME=value` at the start of the line; one with blanks before it is skipped).
is_set = { [ -n "$$(printenv $(1))" ] || grep -Eq '^(export )?'"$(1)"'=[^[:space:]]' .env 2>/dev/null; }
need_broker = @$(call is_set,CELERY_BROKER_URL) || \
	{ echo "make $@ needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0 (README: Celery worker and beat)"; exit 1; }

worker: install
	$(need_broker)
	$(RUN_ENV) $(BIN)/celery -A newsroom worker --loglevel=INFO

beat: install
	$(need_broker)
	$(RUN_ENV) $(BIN)/celery -A newsroom beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

# Production on one machine: gunicorn (sync workers) with whitenoise, a Celery worker and beat, through honcho.
# Our bytecode is compiled ahead: where PYTHONDONTWRITEBYTECODE is set, each start would compile it again in
# memory, a slower start and about 0.7 MB more in every worker (bench/README.md).
serve: $(PRODUCTION_STAMP)
	@for v in DATABASE_URL CACHE_URL CELERY_BROKER_URL SECRET_KEY SITE_URL ALLOWED_HOSTS EMAIL_URL DEFAULT_FROM_EMAIL; do \
		$(call is_set,$$v) || { echo "make serve needs $$v (README: Production server)"; exit 1; }; done
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python -m compileall -q $(APPS)
	$(BIN)/honcho --procfile Procfile --app-root . start --env /dev/null

# The load benchmark (bench/README.md); BENCH_ARGS="--large" for 100,000 articles and 1,000,000 comments.
# It runs in a virtual environment of its own holding only what production installs (and the benchmark's
# tools): the test tools in .venv would be imported by the libraries that find them, and weigh on memory.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -e '.[bench]'
	$(call production_psycopg,$(BENCH_VENV))
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m compileall -q $(APPS)
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

# The soak (bench/soak.md): SOAK_ARGS="--minutes 1" for a short one.
soak: install-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

# bandit: no high-severity finding in our code (fix it, or `# nosec <test id>` with the reason on the line
# above). pip-audit asks the package index's advisory database: offline it cannot check, and --strict fails.
audit: install-dev
	$(BIN)/bandit -q -r $(APPS) -x '*/migrations/*' --severity-level high
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

# The database (pg_dump -Fc) and MEDIA_ROOT (tar.gz) into $(BACKUP_DIR)/<timestamp>/; restore with
# `make restore BACKUP=backups/<timestamp>` (it replaces the data; pass RESTORE_ARGS=--yes to skip the question).
# BACKUP_DIR given here, else the settings' (the environment or .env, default backups/).
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP_DIR),--into $(BACKUP_DIR))

restore: install
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/<timestamp>" && false)
	$(BIN)/python manage.py restore $(BACKUP) $(RESTORE_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The browser tests drive Debian's Chromium; install it when missing, and carry on (they skip) where apt cannot.
browser:
	@command -v chromium >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "Chromium could not be installed: the browser tests will be skipped."

# The fault tests mostly wait on the PostgreSQL cluster, Redis servers and workers they start and kill, so
# they run beside the rest, and the rest runs in two halves (SHARD_A and the others) side by side; the
# reports of the other half and of the faults follow the first's. With PYTEST_ARGS (a file, -k ...) one
# pytest runs what it names.
test: install-dev lint browser
	@if [ -n "$(PYTEST_ARGS)" ]; then $(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS); exit $$?; fi; \
	faults_log=$$(mktemp); half_log=$$(mktemp); \
	$(FAULTS_ENV) $(BIN)/pytest tests/faults >$$faults_log 2>&1 & faults=$$!; \
	$(SHARD_B_ENV) $(BIN)/pytest tests --ignore=tests/faults $(addprefix --ignore=,$(SHARD_A)) \
		>$$half_log 2>&1 & half=$$!; \
	$(TEST_ENV) $(BIN)/pytest $(SHARD_A); main=$$?; \
	wait $$half; half_status=$$?; wait $$faults; faults_status=$$?; \
	echo "=== the other half of the suite, run beside ==="; cat $$half_log; \
	echo "=== tests/faults, run beside the rest ==="; cat $$faults_log; rm -f $$half_log $$faults_log; \
	[ $$main -eq 0 ] && [ $$half_status -eq 0 ] && [ $$faults_status -eq 0 ]

# media/ stays: uploads are kept there wherever MEDIA_ROOT is left at its default.
clean:
	rm -rf $(VENV) $(BENCH_VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .demo-logins.json \
		.hypothesis .ruff_cache test-output *.egg-info
	find $(APPS) tests bench -name __pycache__ -type d -prune -exec rm -rf {} +

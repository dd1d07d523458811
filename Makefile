# Rwanda 1994: Early Warning and Response
#   make run    a fresh machine to a running site at http://127.0.0.1:8000
#   make test   the whole test suite (sets up what it needs)
#   make lint   ruff lint and format check
#   make serve  production mode under gunicorn, for a laptop serving a classroom
#   make chaos  fault scenarios (killed workers, PostgreSQL down, kill -9) with a
#               reconciliation of every acknowledged answer; needs root for PostgreSQL

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 0.0.0.0
PORT ?= 8000
WORKERS ?= 3

.PHONY: run test lint format serve setup static browser bench chaos clean

$(VENV)/.installed: requirements.txt
	@python=$$(bin/find-python) || exit 1; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.package-lock.json

static: setup
	$(MANAGE) collectstatic --noinput --verbosity 0

# Loads content and demo data when those commands exist.
define load_content
	@if $(MANAGE) help load_curriculum >/dev/null 2>&1; then $(MANAGE) load_curriculum; fi
	@if $(MANAGE) help seed_demo >/dev/null 2>&1; then $(MANAGE) seed_demo; fi
endef

run: static
	$(MANAGE) migrate --noinput
	$(load_content)
	$(MANAGE) runserver 127.0.0.1:8000

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# Two worker processes by default (these machines have two cores); TEST_WORKERS=0
# runs in one process, PYTEST_ARGS passes anything else (e.g. -m "not e2e").
TEST_WORKERS ?= 2
# static: the tests that start the site with production settings read the manifest.
test: static browser
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Production settings on plain HTTP for a classroom network. A secret key is made
# once and kept in .secret-key (not in git) unless DJANGO_SECRET_KEY is set.
serve: static
	@[ -n "$${DJANGO_SECRET_KEY:-}" ] || [ -s .secret-key ] || \
	  (umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret-key)
	@export DJANGO_DEBUG=0 DJANGO_HTTPS=$${DJANGO_HTTPS:-0} \
	  DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat .secret-key)} \
	  DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1,$$(hostname -I 2>/dev/null | tr ' ' ',')}; \
	  $(MANAGE) migrate --noinput && \
	  if $(MANAGE) help load_curriculum >/dev/null 2>&1; then $(MANAGE) load_curriculum; fi && \
	  echo "Serving on http://$(HOST):$(PORT) (hosts: $$DJANGO_ALLOWED_HOSTS)" && \
	  exec $(VENV)/bin/gunicorn rwanda_edu.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
	    --access-logfile - --timeout 30

# Load and scale benchmarks (never part of make test); results go to bench/RESULTS.md.
# Every scenario runs even when an earlier one misses a target; make bench fails at the
# end if any missed. The district (PostgreSQL, ~10 min of data generation) is part of
# make bench unless BENCH_SKIP_DISTRICT=1. PostgreSQL: BENCH_POSTGRES (default
# postgres://postgres@127.0.0.1:5432, a user that may create databases).
BENCH_SCENARIOS := bench-reads bench-classroom bench-classroom-pg bench-teacher

bench-setup: static browser
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "The benchmarks need wrk: sudo apt-get install wrk" >&2; exit 1; fi; }
	$(PY) -m pip install --quiet -r bench/requirements.txt

bench-reads: bench-setup
	$(PY) -m bench.reads
bench-classroom: bench-setup
	$(PY) -m bench.classroom --db sqlite
bench-classroom-pg: bench-setup
	$(PY) -m bench.classroom --db postgres --classes 10
bench-teacher: bench-setup
	$(PY) -m bench.teacher
bench-district: bench-setup
	$(PY) -m bench.district

bench: bench-setup
	@failed=""; \
	for target in $(BENCH_SCENARIOS) $$([ "$${BENCH_SKIP_DISTRICT:-0}" = 1 ] || echo bench-district); do \
	  $(MAKE) --no-print-directory $$target || failed="$$failed $$target"; \
	done; \
	if [ -n "$$failed" ]; then echo "Missed a target or failed:$$failed (see bench/RESULTS.md)" >&2; exit 1; fi

# Fault scenarios (never part of make test): a class of 35 simulated students under
# each fault, then what they were told is reconciled with the database; exits non-zero
# on any loss. Results go to bench/RESULTS.md under "Chaos".
chaos: static
	$(PY) -m bench.chaos all

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache

# Parcours RSA — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test quality format messages setup setup-dev services browser demo-logins demo-code lock deploy-check bench

help:
	@echo "make run      installe, migre, charge les données de démo et sert l'application (SQLite, sans Redis)"
	@echo "make test     installe et lance toute la suite de tests sur PostgreSQL et Redis"
	@echo "make quality  ruff, djlint et makemigrations --check"
	@echo "make deploy-check  vérifie les réglages de sécurité de production (check --deploy)"
	@echo "make bench    banc d'essai : pages, charge (locust), import, scan des délais, statistiques ; écrit docs/benchmarks.md"
	@echo "make lock     recompile requirements/*.txt (versions + hashes) depuis pyproject.toml ; LOCK_ARGS=--upgrade pour tout remonter"

# --- Installation --------------------------------------------------------------

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The dependencies come from the lock files (every version pinned, with its
# hashes), never straight from pyproject.toml; the project itself is not
# installed, its apps run from the checkout.
$(VENV)/.installed: requirements/base.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

# dev.txt holds base.txt's versions plus the test and quality tools.
$(VENV)/.installed-dev: requirements/dev.txt requirements/base.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $(VENV)/.installed $@

# Recompile the lock files from pyproject.toml, for Python 3.11 on Linux x86_64.
# Pins already in a lock file are kept unless LOCK_ARGS=--upgrade (or
# --upgrade-package NAME); dev.txt is constrained to base.txt's versions and
# bench.txt to dev.txt's, so tests run on the production versions.
LOCK_ARGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes \
	--python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command "make lock" $(LOCK_ARGS)

lock: $(VENV)/.installed-dev
	$(UV_COMPILE) -o requirements/base.txt
	$(UV_COMPILE) --extra dev -c requirements/base.txt -o requirements/dev.txt
	$(UV_COMPILE) --extra dev --extra bench -c requirements/dev.txt -o requirements/bench.txt

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

.env:
	@$(PYTHON) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "Fichier .env créé avec une clé secrète aléatoire."

setup: $(VENV)/.installed node_modules/.package-lock.json .env

setup-dev: $(VENV)/.installed-dev node_modules/.package-lock.json .env

# --- Run ------------------------------------------------------------------------

# Embedded default: SQLite file in var/, Celery through files in var/celery (no
# Redis). Set DATABASE_URL / REDIS_URL to use PostgreSQL / Redis instead.
run: export DEBUG ?= 1
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Application : http://127.0.0.1:8000  (Ctrl+C pour arrêter)"
	$(VENV)/bin/honcho --procfile Procfile.dev start

demo-logins: setup
	$(PY) manage.py seed_demo --logins-only

# The current second-factor code of the demo manager and admin accounts.
demo-code: setup
	@$(PY) manage.py demo_code

# --- Benchmarks -----------------------------------------------------------------

# bench.txt holds dev.txt's versions plus django-import-export and locust.
$(VENV)/.installed-bench: requirements/bench.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --require-hashes -r requirements/bench.txt
	touch $@

# The benchmark suite (benchmarks/suite.py) against PostgreSQL and Redis on
# loopback, in databases of its own named <prefix>_<scale>_bench, seeded once
# (seed_demo) and reused. BENCH_PEOPLE=100000 (default), BENCH_SCALES=10000,100000
# for the growth table, BENCH_MILLION=1 to allow 1,000,000; the server comes
# from BENCH_DATABASE_URL or DATABASE_URL, Redis from BENCH_REDIS_URL
# (default redis://127.0.0.1:6379/15). Writes docs/benchmarks.md.
bench: $(VENV)/.installed-bench node_modules/.package-lock.json .env
	$(PY) benchmarks/suite.py

# --- Tests ----------------------------------------------------------------------

services:
	@$(PY) scripts/check_services.py

browser:
	@bash scripts/ensure_chromium.sh

# The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for the test
# processes only (Playwright's sync API runs an event loop in the test thread):
# it is never exported here, where `check --deploy` would refuse it.
test: setup-dev services browser
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Django's production checklist with the production settings (DEBUG off).
deploy-check: setup
	DEBUG=0 $(PY) manage.py check --deploy --fail-level WARNING

quality: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates */templates --check --quiet
	$(VENV)/bin/djlint templates */templates --lint --quiet
	$(VENV)/bin/djlint web/jinja2 --profile=jinja --check --quiet
	$(VENV)/bin/djlint web/jinja2 --profile=jinja --lint --quiet
	SECRET_KEY=quality-check $(PY) manage.py makemigrations --check --dry-run

# Refresh the English catalogue after changing user-facing strings (needs GNU gettext).
messages: setup-dev
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates */templates --reformat --quiet || true
	$(VENV)/bin/djlint web/jinja2 --profile=jinja --reformat --quiet || true

# Parcours RSA — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.DEFAULT_GOAL := help
.PHONY: help run test quality format messages setup setup-dev services browser demo-logins

help:
	@echo "make run      installe, migre, charge les données de démo et sert l'application (SQLite, sans Redis)"
	@echo "make test     installe et lance toute la suite de tests sur PostgreSQL et Redis"
	@echo "make quality  ruff, djlint et makemigrations --check"

# --- Installation --------------------------------------------------------------

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

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

# --- Tests ----------------------------------------------------------------------

services:
	@$(PY) scripts/check_services.py

browser:
	@bash scripts/ensure_chromium.sh

test: setup-dev services browser
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

quality: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates */templates --check --quiet
	$(VENV)/bin/djlint templates */templates --lint --quiet
	SECRET_KEY=quality-check $(PY) manage.py makemigrations --check --dry-run

# Refresh the English catalogue after changing user-facing strings (needs GNU gettext).
messages: setup-dev
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates */templates --reformat --quiet || true

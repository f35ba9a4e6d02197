# Culture of Care: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets static migrate seed lint format check-access test-fast bench worker beat clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

static/vendor/.built: package.json package-lock.json scripts/vendor-assets.sh culture_of_care/assets.py
	npm ci --no-audit --no-fund --loglevel=error
	sh scripts/vendor-assets.sh
	touch $@

assets: static/vendor/.built

# The production build of the static files (DEBUG off, hashed manifest), as the Dockerfile does.
static: install assets
	DEBUG=0 SECRET_KEY=$${SECRET_KEY:-build-only} $(PY) manage.py collectstatic --noinput --clear

migrate: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --if-empty

# Sets up, migrates, loads the demo when the database is empty and serves on 127.0.0.1:8000.
run: install assets seed
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(VENV)/bin/celery -A culture_of_care worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A culture_of_care beat --loglevel=info

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-access: install
	TESTING=1 $(PY) manage.py check_access

# The whole suite: lint, migrations in step, the tenancy check, then pytest (browser tests too).
test: install assets
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	TESTING=1 $(PY) manage.py check_access
	TESTING=1 $(PY) -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup $(PYTEST_ARGS)

test-fast: install
	TESTING=1 $(PY) -m pytest -m "not system" -x -q $(PYTEST_ARGS)

# Key pages under gunicorn on PostgreSQL at demo scale 1 and 10 (BENCH_SCALES), against the
# framework's own ceiling; needs BENCH_DATABASE_URL or DATABASE_URL (postgres://). See bench/.
bench: install assets
	$(PY) bench/http_bench.py
	TESTING=1 $(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules static/vendor public staticfiles

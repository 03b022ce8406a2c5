# Styringsportalen. `make run` and `make test` work on a fresh machine that has only Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench load lint check lock worker migrate demo clean help

help:
	@echo "make run    – installer, migrer, last demo og start portalen på http://$(HOST):$(PORT)"
	@echo "make test   – hele testsuiten (bruker DATABASE_URL og REDIS_URL når de er satt)"
	@echo "make bench  – ytelsesmålinger (bench/)"
	@echo "make load   – samtidige brukere: gunicorn på PostgreSQL og Locust (BENCH_DATABASE_URL=postgres://…)"
	@echo "make lint   – ruff"
	@echo "make lock   – lås avhengighetene på nytt fra pyproject.toml"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The web server in the foreground; a Celery worker with embedded beat in the background on the
# filesystem broker (no Redis needed; REDIS_URL switches to Redis). Ctrl-C stops both. The web server
# runs with DEBUG off so that it shows the portal's own error pages (403, 404, 500), over plain HTTP
# (DJANGO_HTTPS=0), with static files served by WhiteNoise straight from the apps.
run: demo
	@mkdir -p var/celery/out var/celery/processed var/celery/control var/log
	@$(PY) -m celery -A config worker -B --pool=solo --loglevel=INFO \
	    --schedule var/celerybeat-schedule > var/log/worker.log 2>&1 & \
	  WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  echo ""; echo "Bakgrunnsjobber: Celery-arbeider med beat (logg: var/log/worker.log)"; \
	  $(PY) manage.py demo_logins; \
	  echo ""; echo "Styringsportalen kjører på http://$(HOST):$(PORT)/  (Ctrl-C stopper)"; echo ""; \
	  DJANGO_DEBUG=0 DJANGO_HTTPS=0 WHITENOISE_AUTOREFRESH=1 SECRET_KEY=$${SECRET_KEY:-dev-only-insecure-key-styringsportalen} \
	    $(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	$(PY) -m celery -A config worker -B --pool=solo --loglevel=INFO --schedule var/celerybeat-schedule

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs in one process. Work stealing:
# the long tests start first (tests/conftest.py) and an idle worker takes the other's waiting tests.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: migrate
	$(PY) bench/run.py

# Concurrent users (bench/last.py): gunicorn with the production settings on PostgreSQL, Locust headless
# with 50 users for 60 s over the national data (generated once, then reused). Not part of `make test`.
load: $(STAMP)
	$(PY) bench/last.py

lint: $(STAMP)
	$(PY) -m ruff check .

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

lock:
	rm -rf var/lockvenv && $(PYTHON) -m venv var/lockvenv
	var/lockvenv/bin/python -m pip install --quiet -r <($(PYTHON) -c "import tomllib;print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))")
	{ echo "# Full lock of the runtime dependencies (pyproject.toml [project.dependencies]). Regenerate: make lock"; \
	  var/lockvenv/bin/python -m pip freeze | sort -f; } > requirements.txt
	var/lockvenv/bin/python -m pip install --quiet -r <($(PYTHON) -c "import tomllib;print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['optional-dependencies']['dev']))")
	{ echo "# Test and lint tools on top of requirements.txt (pyproject.toml [project.optional-dependencies].dev). Regenerate: make lock"; \
	  echo "-r requirements.txt"; var/lockvenv/bin/python -m pip freeze | sort -f | grep -vxF -f <(grep -v '^#' requirements.txt); } > requirements-dev.txt
	rm -rf var/lockvenv

clean:
	rm -rf $(VENV) var

# Backup and restore (docs/operations.md, Backups): PostgreSQL (pg_dump -Fc) and the media folder.
# Direct: DATABASE_URL=postgres://... [MEDIA_ROOT=...]; against the compose stack: COMPOSE=1.
.PHONY: backup restore
backup:
	bash deploy/backup.sh $(if $(COMPOSE),--compose) $(BACKUP_DIR)

restore:
	@test -n "$(BACKUP)" || { echo "Bruk: make restore BACKUP=var/backup/<tid> [COMPOSE=1] [OVERSKRIV=1]"; exit 2; }
	bash deploy/restore.sh $(if $(COMPOSE),--compose) $(if $(OVERSKRIV),--overskriv) "$(BACKUP)"

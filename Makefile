# Two commands: `make run` (install, migrate, demo data, serve app + scheduler) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export SITE ?= default
export UV_PYTHON_DOWNLOADS ?= automatic

UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
# The MariaDB driver is only installed where a MariaDB/MySQL server is configured.
UV_GROUPS := $(if $(findstring mysql,$(DATABASE_URL)),--group mariadb,)
MANAGE := $(UV) run --no-sync python manage.py
# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
CHROMIUM := /usr/bin/chromium
# Printed reports (WeasyPrint) lay text out with pango and need CJK fonts for Chinese text.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk

.PHONY: help install system-packages run serve serve-production test test-clock lint check-migrations bench \
	bench-check bench-baseline messages load

help:
	@echo "make run    install, migrate the '$(SITE)' site, load demo data, serve on http://127.0.0.1:8000"
	@echo "make serve-production   collectstatic, then gunicorn + scheduler (PRODUCTION=true; README)"
	@echo "make test   run the whole test suite (DATABASE_URL / REDIS_URL if set, else SQLite)"
	@echo "make lint   ruff;  make check-migrations;  make messages (compile translations)"
	@echo "make test-clock CLOCK='@2027-06-16 10:00:00'   the suite with the clock moved (libfaketime)"
	@echo "make bench SCALE=small|large   page, API and job timings on generated data (benchmarks/results/)"
	@echo "make load   gunicorn + locust, mixed traffic for LOAD_RUN_TIME (3m) on the generated data"
	@echo "make bench-check   query counts and list plans of every benched page against benchmarks/baseline.json"

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --user --quiet --break-system-packages uv

install: $(UV)
	$(UV) sync --frozen $(UV_GROUPS)

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }; \
	else echo "The browser tests need Chromium at $(CHROMIUM) (Debian: sudo apt-get install chromium)"; exit 1; fi

# The PDF packages, for `make run` as much as for `make test`: installed when root on Debian,
# otherwise named (the site still runs; only the printed reports need them).
system-packages:
	@command -v dpkg >/dev/null || exit 0; \
	missing=""; for pkg in $(PDF_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }; \
	else echo "Printed reports need:$$missing (Debian: sudo apt-get install$$missing)"; fi

run: install system-packages
	$(MANAGE) migrate --noinput
	$(MANAGE) apply_roles
	$(MANAGE) load_standards
	$(MANAGE) sync_schedules
	$(MANAGE) load_demo
	@echo
	@echo "  Property service is starting on http://127.0.0.1:8000/admin/  (API: http://127.0.0.1:8000/api/docs/)"
	@echo "  Logins: admin, manager, cs_supervisor, cs_agent, frontdesk, maintenance, cleaning, security, finance"
	@echo "  Residents' portal: http://127.0.0.1:8000/portal/  (login: resident)"
	@echo "  Password: demo-pass-2026      Stop with Ctrl-C."
	@echo
	$(MAKE) serve

serve:
	$(UV) run --no-sync honcho -f Procfile start

# Production: gunicorn (config/gunicorn.conf.py) and the scheduler, static files collected for
# whitenoise; migrate first. The site's environment must hold SECRET_KEY, ALLOWED_HOSTS, ...
serve-production: export PRODUCTION = true
serve-production: install
	$(MANAGE) migrate --noinput
	$(MANAGE) sync_schedules
	$(MANAGE) collectstatic --noinput
	$(UV) run --no-sync honcho -f Procfile.production start

test: export SITE = test
test: install system-packages $(CHROMIUM)
	$(UV) run --no-sync pytest $(PYTEST_ARGS)

# The suite with the system clock moved to another year (Debian's libfaketime): deadlines,
# calendars and renewals must hold whatever year it is (the tests that restart real Redis and
# MariaDB servers or run real clusters run on the real clock, once, in `make test`). '@' lets
# the moved clock run on.
CLOCK ?= @2027-06-16 10:00:00
test-clock: export SITE = test
test-clock: install system-packages
	@command -v faketime >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime; }; } \
	  || { echo "make test-clock needs faketime (Debian: sudo apt-get install faketime)"; exit 1; }; }
	faketime -f '$(CLOCK)' $(UV) run --no-sync pytest --ignore=tests/browser \
	  --ignore=tests/api/test_fuzz.py --ignore=tests/ops/test_faults_redis.py \
	  --ignore=tests/ops/test_faults_mariadb.py --ignore=tests/ops/test_two_clusters.py \
	  --ignore=tests/ops/test_redis_durable_queue.py $(PYTEST_ARGS)

lint: install
	$(UV) run --no-sync ruff check .

check-migrations: export SITE = test
check-migrations: install
	$(MANAGE) makemigrations --check --dry-run

messages: install
	cd apps/property_service/property_service && $(UV) run --no-sync python ../../../manage.py compilemessages

# Timings of the main pages, API lists, an export and the periodic jobs on generated data
# (SCALE=small: 10,000 work orders; SCALE=large: 1,000,000), on DATABASE_URL when set.
bench: export SITE = bench
bench: export SCALE ?= small
bench: install
	$(UV) run --no-sync python -m benchmarks.run

# The benchmark as a check (CI): the small data set generated afresh at a fixed moment, every
# page once as each user; fails on more queries than benchmarks/baseline.json, or on a list
# whose main query scans or sorts a large table. DATABASE_URL: a database of its own, whose name
# contains "bench" (its tables are dropped). bench-baseline writes the baseline from such a run.
bench-check: export SITE = bench
bench-check: install
	$(UV) run --no-sync python -m benchmarks.check

bench-baseline: export SITE = bench
bench-baseline: install
	$(UV) run --no-sync python -m benchmarks.check --write-baseline

# A load run: gunicorn on 127.0.0.1 and locust's mixed traffic (staff, portal, API) for a
# bounded time against the site's generated data (benchmarks/locustfile.py); writes
# benchmarks/results/load-<scale>.{json,md} and fails if any request failed.
# LOAD_USERS=20 LOAD_SPAWN_RATE=5 LOAD_RUN_TIME=3m LOAD_PORT=8765.
load: export SITE = bench
load: install
	$(UV) run --no-sync python -m benchmarks.load

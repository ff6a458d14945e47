# One command to set up, one to run, one to test. Everything installs into .venv and var/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: setup run test test-pg bench lint format runtime-deps system-deps debian-packages worker clock clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var
	$(BIN)/tthc migrate --noinput -v 0
	$(BIN)/tthc collectstatic --noinput -v 0

run: setup runtime-deps
	$(BIN)/tthc demo
	@echo "Cổng thủ tục: http://127.0.0.1:$(PORT)/  ·  API: http://127.0.0.1:$(PORT)/api/v1/docs"
	$(BIN)/tthc db_worker & worker=$$!; $(BIN)/tthc clock & clock=$$!; \
	trap "kill $$worker $$clock 2>/dev/null" EXIT INT TERM; \
	$(BIN)/tthc runserver 127.0.0.1:$(PORT)

worker: setup
	$(BIN)/tthc db_worker

# Enqueues the periodic tasks (visitor counts, scheduled publishing, plan reminders, versions).
clock: setup
	$(BIN)/tthc clock

# System packages from Debian: chromium for the browser tests (never a downloaded browser),
# pango and fonts for WeasyPrint's PDFs, poppler-utils to render PDFs to PNG in tests.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := $(RUNTIME_PACKAGES) chromium poppler-utils
runtime-deps:
	@$(MAKE) --no-print-directory debian-packages PACKAGES="$(RUNTIME_PACKAGES)"
system-deps:
	@$(MAKE) --no-print-directory debian-packages PACKAGES="$(TEST_PACKAGES)"
debian-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Cài gói Debian: $$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test: setup system-deps node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest -n auto -q

# The suite on PostgreSQL: pytest creates its own test databases; the dev database is not touched.
test-pg: $(STAMP) system-deps node_modules/axe-core/axe.min.js
	$(BIN)/tthc collectstatic --noinput -v 0
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tthc} $(BIN)/python -m pytest -n auto -q

bench: setup
	$(BIN)/python bench/run.py
	# Staff queues, lookup, intake at 1M dossiers on PostgreSQL (skipped when unreachable).
	$(BIN)/python bench/bench_dossiers.py

# Fault test (docs/operations.md): gunicorn + db_worker on PostgreSQL, kill -9 and a PostgreSQL
# restart under 50 concurrent submitters. Restarts the machine's PostgreSQL: not run by CI.
.PHONY: fault
fault: $(STAMP)
	$(BIN)/python bench/fault.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) var build *.egg-info

# axe-core (accessibility checks injected by Playwright in tests/e2e), pinned in package-lock.json.
node_modules/axe-core/axe.min.js: package.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory debian-packages PACKAGES="nodejs npm"
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

# Full-page screenshots of every public page type, kept in docs/screenshots/ (look at them).
.PHONY: screenshots
screenshots: setup system-deps node_modules/axe-core/axe.min.js
	TTHC_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:xdist \
	  tests/e2e/test_portal_e2e.py tests/e2e/test_content_e2e.py tests/e2e/test_plans_e2e.py \
	  tests/e2e/test_dossier_e2e.py tests/e2e/test_feedback_e2e.py tests/e2e/test_simplification_e2e.py \
	  tests/e2e/test_phone_e2e.py tests/e2e/test_journeys_e2e.py \
	  tests/catalog/test_posting.py::test_demo_province_centre_sheet_has_a_decodable_qr_per_procedure

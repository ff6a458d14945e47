# One command to set up, one to run, one to test. Everything installs into .venv and var/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: setup run test test-pg bench lint format browser worker clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var
	$(BIN)/tthc migrate --noinput -v 0
	$(BIN)/tthc collectstatic --noinput -v 0

run: setup
	$(BIN)/tthc demo
	@echo "Cổng thủ tục: http://127.0.0.1:$(PORT)/  ·  API: http://127.0.0.1:$(PORT)/api/v1/docs"
	$(BIN)/tthc db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/tthc runserver 127.0.0.1:$(PORT)

worker: setup
	$(BIN)/tthc db_worker

# Debian's chromium for the browser tests (never a downloaded browser).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Cài chromium (Debian) cho kiểm thử trình duyệt..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'; }

test: setup browser
	$(BIN)/python -m pytest -n auto -q

test-pg: setup browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tthc} $(BIN)/python -m pytest -n auto -q

bench: setup
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) var build *.egg-info

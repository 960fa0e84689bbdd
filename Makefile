# Trainer: the README's commands. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app trainer
PG_PORT ?= 55432
# `make run PORT=8080` serves on another port (5000 is taken on many Macs); HOST=0.0.0.0 serves the network.
HOST ?= 127.0.0.1
PORT ?= 5000
PG_DIR ?= /tmp/trainer-pg

.PHONY: install ical-js run test test-fast test-postgres crawl e2e-deps bench lint translations migrate demo clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations ical-js

# Mozilla's ical.js (the parser Thunderbird uses) checks our feeds in the tests when Node is available.
ical-js:
	@[ -d $(VENV)/ical/node_modules/ical.js ] || { command -v npm >/dev/null && npm install --silent --prefix $(VENV)/ical ical.js@2 >/dev/null 2>&1 || true; }

translations: | $(BIN)/python
	@for po in trainer/translations/*/LC_MESSAGES/messages.po trainer/*/translations/*/LC_MESSAGES/messages.po; do \
	  [ -f "$$po" ] || continue; \
	  $(BIN)/pybabel -q compile -f -i "$$po" -o "$${po%.po}.mo" || exit 1; \
	done

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo --if-empty

# granian (the production server; TRAINER_WEB_SERVER=gunicorn for gunicorn) and the scheduler beside it; the serve
# command prints the address.
run: demo
	@echo ""
	@$(FLASK) demo --if-empty | sed -n '/demo logins/,$$p'
	@echo ""
	@$(FLASK) serve --host $(HOST) --port $(PORT)

# Chromium for the end-to-end tests comes from Debian (no browser downloads).
e2e-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	@command -v fc-list >/dev/null && fc-list :lang=zh | grep -q . || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null || true; fi; }

# Everything but the long crawl (`make crawl`, its own CI step).
test: install e2e-deps
	$(BIN)/python -m pytest -m "not crawl"

# Without the browser tests and the tests marked slow (the whole-API fuzz run, real scheduler processes, demo
# loading): the quick loop while working; the quick crawl over the demo (tests/crawl/test_demo.py) is in.
test-fast: install
	$(BIN)/python -m pytest -m "not e2e and not slow"

# The same suite against a throwaway PostgreSQL on loopback (installed from Debian when missing).
test-postgres: install
	@bash .ci/postgres.sh start $(PG_DIR) $(PG_PORT)
	@trap 'bash .ci/postgres.sh stop $(PG_DIR) $(PG_PORT)' EXIT; \
	  TRAINER_TEST_DATABASE_URL=postgresql+psycopg://trainer@127.0.0.1:$(PG_PORT)/trainer \
	  $(BIN)/python -m pytest -m "not e2e and not crawl"

# The long crawl (tests/crawl/test_city.py): every page, the whole API with every role and the call sequences
# along its links, over a district of city size, on SQLite and then on a throwaway PostgreSQL.
crawl: install
	$(BIN)/python -m pytest -m crawl
	@bash .ci/postgres.sh start $(PG_DIR) $(PG_PORT)
	@trap 'bash .ci/postgres.sh stop $(PG_DIR) $(PG_PORT)' EXIT; \
	  TRAINER_TEST_DATABASE_URL=postgresql+psycopg://trainer@127.0.0.1:$(PG_PORT)/trainer \
	  $(BIN)/python -m pytest -m crawl

bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check trainer tests bench

clean:
	rm -rf $(VENV) instance .pytest_cache

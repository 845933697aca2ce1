# Roster: `make run` starts the demo, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# tests run on SQLite; set ROSTER_TEST_DATABASE_URL=postgresql://... to run them on PostgreSQL too
export ROSTER_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/roster.sqlite

.PHONY: install run test lint bench clean screenshots
# the Apps Script's type check (tsc), its browser tests (playwright-core) and nothing else: pinned
# in apps_script/package-lock.json
NODE_DEPS := apps_script/node_modules/.package-lock.json

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

$(NODE_DEPS): apps_script/package.json apps_script/package-lock.json
	cd apps_script && npm ci --silent --no-audit --no-fund
	touch $@

run: install
	ROSTER_AUTH=dev $(BIN)/roster demo
	@# the example roster has mistakes on purpose, so validate exits 1: show them and go on
	-$(BIN)/roster validate examples/roster.csv
	@echo "The console: open http://127.0.0.1:8080/ (development sign-in, the demo organisation's admin)"
	ROSTER_AUTH=dev $(BIN)/roster serve

test: install $(NODE_DEPS)
	$(BIN)/python -m pytest
	cd apps_script && npm test --silent

lint: install $(NODE_DEPS)
	$(BIN)/ruff check service tests benchmarks tools
	$(BIN)/ruff format --check service tests benchmarks tools
	$(BIN)/mypy
	cd apps_script && npm run --silent typecheck

bench: install
	$(BIN)/python -m benchmarks.validate
	$(BIN)/python -m benchmarks.file_read
	$(BIN)/python -m benchmarks.api_validate
	$(BIN)/python -m benchmarks.sheets_calls
	$(BIN)/python -m benchmarks.import_speed
	$(BIN)/python -m benchmarks.admin

# the sidebar in each state (docs/apps_script/*.png) and every console page (docs/console/*.png),
# in headless Chromium
screenshots: $(NODE_DEPS) install
	cd apps_script && npm run --silent screenshots
	$(BIN)/python -m tools.console_screenshots

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis apps_script/node_modules apps_script/build

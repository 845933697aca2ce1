# Roster: `make run` starts the demo, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# tests run on SQLite; set ROSTER_TEST_DATABASE_URL=postgresql://... to run them on PostgreSQL too
export ROSTER_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/roster.sqlite

.PHONY: install run test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	ROSTER_AUTH=dev $(BIN)/roster demo
	@# the example roster has mistakes on purpose, so validate exits 1: show them and go on
	-$(BIN)/roster validate examples/roster.csv
	@echo "The console: open http://127.0.0.1:8080/ (development sign-in, the demo organisation's admin)"
	ROSTER_AUTH=dev $(BIN)/roster serve

test: install
	$(BIN)/python -m pytest
	node --test apps_script/test/*.test.js

lint: install
	$(BIN)/ruff check service tests benchmarks tools
	$(BIN)/ruff format --check service tests benchmarks tools
	$(BIN)/mypy

bench: install
	$(BIN)/python -m benchmarks.validate
	$(BIN)/python -m benchmarks.sheets_calls
	$(BIN)/python -m benchmarks.import_speed

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis

# gx-pipeline: `make run` loads every report year, `make test` runs the tests, `make ui` serves Dagster.
PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
DAGSTER_HOME := $(CURDIR)/.dagster_home
export DAGSTER_HOME
YEARS       ?=

.PHONY: run status test ui bench lint install dagster-home

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

# DuckDB has one writer: let queued runs wait for the `duckdb` pool instead of failing on the lock.
dagster-home:
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || printf '%s\n' \
	  'concurrency:' \
	  '  runs:' \
	  '    max_concurrent_runs: 4' \
	  '  pools:' \
	  '    default_limit: 1' \
	  'telemetry:' \
	  '  enabled: false' > $(DAGSTER_HOME)/dagster.yaml

# every year with a data/raw/<year>/ folder, or e.g. `make run YEARS=2019-2025`
run: install dagster-home
	$(BIN)/gx run $(if $(YEARS),--years $(YEARS))

status: install dagster-home
	$(BIN)/gx status $(if $(YEARS),--years $(YEARS))

test: install
	$(BIN)/pytest -q

ui: install dagster-home
	$(BIN)/dagster dev -w workspace.yaml

lint:
	$(BIN)/ruff check gx_pipeline gx_pipeline_tests
	$(BIN)/ruff format --check gx_pipeline gx_pipeline_tests

# speed figures (parse, end to end, against an lxml baseline); targets live here, not in tests
bench: install
	$(BIN)/python -m gx_pipeline.bench $(if $(PAGES),--pages $(PAGES))

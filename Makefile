# gx-pipeline: `make run` loads every report year, `make test` runs the tests, `make ui` serves Dagster.
PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
DAGSTER_HOME := $(CURDIR)/.dagster_home
export DAGSTER_HOME
YEARS       ?=

.PHONY: run status test test-signals test-faults test-diskfull test-celery test-automation broker-deps ui bench bench-tally bench-national lint install dagster-home system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

# Debian packages the documents need: LibreOffice converts .doc/.wps to .docx (without it such a
# file is quarantined with that reason); Chromium and a CJK font print the generated PDFs the
# tests read back. PDFs are read by pypdfium2 (a wheel): nothing to install for them. Needs root
# (or sudo): .ci/run calls it; `make run` and `make test` never do (without these packages a
# .doc is quarantined with its reason and the tests that need them are skipped, saying why).
SYSTEM_PACKAGES := libreoffice-writer-nogui chromium fonts-wqy-zenhei
system-deps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-wqy-zenhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

# the instance's dagster.yaml (gx_pipeline/defs/dagster.yaml): the `duckdb` pool limit of 1 (one
# DuckDB writer: queued runs wait instead of failing on the lock) and run monitoring
dagster-home:
	@$(BIN)/python -m gx_pipeline.defs.home $(DAGSTER_HOME) > /dev/null

# every year with a data/raw/<year>/ folder, or e.g. `make run YEARS=2019-2025`
run: install dagster-home
	$(BIN)/gx run $(if $(YEARS),--years $(YEARS))

status: install dagster-home
	$(BIN)/gx status $(if $(YEARS),--years $(YEARS))

# two processes (pytest-xdist: each module in one of them, the modules of a shared session
# fixture together, conftest.py's SHARED_FIXTURES, test_run.py's tests in four parts,
# SPLIT_MODULES), their temporary folders on tmpfs where there is one (DuckDB and Dagster's
# SQLite sync each commit: a disk write each); the folders of passing tests are removed
TEST_TMP := $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm)
test: install
	$(if $(TEST_TMP),PYTEST_DEBUG_TEMPROOT=$(TEST_TMP)) $(BIN)/pytest -q -n 2 --dist loadfile \
		-o tmp_path_retention_policy=failed

# real runs stopped by Ctrl-C, SIGTERM, a closed terminal (SIGHUP) or kill -9 at chosen moments,
# and runs waiting on the DuckDB slot another run holds until it is stopped: each waits on real
# processes (about two minutes over two processes; kept out of make test's ten minutes)
test-signals: install
	$(if $(TEST_TMP),PYTEST_DEBUG_TEMPROOT=$(TEST_TMP)) $(BIN)/pytest -q -n 2 --dist loadfile -m signals \
		-p no:cacheprovider -o tmp_path_retention_policy=failed \
		gx_pipeline_tests/test_run.py gx_pipeline_tests/test_parse_pool.py gx_pipeline_tests/test_webserver.py

# make ui's automation reloading every stale year by itself over real sensor ticks (over a
# minute of waiting: kept out of make test's ten minutes)
test-automation: install
	$(BIN)/pytest -q -m automation -p no:cacheprovider gx_pipeline_tests/test_automation.py

# kill -9 of `gx run` at random points of a load, then the next run: FAULT_TRIALS trials (30 in CI);
# and a list of addresses against a hostile web server on loopback (slow bodies, a trickle, 15 s)
FAULT_TRIALS ?= 30
test-faults: install
	GX_FAULT_TRIALS=$(FAULT_TRIALS) $(BIN)/pytest -q -s -m faults -p no:cacheprovider gx_pipeline_tests/test_faults.py gx_pipeline_tests/test_fetch_hostile.py

# the real `gx run` on a tmpfs that fills up at each step of a load, at the analysts' copy, the
# seed copy, with DAGSTER_HOME on it and before anything is loaded; `gx fetch` filled mid-run
# and killed at random points (mounts: root; skipped, saying why, elsewhere)
test-diskfull: install
	$(BIN)/pytest -q -s -m diskfull -p no:cacheprovider gx_pipeline_tests/test_diskfull_runs.py gx_pipeline_tests/test_diskfull_fetch_runs.py

# the celery suite's broker: redis-server from Debian's packages (root or sudo; not needed by
# make run or make test)
broker-deps:
	@command -v redis-server >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q redis-server; }
	@redis-server --version

# a year over two celery workers and a Redis broker on loopback, against one machine's rows
test-celery: install broker-deps
	$(BIN)/pytest -q -s -m celery -p no:cacheprovider gx_pipeline_tests/test_celery.py

ui: install dagster-home
	$(BIN)/dagster dev -w workspace.yaml

lint:
	$(BIN)/ruff check gx_pipeline gx_pipeline_tests
	$(BIN)/ruff format --check gx_pipeline gx_pipeline_tests

# speed figures (parse, end to end, against an lxml baseline); targets live here, not in tests
bench: install
	$(BIN)/python -m gx_pipeline.bench $(if $(PAGES),--pages $(PAGES))

# the tally check's peak memory on a national year (REPORTS=100000 reports; ~10 min, ~13 GB for
# the old whole-year evaluation it is compared with)
bench-tally: install
	$(BIN)/python -m gx_pipeline.bench_tally $(if $(REPORTS),--reports $(REPORTS))

# a national year (N pages, default 100,000) through the real `gx run`: peak memory per step,
# wall and CPU time, against the floor (decode + lxml) and the plain bs4 + read_html pipeline
# on a sample of the same files; needs ~200 KB of disk a page (~20 GB at 100,000; ~25 min);
# N=max: the most pages the disk holds
N ?= 100000
bench-national: install
	$(BIN)/python -m gx_pipeline.bench_national --pages $(N) $(if $(BENCH_WORK),--work $(BENCH_WORK))

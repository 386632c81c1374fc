# One install, two README commands: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

# Everything the pipeline writes lives under one data directory (git-ignored).
export STALKING_DATA_DIR := $(abspath $(or $(STALKING_DATA_DIR),data))
export DAGSTER_HOME := $(or $(DAGSTER_HOME),$(STALKING_DATA_DIR)/dagster_home)
export GX_ANALYTICS_ENABLED := false
export STREAMLIT_SERVER_PORT ?= 8501
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

SEED ?= 42
SCALE ?= 1.0
YEARS ?= 2
DBT := $(BIN)/dbt --no-use-colors
DBT_DIRS := --project-dir $(CURDIR)/dbt_project --profiles-dir $(CURDIR)/dbt_project

.PHONY: help install install-test dbt-manifest demo-data pipeline app ui demo lint test test-fast audit \
	docs docs-serve bench bench-app clean-data

help:
	@echo "make demo   install, generate synthetic demo extracts, run the pipeline, start the app"
	@echo "make test   install with test extras, lint, run the tests"
	@echo "other: install demo-data pipeline app ui lint test-fast docs docs-serve bench bench-app clean-data"
	@echo "data dir: $(STALKING_DATA_DIR)"

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo-data: install
	$(BIN)/python -m synthetic --seed $(SEED) --scale $(SCALE) --years $(YEARS)
	$(BIN)/python -m ingest.keys create --if-missing  # the demo's own key; only the demo makes one

pipeline: install
	$(BIN)/python -m orchestration.run_pipeline

# The disclosure audit alone over what the next release will show (full_pipeline runs it too,
# before publishing).
audit: install
	$(BIN)/python -m orchestration.run_pipeline --job disclosure_audit

app: install
	$(BIN)/streamlit run reports_app/app.py --server.port $(STREAMLIT_SERVER_PORT) \
		--server.headless true

# The dbt manifest the Dagster definitions load: prepared on demand, in one place.
dbt-manifest: install
	$(BIN)/python -m orchestration.dbt_manifest

ui: dbt-manifest
	mkdir -p $(DAGSTER_HOME)
	$(BIN)/dagster dev -w workspace.yaml

demo: install demo-data pipeline app

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/macros dbt_project/tests

test: install-test lint dbt-manifest
	mkdir -p $(STALKING_DATA_DIR)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Unit tests and fast integration tests: no full pipeline run, no browser.
test-fast: install-test dbt-manifest
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow"

# dbt's documentation site, generated into dbt_project/target/ (works on an empty data dir).
docs: install
	mkdir -p $(STALKING_DATA_DIR)/warehouse
	cd dbt_project && $(DBT) docs generate $(DBT_DIRS)
	@echo "dbt docs generated in dbt_project/target/; browse them with: make docs-serve"

docs-serve: docs
	cd dbt_project && $(DBT) docs serve $(DBT_DIRS) --port 8080 --no-browser

# The pipeline at national volume, then the app's server time per page on its snapshot.
bench: install-test
	$(BIN)/python -m bench.run_bench

# The app's server time per page only, on the snapshot already in STALKING_DATA_DIR.
bench-app:
	$(BIN)/python -m bench.app_timings --data-dir $(STALKING_DATA_DIR)

clean-data:
	rm -rf $(STALKING_DATA_DIR)

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

.PHONY: help install install-test demo-data pipeline app ui demo lint test docs bench clean-data

help:
	@echo "make demo   install, generate synthetic demo extracts, run the pipeline, start the app"
	@echo "make test   install with test extras, lint, run the tests"
	@echo "other: install demo-data pipeline app ui lint docs bench clean-data"
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

pipeline: install
	$(BIN)/python -m orchestration.run_pipeline

app: install
	$(BIN)/streamlit run reports_app/app.py --server.port $(STREAMLIT_SERVER_PORT) \
		--server.headless true

ui: install
	cd dbt_project && $(DBT) parse --quiet $(DBT_DIRS)
	$(BIN)/dagster dev -w workspace.yaml

demo: install demo-data pipeline app

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/macros dbt_project/tests

test: install-test lint
	mkdir -p $(STALKING_DATA_DIR)
	cd dbt_project && $(DBT) parse --quiet $(DBT_DIRS)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

docs: install
	mkdir -p $(STALKING_DATA_DIR)/warehouse
	cd dbt_project && $(DBT) docs generate $(DBT_DIRS) && $(DBT) docs serve $(DBT_DIRS) --port 8080

bench: install-test
	$(BIN)/python -m bench.run_bench

clean-data:
	rm -rf $(STALKING_DATA_DIR)

# Pulso: every target creates .venv and installs what it needs on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
# PostgreSQL tests run when the local server answers; CI runs on a machine that has one.
PULSO_TEST_PG_URL ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo $(PG_URL))
PYTEST_ARGS ?=

.PHONY: install demo serve lint test clean system-deps airflow

# Debian packages the tests drive: chromium (dashboard tests) and promtool (alert rule tests).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1 \
		|| ! command -v amtool >/dev/null 2>&1; then \
		echo "installing Debian packages: chromium prometheus prometheus-alertmanager"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium prometheus prometheus-alertmanager >/dev/null; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Airflow pins FastAPI below what Pulso uses, so it gets its own environment (as in production).
AIRFLOW_STAMP := .venv-airflow/.installed-stamp
$(AIRFLOW_STAMP): pyproject.toml
	test -x .venv-airflow/bin/python || $(PYTHON) -m venv .venv-airflow
	.venv-airflow/bin/pip install --quiet --upgrade pip setuptools wheel
	.venv-airflow/bin/pip install --quiet 'apache-airflow==3.3.2' -e .
	touch $(AIRFLOW_STAMP)

airflow: $(AIRFLOW_STAMP)

demo: install
	$(BIN)/pulso demo

serve: install
	$(BIN)/pulso serve

lint: install
	$(BIN)/ruff check src tests benchmarks dags
	$(BIN)/ruff format --check src tests benchmarks dags
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install lint system-deps airflow
	PULSO_TEST_PG_URL="$(PULSO_TEST_PG_URL)" $(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .venv-airflow .pytest_cache .mypy_cache .ruff_cache .pulso pulso.db*

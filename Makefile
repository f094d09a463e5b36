# Two entry points do all set-up on a fresh machine (README):
#   make example   route the shipped example and write the six artifacts under METRICS/
#   make test      run the whole test suite (ruff, sqlfluff, dbt unit + data tests, pytest, browser, Spark parity)
#   make docs      build the dbt documentation site (one offline file: docs/site/static_index.html)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: example test lint bench clean browser docs spark-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

example: $(STAMP)
	$(BIN)/python -m TRAINING.orchestration.generate_routing_plan --output-dir examples/metrics --plan-output METRICS

# The Spark engine's parity tests (pytest -m spark) run in `make test`: Java 17 from the
# OS packages when missing (needs root, as on a fresh CI machine) and the spark extras.
SPARK_STAMP := $(VENV)/.spark-installed

$(SPARK_STAMP): $(STAMP)
	@java -version >/dev/null 2>&1 || { \
		echo "installing Java 17 (openjdk-17-jre-headless) for the Spark engine"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } \
		|| { echo "make spark-deps: Java 17 is missing and could not be installed (run as root:" \
			"apt-get install -y openjdk-17-jre-headless)"; exit 1; }
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $(SPARK_STAMP)

spark-deps: $(SPARK_STAMP)


# headless Chromium from the OS packages, for the report's browser test (tests/python/test_report_browser.py);
# does nothing when it is installed
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser: $(CHROMIUM)
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-liberation

# Python with ruff, SQL with sqlfluff (.sqlfluff: dialect duckdb, dbt templater; a finding fails
# `make test`). The templater compiles the project: it gets a throw-away database, never the plan's.
lint: $(STAMP)
	$(BIN)/ruff check python tests/python bench
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	ROUTER_METRICS_DIR=$(CURDIR)/examples/metrics ROUTER_DATABASE=$$tmp/lint.duckdb \
	DBT_SEND_ANONYMOUS_USAGE_STATS=false $(BIN)/sqlfluff lint models tests/dbt --disable-progress-bar

test: $(STAMP) browser $(SPARK_STAMP) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py --scale $(or $(SCALE),medium)

# dbt docs: the example built into a throw-away database (so the catalog has every column),
# then one self-contained HTML file with the lineage graph; open docs/site/static_index.html
DOCS_ENV = ROUTER_METRICS_DIR=$(CURDIR)/examples/metrics ROUTER_DATABASE=$$tmp/docs.duckdb \
	DBT_SEND_ANONYMOUS_USAGE_STATS=false
DOCS_FLAGS = --project-dir $(CURDIR) --profiles-dir $(CURDIR) --log-path $$tmp/logs --quiet
docs: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(DOCS_ENV) $(BIN)/dbt build --exclude test_type:unit $(DOCS_FLAGS) --target-path $$tmp/target && \
	rm -rf docs/site && \
	$(DOCS_ENV) $(BIN)/dbt docs generate --static $(DOCS_FLAGS) --target-path $$tmp/site && \
	mkdir -p docs/site && cp $$tmp/site/static_index.html docs/site/static_index.html && \
	echo "dbt docs: $(CURDIR)/docs/site/static_index.html"

clean:
	rm -rf $(VENV) METRICS target logs .pytest_cache docs/site

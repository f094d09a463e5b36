# Two entry points do all set-up on a fresh machine (README):
#   make example   route the shipped example and write the six artifacts under METRICS/
#   make test      run the whole test suite (dbt unit + data tests, pytest, ruff)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: example test lint bench clean spark-deps

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
		apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } \
		|| { echo "make spark-deps: Java 17 is missing and could not be installed (run as root:" \
			"apt-get install -y openjdk-17-jre-headless)"; exit 1; }
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $(SPARK_STAMP)

spark-deps: $(SPARK_STAMP)

test: $(STAMP) $(SPARK_STAMP)
	$(BIN)/ruff check python tests/python bench
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py --scale $(or $(SCALE),medium)

clean:
	rm -rf $(VENV) METRICS target logs .pytest_cache

# Two entry points do all set-up on a fresh machine (README):
#   make example   route the shipped example and write the six artifacts under METRICS/
#   make test      run the whole test suite (dbt unit + data tests, pytest, ruff)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: example test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

example: $(STAMP)
	$(BIN)/python -m TRAINING.orchestration.generate_routing_plan --output-dir examples/metrics --plan-output METRICS

test: $(STAMP)
	$(BIN)/ruff check python tests/python bench
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py --scale $(or $(SCALE),medium)

clean:
	rm -rf $(VENV) METRICS target logs .pytest_cache

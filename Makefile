# fm-governance — one Makefile for people and CI.
#   make run    set up .venv, build the handbook (HTML) and assess the example project
#   make test   set up .venv, lint, type-check and run the whole test suite
# Everything is installed into a fresh virtual environment (.venv) on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := examples/support-bot

.PHONY: run test lint docs pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: docs $(STAMP)
	$(BIN)/fm-governance assess $(EXAMPLE)
	$(BIN)/fm-governance check $(EXAMPLE)/fm-governance.yaml --fail-on critical
	@echo "Handbook: docs/_build/html/index.html"

docs: $(STAMP)
	$(BIN)/python -m sphinx -n -W --keep-going -b html docs docs/_build/html

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs/conf.py
	$(BIN)/ruff format --check src tests benchmarks docs/conf.py
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) docs/_build .pytest_cache .hypothesis .ruff_cache .mypy_cache

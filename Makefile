# cloudward: `make demo` scans the built-in lab account; `make test` runs the whole test suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cloudward scan --lab --output-dir cloudward-report

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/scan_lab.py
	$(BIN)/python bench/detect.py
	$(BIN)/python bench/detect_budget.py
	$(BIN)/python bench/iam.py
	$(BIN)/python bench/iam_quality.py
	$(BIN)/python bench/secrets_bench.py

clean:
	rm -rf $(VENV) cloudward-report .pytest_cache .mypy_cache .ruff_cache

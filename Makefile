# forumwatch: `make demo` and `make test` are all a newcomer needs; both set everything up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint format bench install clean system-deps

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; install Python >= 3.11 (or run make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need (poppler for PDF checks, Chromium for browser tests).
system-deps:
	@./scripts/system-deps.sh

demo: $(STAMP)
	$(BIN)/forumwatch demo

test: $(STAMP) system-deps
	$(BIN)/ruff check forumwatch tests bench
	$(BIN)/ruff format --check forumwatch tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check forumwatch tests bench
	$(BIN)/ruff format --check forumwatch tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format forumwatch tests bench
	$(BIN)/ruff check --fix forumwatch tests bench

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo-workspace .pytest_cache .mypy_cache .ruff_cache

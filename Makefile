# The two commands that matter: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python$(PYTHON_VERSION))
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: setup demo test test-spark test-faults lint bench system-deps test-deps messages clean

$(BIN)/hotich: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Cần Python $(PYTHON_VERSION) (pyenv hoặc python$(PYTHON_VERSION))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/hotich system-deps messages

# Debian packages: gettext (compiled translations) for everyone, Chromium for the page
# tests. Installed only when missing.
system-deps:
	@scripts/system-deps.sh

test-deps:
	@scripts/system-deps.sh --tests

messages: $(BIN)/hotich
	@cd hotich && ../$(BIN)/django-admin compilemessages --ignore=.venv -v 0

demo: setup
	PORT=$(PORT) $(BIN)/hotich demo --serve --port $(PORT)

lint: $(BIN)/hotich
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup test-deps lint
	scripts/test.sh

# The batch path on Spark in local mode: installs PySpark (300 MB) and needs Java 17.
test-spark: setup
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	$(BIN)/pytest -q -p no:cacheprovider -m spark tests/spark

bench: setup
	$(BIN)/python bench/run.py

# The long fault run of imports: 1,000 malformed files through the upload page and the
# worker (docs/exchange.md). FILES=… and DATABASE_URL=… change it.
FILES ?= 1000
test-faults: setup
	$(BIN)/python bench/fault_imports.py --files $(FILES) $(if $(DATABASE_URL),--database-url $(DATABASE_URL))

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache .mypy_cache

# Refuge. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
BENCH ?= all

.PHONY: help install spark demo test lint types bench check messages

help:  ## List the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / — /'

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		(echo "Refuge needs Python 3.11 or newer"; exit 1)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the pinned dependencies

SPARK_STAMP := $(VENV)/.spark-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
$(SPARK_STAMP): $(STAMP)
	@# The optional Spark extra (a large download): the suite's Spark tests need it and
	@# skip loudly without it; a failed install here does not stop the tests.
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[spark]' && touch $(SPARK_STAMP) \
		|| echo "WARNING: pyspark could not be installed; the Spark tests will be skipped"

spark: $(SPARK_STAMP)  ## Install the optional Spark extra (refuge dedupe --engine spark)

demo: install  ## Install, set up, seed demo data and serve on http://127.0.0.1:8000
	$(BIN)/refuge demo
	$(BIN)/refuge serve --host 127.0.0.1 --port 8000

test: install $(SPARK_STAMP)  ## Lint, type-check, and run the suite on SQLite, then PostgreSQL if present
	$(BIN)/python scripts/run_tests.py

lint: install  ## Ruff and bandit
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/bandit -q -c pyproject.toml -r src -lll

types: install  ## mypy strict
	$(BIN)/mypy

bench: install  ## Benchmarks: make bench [BENCH=intake|vault|console|linkage|estimate|load]
	$(BIN)/python -m bench $(BENCH)

messages: install  ## Extract translatable strings into the catalogues (needs GNU gettext)
	cd src/refuge && ../../$(BIN)/django-admin makemessages -l ru -l en --settings=refuge.config.settings.test

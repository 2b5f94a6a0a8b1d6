# Refuge. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
# requirements.lock pins every package (the installer and build backend too) with its hashes;
# `make lock` re-resolves it after a change to pyproject.toml, keeping the other versions.
LOCK_COMMAND := pip compile pyproject.toml requirements-tools.in --extra dev --generate-hashes \
	--python-version 3.11 --native-tls --custom-compile-command "make lock" -o requirements.lock
BENCH ?= all

.PHONY: help install lock spark demo format test test-fast test-spark lint types bench check messages

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / — /'

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		(echo "Refuge needs Python 3.11 or newer"; exit 1)
	$(PYTHON) -m venv $(VENV)
	# pip itself first, at the lock's version and hashes: the pip a new venv brings (23.2 with
	# Python 3.11) refuses --require-hashes on an extra (pip-audit's cachecontrol[filecache])
	# as soon as a newer release of it is published, so a clean clone would not install.
	awk '/^pip==/{p=1} p{print} p && !/\\$$/{exit}' requirements.lock > $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r $(VENV)/pip.lock
	# Every download is checked against the lock's hashes; a package missing from it fails.
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	# Refuge itself, editable, built with the locked setuptools: nothing fetched unchecked.
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the pinned dependencies (hashes checked)

lock: install  ## Re-resolve requirements.lock, with hashes, after changing pyproject.toml
	$(BIN)/uv $(LOCK_COMMAND)

SPARK_STAMP := $(VENV)/.spark-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
$(SPARK_STAMP): $(STAMP)
	@# The optional Spark extra (a large download) for `make test-spark`; a failed install
	@# here does not stop it: the Spark tests then skip loudly.
	@# Optional, so outside the hash-checked lock: the versions pyproject's `spark` extra names.
	$(BIN)/python -m pip install --quiet 'pyspark==4.3.0' 'py4j==0.10.9.9' && touch $(SPARK_STAMP) \
		|| echo "WARNING: pyspark could not be installed; the Spark tests will be skipped"

spark: $(SPARK_STAMP)  ## Install the optional Spark extra (refuge dedupe --engine spark)

demo: install  ## Install, set up, seed demo data, start the worker and serve on http://127.0.0.1:8000
	$(BIN)/refuge demo
	@# The worker runs in the background beside the web server and is stopped (by its PID)
	@# when the server ends, however it ends.
	$(BIN)/refuge worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/refuge serve --host 127.0.0.1 --port 8000

test: install  ## Lint, type-check, and run the suite on SQLite and PostgreSQL if present
	$(BIN)/python scripts/run_tests.py

# The inner loop: the tests marked `browser` or `slow` (conftest.py marks them by fixture and
# module: Chromium, crash, durability, migrations, fuzzing, seized disk) are left out.
test-fast: install  ## The inner loop: the suite on SQLite without browser and slow tests, no static checks
	DATABASE_URL= $(BIN)/pytest -n $${REFUGE_TEST_WORKERS:-2} -m "not browser and not slow"

test-spark: $(SPARK_STAMP)  ## The Spark engine's tests (about five minutes on two cores; CI runs them after make test)
	REFUGE_TEST_SPARK=1 $(BIN)/pytest -n 0 src/refuge/analysis/tests/test_linkage_febrl.py -k spark

lint: install  ## Ruff (lint and format check), the import layers (import-linter) and bandit
	$(BIN)/ruff check src tests bench scripts conftest.py
	$(BIN)/ruff format --check src tests bench scripts conftest.py
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r src -lll

format: install  ## Format the code with ruff (make lint checks it)
	$(BIN)/ruff format src tests bench scripts conftest.py

types: install  ## mypy strict
	$(BIN)/mypy

bench: install  ## Benchmarks: make bench [BENCH=intake|vault|console|linkage|estimate|load|alarms|channels]
	$(BIN)/python -m bench $(BENCH)

messages: install  ## Extract translatable strings into the catalogues (needs GNU gettext)
	cd src/refuge && ../../$(BIN)/django-admin makemessages -l ru -l en --settings=refuge.config.settings.test

# The README's two commands. Both create .venv and install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DEMO_DB ?= sqlite:///var/demo.db
export PIP_DISABLE_PIP_VERSION_CHECK=1

# In CI the store tests must also run on PostgreSQL (the machine's server, trust auth).
ifeq ($(CI),true)
CREDSTACK_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export CREDSTACK_TEST_POSTGRES_URL
endif

.PHONY: demo test install install-test lint typecheck bench serve clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# axe-core for the accessibility scan of the browser tests (package-lock.json pins it)
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility scan will skip (install Node.js and npm)"; fi

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test node_modules/.package-lock.json

## make demo: set up, seed the demo institution into SQLite, serve http://127.0.0.1:8000
demo: install
	CREDSTACK_DATABASE_URL=$${CREDSTACK_DATABASE_URL:-$(DEMO_DB)} $(BIN)/credstack demo --port $(PORT)

## make test: install what the tests need and run them all
test: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-test
	$(BIN)/mypy

bench: install-test
	$(BIN)/python bench/bench_case_import.py
	$(BIN)/python bench/bench_signing.py
	$(BIN)/python bench/bench_bulk_issue.py
	$(BIN)/python bench/bench_pathway_audit.py
	$(BIN)/python bench/bench_moderation_store.py

## make screenshots: walk each role's journey in Chromium and copy the screenshots to docs/screenshots/
screenshots: install-test
	rm -f docs/screenshots/*.png
	CREDSTACK_REQUIRE_BROWSER=1 CREDSTACK_SCREENSHOTS_TO=docs/screenshots \
		$(BIN)/python -m pytest -q tests/browser/test_journeys.py

serve: install
	CREDSTACK_DATABASE_URL=$${CREDSTACK_DATABASE_URL:-$(DEMO_DB)} $(BIN)/credstack serve --port $(PORT)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache node_modules test-artifacts

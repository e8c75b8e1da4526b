# innovation-kg — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test browser-deps lint typecheck pytest install install-dev clean bench cypher-lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: build the synthetic demo county in the embedded store and serve it on 127.0.0.1:8000
demo: install
	$(BIN)/ikg demo --store sqlite:///data/demo.sqlite --host $(HOST) --port $(PORT)

## test: lint, type-check and run the whole suite (browser tests need system Chromium)
test: install-dev browser-deps lint typecheck pytest

# Headless Chromium for the browser tests (playwright's own download does not work offline).
# and a CJK font, without which headless Chromium draws every Chinese character as a box.
browser-deps:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver) \
	  || echo "warning: could not install chromium; the browser tests will be skipped" >&2
	@fc-list :lang=zh 2>/dev/null | grep -q . || (apt-get update && apt-get install -y fonts-wqy-microhei) \
	  || echo "warning: could not install a CJK font; screenshots will show boxes for Chinese" >&2

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: an empty run must fail, not pass.
pytest: install-dev
	@$(BIN)/pytest -q -n 2 --dist loadgroup; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# Lint every Cypher statement with Neo4j's parser (make test runs it via tests/kg/test_cypher_lint.py).
CYPHER_LINT := tools/cypher-lint
$(CYPHER_LINT)/node_modules/.package-lock.json: $(CYPHER_LINT)/package-lock.json
	cd $(CYPHER_LINT) && npm ci --no-audit --no-fund --loglevel=error

cypher-lint: install-dev $(CYPHER_LINT)/node_modules/.package-lock.json
	@tmp=$$(mktemp -d); \
	$(BIN)/python -m kg.cypher --schema-json > $$tmp/schema.json && \
	$(BIN)/python -m kg.cypher --statements-json > $$tmp/statements.json && \
	node $(CYPHER_LINT)/lint.cjs $$tmp/schema.json $$tmp/statements.json; rc=$$?; rm -rf $$tmp; exit $$rc

bench: install-dev
	$(BIN)/python -m bench.store_bench --sizes 100000

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache data/demo.sqlite*

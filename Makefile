# The two commands of the README: `make run` and `make test`. Each makes its own virtual
# environment in .venv (Python >= 3.11 as `python3`, or set PYTHON=...).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= ./kg-data
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test typecheck clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/kg
	$(BIN)/pip install --quiet -e '.[test]'
	# axe-core, for the pages' accessibility test (from the npm registry; skipped without npm outside CI)
	-command -v npm >/dev/null && mkdir -p $(VENV)/axe && cd $(VENV)/axe && npm pack --silent axe-core@4 >/dev/null \
		&& tar xzf axe-core-*.tgz package/axe.min.js package/LICENSE && rm -f axe-core-*.tgz
	# Comunica, a SPARQL client that federates kg with other sources, for the federation test (npm registry)
	-command -v npm >/dev/null && mkdir -p $(VENV)/comunica && cd $(VENV)/comunica \
		&& npm install --no-audit --no-fund --silent @comunica/query-sparql@4 >/dev/null
	touch $@

## run: install, load the sample data into the embedded store, print what it holds, then serve it
## on http://$(HOST):$(PORT)/ (Ctrl-C stops it)
run: $(BIN)/kg
	$(BIN)/kg --store $(STORE) load samples/
	$(BIN)/kg --store $(STORE) stats
	$(BIN)/kg --store $(STORE) serve --host $(HOST) --port $(PORT)

## test: install the test dependencies, lint, type-check, check the import layers, run the whole test suite
test: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(STORE)

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
	touch $@

## run: install, load the sample data into the embedded store, print what it holds, then serve it
## on http://$(HOST):$(PORT)/ (Ctrl-C stops it)
run: $(BIN)/kg
	$(BIN)/kg --store $(STORE) load samples/
	$(BIN)/kg --store $(STORE) stats
	$(BIN)/kg --store $(STORE) serve --host $(HOST) --port $(PORT)

## test: install the test dependencies, type-check, run the whole test suite
test: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(STORE)

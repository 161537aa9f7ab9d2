# Two commands set everything up on a fresh machine:
#   make        install cxgraph into .venv, build the exports, say where the HTML view is
#   make test   install the test tools (and Debian's Chromium if missing), run every test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: all build install install-test browser test lint bench clean

all: build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

build: install
	$(BIN)/cxgraph build --out exports

# Browser tests drive Debian's Chromium; install it when it is missing (needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

test: install-test browser
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

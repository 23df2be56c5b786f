# Every target creates .venv and installs the project on first use, so a fresh
# machine needs only Python and pip.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint run demo bench soak clean screenshot

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

run: $(STAMP)
	$(BIN)/flashpoint run

demo: $(STAMP)
	$(BIN)/flashpoint demo

bench: $(STAMP)
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/pytest -q -m slow -p no:cacheprovider
	$(BIN)/python -m bench.soak --rounds 2000 --every 100

screenshot: $(STAMP)
	$(BIN)/python bench/screenshot.py docs/screenshot.svg

clean:
	rm -rf $(VENV) .pytest_cache

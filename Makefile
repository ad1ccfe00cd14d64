# retrostride: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run test lint typecheck pytest bench validate clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "retrostride needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

## run: set up .venv and run the main job: the web app on SQLite at http://127.0.0.1:8000
run: $(VENV)/.installed-run
	$(BIN)/retrostride serve --host 127.0.0.1 --port 8000 --insecure-cookies

## test: set up .venv with the development extras; ruff, mypy, import contracts and the whole pytest suite
test: $(VENV)/.installed-dev
	@bash tools/ensure-services.sh
	@bash tools/ensure-chromium.sh
	@bash tools/ensure-axe.sh
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

## bench: the benchmarks of bench/README.md (needs the bench extras)
bench: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench

## validate: the gait validation with its goal table (mobgap beside ours needs the bench extras),
## then every model and algorithm against every reference -> validation-report/validation.html (+ .json)
validate: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/retrostride gait validate --all
	$(BIN)/retrostride validate --report validation-report --data ../shared/data

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

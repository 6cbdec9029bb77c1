# make demo: set up and run Sportello with demo data (SQLite, no other service).
# make test: set up and run the whole test suite (lint, types, unit, API, browser).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STATIC := src/sportello/web/static/console.html

.PHONY: demo test setup system-deps run-deps frontend lint clean bench bench-compare

demo: run-deps setup
	$(BIN)/sportello demo $(DEMO_ARGS)

setup: $(BIN)/sportello frontend

$(BIN)/sportello: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(BIN)/sportello

frontend/node_modules: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch frontend/node_modules

frontend: frontend/node_modules
	cd frontend && npm run build

system-deps:
	bash scripts/install-system-deps.sh

run-deps:
	bash scripts/install-system-deps.sh run

lint: $(BIN)/sportello
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	cd frontend && npm run typecheck

# Two workers (one per core), a test file each at a time: 10 minutes instead of 15.
test: system-deps setup lint
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

bench: setup
	$(BIN)/python -m bench

# make bench-compare BASE=<commit> [ARGS="chat --rounds 3 --seconds 8 --relay"]: the scenarios
# on BASE and on this tree, interleaved, side by side (docs/benchmarks.md, "Running it").
bench-compare: setup
	flock /tmp/sportello-bench.lock $(BIN)/python -m bench compare $(BASE) $(ARGS)

clean:
	rm -rf $(VENV) frontend/node_modules src/sportello/web/static

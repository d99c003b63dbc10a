# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INSTANCE ?= instances/default/instance.yaml
OUT ?= output/default

.PHONY: run test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,stochastic]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/optimiser solve $(INSTANCE) --out $(OUT) --force

test: $(STAMP)
	$(BIN)/python -m pytest -q

# National-scale benchmark (minutes; not part of `make test`): table on screen, CSV files in
# output/bench/. BENCH_ARGS narrows it, e.g. BENCH_ARGS="--mode scales --scales 100x10".
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m optimiser.bench --out output/bench $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check optimiser models tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) output

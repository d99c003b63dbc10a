# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INSTANCE ?= instances/default/instance.yaml
OUT ?= output/default

.PHONY: run test bench lint clean properties mutate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,stochastic]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/optimiser solve $(INSTANCE) --out $(OUT) --force

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The property tests with ten times the cases, from a fresh random seed (`make test` draws
# the same cases every run): a search for new counterexamples, a few minutes.
properties: $(STAMP)
	HYPOTHESIS_PROFILE=wide $(BIN)/python -m pytest -q tests/test_properties.py tests/test_io_errors.py

# National-scale benchmark (minutes; not part of `make test`): table on screen, CSV files in
# output/bench/. BENCH_ARGS narrows it, e.g. BENCH_ARGS="--mode scales --scales 100x10".
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m optimiser.bench --out output/bench $(BENCH_ARGS)
	$(BIN)/python -m optimiser.bench --mode headroom --out output/bench/headroom
	$(BIN)/python -m optimiser.bench --mode stochastic --out output/bench

# Mutation testing (an hour or more on 2 cores): mutmut makes small deliberate errors in the
# rules, the objective, prepare.py and results.py ([tool.mutmut] in pyproject.toml) and runs
# the hand-worked and pinned-instance tests against each; then the wider property run.
# The kill rate is reported in docs/testing.md.
mutate: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run
	mkdir -p output
	$(BIN)/mutmut results --all true > output/mutants.txt || true
	$(BIN)/python -m tests.mutation_score output/mutants.txt
	$(MAKE) properties

lint: $(STAMP)
	$(BIN)/ruff check optimiser models tests examples
	$(BIN)/mypy

clean:
	rm -rf $(VENV) output

# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ./var
export LEDGER_DATA ?= $(DATA)
# Where the environment forbids bytecode files, pytest re-rewrites every test module on each run
# (about 5 s a worker); the project's own caches are fine to write.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-slow bench lint typecheck clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	# the project's own bytecode now, as pip compiles the packages it installs (a clean clone's first
	# `make test` otherwise compiles every module in each worker)
	$(BIN)/python -m compileall -q -j 0 domain ledger projections audit api demo tests/helpers
	touch $(STAMP)

# Initialise the ledger under ./var if absent, then report what verify says.
run: $(STAMP)
	$(BIN)/python -m api.run_local

# The fast tier (under a minute of wall on 2 cores): every module's behaviour in process, on SQLite,
# property tests with 10 examples or a tenth of their count (tests/helpers/examples.py). Its scratch files
# (ledgers, key files, data dirs: ~200 MB a run) go to tmpfs where the machine has one: none of them needs
# the disk, and there fsync and removing an earlier run's tree cost 8 s of CPU. The slow tier (crash tests)
# keeps the disk.
TEST_TMPDIR ?= $(shell test -d /dev/shm && test -w /dev/shm && echo /dev/shm)
test: $(STAMP)
	$(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR)) $(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

# The slow tier: crash, chaos, load, browser and long property tests, the PostgreSQL twins, and the
# tests of whole processes (a uvicorn server, the console script, a follower process, writers in
# several processes); then every property test of the fast tier again with its whole example count.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m slow
	HYPOTHESIS_PROFILE=full $(BIN)/python -m pytest -q -n 2 -p no:cacheprovider -m 'property and not slow'

bench: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache

# newsqa — `make run` sets everything up and starts the chat page; `make test` runs the tests.
# Both install exactly the versions in requirements.lock (hash-checked, no resolver run).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PIP_TOOLS := pip-tools==7.6.2
LOCK_VENV := .venv-lock

.PHONY: run test lint format lock clean

$(STAMP): $(LOCK) pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsqa serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# Re-resolve pyproject.toml's ranges to today's newest releases and write them, with hashes,
# to requirements.lock. Run after changing a dependency; commit the lock with the change.
lock:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet $(PIP_TOOLS)
	$(LOCK_VENV)/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe \
		--extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache

# newsqa — `make run` sets everything up and starts the chat page; `make test` runs the tests;
# `make test-fast` runs the tests that need no model, browser, scale extras or benchmark data.
# Both install exactly the versions in requirements.lock (hash-checked, no resolver run);
# `make test` adds the scale extras (Milvus, Ray) from requirements-scale.lock, `make run` does not.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PIP_TOOLS := pip-tools==7.6.2
LOCK_VENV := .venv-lock
SCALE_LOCK := requirements-scale.lock
SCALE_STAMP := $(VENV)/.scale-installed

.PHONY: run test test-fast bench lint format lock lock-scale clean browser screenshots

$(STAMP): $(LOCK) pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

# The scale extras (pymilvus + milvus-lite, ray[data]) for their tests: same pins as the main
# lock for every shared package, hash-checked, no resolver run.
$(SCALE_STAMP): $(STAMP) $(SCALE_LOCK)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(SCALE_LOCK)
	$(BIN)/pip check
	touch $(SCALE_STAMP)

run: $(STAMP)
	$(BIN)/newsqa serve

test: $(STAMP) $(SCALE_STAMP) browser
	$(BIN)/python -m pytest -q

# The fast tier (under a minute on two cores): no embedding model (retrieval, the composer
# and the stores run on a hashed stand-in), no browser, no Milvus/Ray, no benchmark data.
# tests/conftest.py marks each test by what it needs and fails an unmarked one that loads
# the model.
FAST := not model and not browser and not scale and not data and not slow
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "$(FAST)"

# Speed and memory benchmarks (benchmarks/, not part of the package) into docs/performance.md;
# options in BENCH, e.g. make bench BENCH="--corpus CORPUS.json --queries DEV.json --peers"
# (`python -m benchmarks --help` lists them).
BENCH ?=
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH)

# The browser tests drive Debian's chromium through Playwright (no browser download).
# Installed quietly with apt when missing; without apt or root the browser tests are skipped
# (CI sets REQUIRE_BROWSER_TESTS=1, which turns that skip into a failure). Their accessibility
# check runs axe-core, installed with npm from tests/browser/package-lock.json (pinned, hashed).
CHROMIUM := /usr/bin/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)
browser:
	@[ -x $(CHROMIUM) ] || { command -v apt-get >/dev/null \
		&& echo "installing chromium with apt (for the browser tests)…" \
		&& $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
		&& $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } \
		|| echo "chromium not installed: the browser tests will be skipped"
	@[ -f $(AXE) ] || { command -v npm >/dev/null \
		&& npm ci --prefix tests/browser --no-audit --no-fund --silent; } \
		|| echo "npm not found: the accessibility test will be skipped"

# Retake the README's screenshots of the chat page (desktop and narrow) into docs/.
screenshots: $(STAMP) browser
	$(BIN)/python -m pytest -q tests/browser --screenshots docs/screenshots

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# Re-resolve pyproject.toml's ranges to today's newest releases and write them, with hashes,
# to requirements.lock. Run after changing a dependency; commit the lock with the change.
# Extras are kept (`lxml[html_clean]==…`) and tools/lock_extras.py pins each such package
# without them too (same hashes): then a plain `pip install -r requirements.lock`, which
# resolves and checks hashes, finds every form a dependency asks for pinned (pip issue 9644).
lock:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet $(PIP_TOOLS)
	$(LOCK_VENV)/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe \
		--extra dev --no-strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK) pyproject.toml
	$(PYTHON) tools/lock_extras.py $(LOCK)
	$(MAKE) lock-scale

# The scale extras' lock, resolved with requirements.lock as constraints (shared packages keep
# its pins; requirements.lock itself is not touched).
lock-scale:
	[ -x $(LOCK_VENV)/bin/pip-compile ] || { $(PYTHON) -m venv $(LOCK_VENV) \
		&& $(LOCK_VENV)/bin/pip install --quiet $(PIP_TOOLS); }
	$(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
		--extra dev --extra scale --no-strip-extras --no-emit-index-url --no-emit-find-links \
		--constraint $(LOCK) --output-file $(SCALE_LOCK) pyproject.toml
	$(PYTHON) tools/lock_extras.py $(SCALE_LOCK)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache

# stuntsim: every install step lives here (CI starts from Python 3.11 and pip only).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
EXTRAS ?= all,test
STAMP  := $(VENV)/.installed-$(EXTRAS)
LINT_PATHS := $(wildcard src tests benchmarks scripts)

.PHONY: install demo test fuzz lint typecheck format bench browser clean vendor-three

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q -e '.[$(EXTRAS)]'
	@touch $@

install: $(STAMP)

# A user's install for the demo: the runtime extras only, no test tools (DEMO_EXTRAS).
DEMO_EXTRAS ?= all
demo:
	$(MAKE) install EXTRAS=$(DEMO_EXTRAS)
	$(VENV)/bin/stuntsim run examples/fallout-halo.toml --report build/fallout-halo.html
	@echo "report written to build/fallout-halo.html (open it: the 3-D viewer plays the HALO jump)"

# Re-fetch the vendored three.js (needs node/npm; CI does not: the file is committed).
THREE_VERSION := 0.159.0
THREE_DIR := src/stuntsim/report/vendor
vendor-three:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack -q three@$(THREE_VERSION) >/dev/null && \
	  tar xzf three-$(THREE_VERSION).tgz package/build/three.min.js package/LICENSE && \
	  cd - >/dev/null && cp $$tmp/package/build/three.min.js $(THREE_DIR)/three.min.js && \
	  cp $$tmp/package/LICENSE $(THREE_DIR)/three.LICENSE && rm -rf $$tmp && \
	  sha256sum $(THREE_DIR)/three.min.js && \
	  grep -q "$$(sha256sum $(THREE_DIR)/three.min.js | cut -d' ' -f1)" $(THREE_DIR)/README.md && \
	  echo "three.js $(THREE_VERSION): SHA-256 matches vendor/README.md" || \
	  echo "SHA-256 differs from vendor/README.md and stuntsim.report.viewer.THREE_SHA256: update both"

# Headless Chromium for the report test (Debian package; needs root). Skipped quietly elsewhere.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1) || \
	  echo "note: chromium not installed; the browser test will be skipped"; }

lint: install
	$(VENV)/bin/ruff check --no-cache $(LINT_PATHS)
	$(VENV)/bin/ruff format --no-cache --check $(LINT_PATHS)

# Static types over src/stuntsim (configuration in pyproject.toml [tool.mypy]).
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format $(LINT_PATHS)
	$(VENV)/bin/ruff check --fix $(LINT_PATHS)

test: install browser lint typecheck
	$(PY) -m pytest -q

# The long fuzz run (docs/errors.md): >= 10 000 mutated scenarios and data files.
FUZZ_SCENARIOS ?= 3000
FUZZ_DATA ?= 7000
fuzz: install
	STUNTSIM_FUZZ_SCENARIOS=$(FUZZ_SCENARIOS) STUNTSIM_FUZZ_DATA=$(FUZZ_DATA) STUNTSIM_FUZZ_REPORT=1 \
	  $(PY) -m pytest -q -s -p no:cacheprovider tests/test_fuzz.py

bench: install
	$(PIP) install -q -e '.[$(EXTRAS),bench]'
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache

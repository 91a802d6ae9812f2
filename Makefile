# Every target sets itself up in a local .venv; the install runs again only when the package metadata changes.
# `make` alone, or `make help`, lists the targets: a target is listed when its rule line ends in `## description`.
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup test test-all test-oldest lint demo docs docs-browser bench clean

help:  ## list the targets
	@echo "Targets (each sets up .venv first when it needs to):"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z][a-zA-Z_-]*:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# pip is quiet here, so say what is happening: the first install downloads JAX, Jupyter and the rest.
$(STAMP): setup.py settings.ini pyproject.toml
	@if [ -x $(PYTHON) ]; then echo "Updating .venv (the package metadata changed)"; \
	else echo "Setting up .venv (first run: a few minutes)"; fi
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev,orbax]"  # orbax only here: the oldest-JAX venv goes without it
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the package with its dev extra (editable)

test: $(STAMP)  ## run every notebook's tests (cells marked `#| slow` are skipped)
	$(VENV)/bin/nbdev_test --n_workers 2

# The oldest JAX that settings.ini allows, read from its `jax>=` requirement.
JAX_FLOOR := $(shell sed -n 's/^requirements = .*jax>=\([0-9.]*\).*/\1/p' settings.ini)
OLDEST    := .venv-oldest

test-oldest:  ## run every notebook's tests on the oldest supported JAX, in a venv of its own
	test -x $(OLDEST)/bin/python || python3 -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet -e ".[dev]" "jax==$(JAX_FLOOR)" "jaxlib==$(JAX_FLOOR)"
	$(OLDEST)/bin/nbdev_test --n_workers 2

lint: $(STAMP)  ## ruff check and ruff format --check over the notebooks, benchmarks and tools (pyproject.toml)
	$(VENV)/bin/ruff check
	$(VENV)/bin/ruff format --check

test-all: $(STAMP)  ## also run the cells marked `#| slow`
	$(VENV)/bin/nbdev_test --n_workers 2 --flags slow

demo: $(STAMP)  ## train the spiral classifier end to end and save a plot
	$(PYTHON) -m equinox.examples.spirals --out demo_output

docs: $(STAMP)  ## build the site into _docs/ and README.md from nbs/index.ipynb, then check its links and search
	$(PYTHON) tools/build_docs.py
	$(PYTHON) tools/check_docs.py

# Playwright drives the system's Chromium: `apt-get install chromium` on Debian (the check says so when it is missing).
$(VENV)/.installed-browser: $(STAMP)
	$(PYTHON) -m pip install --quiet -e ".[dev,orbax,browser]"
	touch $@

docs-browser: $(VENV)/.installed-browser  ## open the built site in headless Chromium: errors, phone width, links, search; screenshots
	test -f _docs/index.html || $(MAKE) docs
	$(PYTHON) tools/check_browser.py

bench: $(STAMP)  ## print the benchmark ratios
	$(PYTHON) benchmarks/module.py
	$(PYTHON) benchmarks/dispatch.py
	$(PYTHON) benchmarks/layers.py
	$(PYTHON) benchmarks/sharding.py

clean:  ## remove everything generated, .venv and .venv-oldest included (the next target sets up again)
	rm -rf .venv .venv-oldest _docs _screenshots _proc nbs/_proc demo_output build dist *.egg-info

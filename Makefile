# Every target sets itself up in a local .venv; the install runs again only when the package metadata changes.
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup test test-all test-oldest demo docs bench clean

$(STAMP): setup.py settings.ini
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

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

test-all: $(STAMP)  ## also run the cells marked `#| slow`
	$(VENV)/bin/nbdev_test --n_workers 2 --flags slow

demo: $(STAMP)  ## train the spiral classifier end to end and save a plot
	$(PYTHON) -m equinox.examples.spirals --out demo_output

docs: $(STAMP)  ## build the site into _docs/ and README.md from nbs/index.ipynb, then check its links and search
	$(PYTHON) tools/build_docs.py
	$(PYTHON) tools/check_docs.py

bench: $(STAMP)  ## print the benchmark ratios
	$(PYTHON) benchmarks/module.py
	$(PYTHON) benchmarks/dispatch.py
	$(PYTHON) benchmarks/layers.py

clean:
	rm -rf .venv-oldest _docs _proc nbs/_proc demo_output build dist *.egg-info

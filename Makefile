# Every target sets itself up in a local .venv; the install runs again only when the package metadata changes.
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup test test-all demo docs bench clean

$(STAMP): setup.py settings.ini
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

test: $(STAMP)  ## run every notebook's tests (cells marked `#| slow` are skipped)
	$(VENV)/bin/nbdev_test --n_workers 2

test-all: $(STAMP)  ## also run the cells marked `#| slow`
	$(VENV)/bin/nbdev_test --n_workers 2 --flags slow

demo: $(STAMP)  ## train the spiral classifier end to end and save a plot
	$(PYTHON) -m equinox.examples.spirals --out demo_output

docs: $(STAMP)  ## build the site into _docs/ and README.md from nbs/index.ipynb
	$(PYTHON) tools/build_docs.py

bench: $(STAMP)  ## print the benchmark ratios
	$(PYTHON) benchmarks/module.py
	$(PYTHON) benchmarks/dispatch.py

clean:
	rm -rf _docs _proc nbs/_proc demo_output build dist *.egg-info

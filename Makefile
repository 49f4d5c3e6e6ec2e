# The two commands of the README: `make dataset` builds the dataset, `make test` runs the tests.
# Both create the virtual environment .venv from pyproject.toml on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: dataset test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

dataset: $(STAMP)
	$(VENV)/bin/kzdiplo build

test: $(STAMP)
	$(VENV)/bin/ruff check flows tests benchmarks
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/run.py

clean:
	rm -rf $(VENV) output.rejected dist build .cache

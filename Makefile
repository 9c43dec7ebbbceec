# ecanalysis: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAMPLE := data/sample
JOBS ?= 2
comma := ,

.DEFAULT_GOAL := help
.PHONY: help install lock demo sample test test-system test-fast test-notebooks lint format bench lab clean clean-runs

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

# The development and CI install takes every version from the lock file, so that each clone
# gets the same ones; pyproject.toml keeps open ranges for pip users. `make lock` renews it.
LOCK := requirements/dev.lock
EXTRAS := dev,dask,lab

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ecanalysis needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(LOCK) -e '.[$(EXTRAS)]'
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ecanalysis)" >/dev/null
	touch $(STAMP)

install: $(STAMP) ## create .venv and install ecanalysis with all extras, at the versions of requirements/dev.lock

lock: | $(STAMP) ## regenerate requirements/dev.lock from pyproject.toml (newest versions; uv from PyPI)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml $(foreach e,$(subst $(comma), ,$(EXTRAS)),--extra $(e)) \
	    --python-version 3.11 --universal --quiet -o $(LOCK)
	@echo "wrote $(LOCK); run make install to install it"

$(SAMPLE)/stores.parquet: | $(STAMP)
	$(PY) -m ecanalysis sample $(SAMPLE)

sample: $(SAMPLE)/stores.parquet ## generate the sample dataset in data/sample (when missing)

demo: $(STAMP) sample ## install, generate the sample, run every notebook for every sample store, build runs/index.html
	$(PY) -m ecanalysis batch --workers $(JOBS)
	@echo "Open runs/index.html"

test: $(STAMP) sample ## every tier but system: unit, contract, doctest, golden, corpus, e2e, notebooks (pytest -n 2)
	$(PY) -m pytest -n $(JOBS) --dist loadgroup -q -m "not system"

test-system: $(STAMP) sample ## the system tier: kill -9, concurrency, timeouts, full disks, dask, a fresh install
	$(PY) -m pytest -n $(JOBS) --dist loadgroup -q -m system

test-fast: $(STAMP) sample ## unit, contract and doctest tiers without slow runs (about a minute)
	$(PY) -m pytest -n $(JOBS) --dist loadgroup -q -m "(unit or contract or doctest) and not slow and not browser" tests ecanalysis

test-notebooks: $(STAMP) sample ## run the stored notebooks under nbval
	$(PY) -m pytest -n $(JOBS) --dist loadgroup notebooks/ -q

lint: $(STAMP) ## ruff and output-free notebooks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/nbstripout --keep-id --verify notebooks/*.ipynb

format: $(STAMP) ## ruff format and strip notebook outputs
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/nbstripout --keep-id notebooks/*.ipynb

bench: $(STAMP) ## run the scale benchmarks (minutes; not part of make test)
	$(PY) benchmarks/run_all.py --record

lab: $(STAMP) sample ## start JupyterLab with the project kernel on notebooks/
	$(VENV)/bin/jupyter lab notebooks/

clean: ## remove caches and build files (keeps .venv, data and runs)
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +

clean-runs: ## remove runs/ (the run records)
	rm -rf runs

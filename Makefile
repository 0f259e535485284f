# Two commands on a fresh machine: `make brief` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= sources.yaml

.PHONY: brief test eval bench sysdeps install clean

brief: install
	$(BIN)/briefgen generate --config $(CONFIG)

test: install
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m briefgen.evaluate --config $(CONFIG) tests/data/labelled.yaml tests/data/heldout.yaml

install: sysdeps $(STAMP)

sysdeps:
	@bash scripts/sysdeps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the project's metadata changes; the package itself is editable.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip "setuptools>=77" wheel
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info

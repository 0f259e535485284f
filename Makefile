# Two commands on a fresh machine: `make brief` and `make test` (see README.md and docs/).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= sources.yaml

.PHONY: brief test eval bench docs sysdeps test-sysdeps install clean

brief: install
	$(BIN)/briefgen generate --config $(CONFIG)

test: install test-sysdeps
	$(BIN)/python -m pytest

# Theme accuracy (docs/themes.md): the default themes on their sets, the Korean-language sets
# apart (their held-out part where it has been added), the Red Sea example on its own, then the
# Sudan users' themes.
eval: install
	$(BIN)/briefgen themes test --summary --config $(CONFIG) tests/data/labelled.yaml tests/data/heldout.yaml \
	  tests/data/realtext/korea-dev.yaml tests/data/realtext/korea-dev2.yaml \
	  tests/data/realtext/korea-heldout.yaml tests/data/realtext/korea-heldout2.yaml \
	  tests/data/realtext/korea-heldout3.yaml tests/data/realtext/korea-heldout4.yaml \
	  tests/data/realtext/korea-heldout5.yaml tests/data/realtext/korea-heldout6.yaml \
	  tests/data/realtext/korea-heldout7.yaml tests/data/realtext/korea-heldout8.yaml \
	  tests/data/realtext/korea-heldout9.yaml tests/data/realtext/korea-heldout10.yaml \
	  tests/data/realtext/korea-heldout11.yaml tests/data/realtext/korea-heldout12.yaml \
	  tests/data/realtext/korea-heldout13.yaml tests/data/realtext/korea-heldout14.yaml \
	  tests/data/realtext/korea-heldout15.yaml tests/data/realtext/korea-heldout16.yaml \
	  tests/data/realtext/korea-heldout17.yaml tests/data/realtext/korea-heldout18.yaml \
	  tests/data/realtext/korea-heldout19.yaml tests/data/realtext/korea-heldout20.yaml \
	  tests/data/realtext/korea-heldout21.yaml tests/data/realtext/korea-heldout22.yaml \
	  tests/data/realtext/korea-heldout23.yaml tests/data/realtext/korea-heldout24.yaml
	$(BIN)/briefgen themes test --summary --config $(CONFIG) tests/data/realtext/korea-ko-dev.yaml \
	  tests/data/realtext/korea-ko-dev2.yaml tests/data/realtext/korea-ko-heldout.yaml \
	  tests/data/realtext/korea-ko-heldout2.yaml tests/data/realtext/korea-ko-heldout3.yaml \
	  tests/data/realtext/korea-ko-heldout4.yaml tests/data/realtext/korea-ko-heldout5.yaml \
	  tests/data/realtext/korea-ko-heldout6.yaml tests/data/realtext/korea-ko-heldout7.yaml \
	  tests/data/realtext/korea-ko-heldout8.yaml tests/data/realtext/korea-ko-heldout9.yaml \
	  tests/data/realtext/korea-ko-heldout10.yaml
	$(BIN)/briefgen themes test --summary --config docs/examples/red-sea.yaml \
	  tests/data/realtext/redsea-dev.yaml tests/data/realtext/redsea-dev2.yaml \
	  tests/data/realtext/redsea-heldout.yaml tests/data/realtext/redsea-heldout2.yaml \
	  tests/data/realtext/redsea-heldout3.yaml tests/data/realtext/redsea-heldout4.yaml \
	  tests/data/realtext/redsea-heldout5.yaml tests/data/realtext/redsea-heldout6.yaml \
	  tests/data/realtext/redsea-heldout7.yaml tests/data/realtext/redsea-heldout8.yaml \
	  tests/data/realtext/redsea-heldout9.yaml tests/data/realtext/redsea-heldout10.yaml \
	  tests/data/realtext/redsea-heldout11.yaml tests/data/realtext/redsea-heldout12.yaml \
	  tests/data/realtext/redsea-heldout13.yaml tests/data/realtext/redsea-heldout14.yaml \
	  tests/data/realtext/redsea-heldout15.yaml tests/data/realtext/redsea-heldout16.yaml \
	  tests/data/realtext/redsea-heldout17.yaml tests/data/realtext/redsea-heldout18.yaml \
	  tests/data/realtext/redsea-heldout19.yaml tests/data/realtext/redsea-heldout20.yaml
	# A third topic, Sudan's war: themes written by four new users from the docs alone, and a
	# naive keyword filter, on two parts none of them saw (tests/data/realtext/README.md).
	for config in tests/data/realtext/users/sudan-*.yaml; do echo; echo "$$config:"; \
	  $(BIN)/briefgen themes test --summary --config $$config \
	    tests/data/realtext/sudan-heldout.yaml tests/data/realtext/sudan-heldout2.yaml || exit $$?; \
	done
	# Names (people, organisations, places) on real text, with no gazetteer (tests/data/realtext/README.md).
	@echo
	$(BIN)/python -m tests.entityscore tests/data/realtext/entities-heldout.yaml

# The speed figures against baselines taken in the same run, medians of 5 runs (3 for the
# deployment's, which need PostgreSQL: docs/performance.md, docs/deployment.md): about
# 10 minutes; results in benchmarks/results/latest.json.
bench: install test-sysdeps
	$(BIN)/python -m benchmarks

# The configuration and CLI references from the code, and docs/brief.png from the seeds'
# PDF (docs/development.md, "Documentation"). tests/test_docs.py fails until this is run.
docs: install
	$(BIN)/python -m briefgen.docs --picture

install: sysdeps $(STAMP)

sysdeps:
	@bash scripts/sysdeps.sh

# The browser tests' Chromium, zsh and fish to check the completion scripts, and PostgreSQL
# for the shared store and the worker pool (tests/pg.py starts its own server as the
# `postgres` user). Not needed for briefs, so a failed install only skips those tests.
test-sysdeps:
	@bash scripts/sysdeps.sh chromium:chromium chromedriver:chromium-driver zsh:zsh fish:fish \
	  '/usr/lib/postgresql/*/bin/initdb:postgresql' \
	  || echo "sysdeps: chromium, zsh, fish or postgresql could not be installed; their tests will be skipped" >&2

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the project's metadata changes; the package itself is editable.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip "setuptools>=77" wheel
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info

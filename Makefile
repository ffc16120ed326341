# Build, test and demo of the hwcloud.cloud Ansible collection.
#
#   make demo    venv + collection install + simulator + examples/demo.yml twice
#   make test    lint, sanity, sanity-versions, units, pytest, integration, molecule, builder,
#                runner, release, bench-smoke, docs-commands, in two lanes at once, each step
#                timed (no step starts after a failure; STEPS_JOBS=1: one by one)
#
# Everything runs from the project's .venv (python3.11); no network except PyPI for
# `make venv` and for ansible-test's sanity virtualenvs (first run only).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON_BOOT ?= python3.11
ANSIBLE_TEST_PYTHON ?= 3.11
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements-dev
BUILD := $(CURDIR)/build

NAMESPACE := $(shell sed -n 's/^namespace: *//p' galaxy.yml | tr -d "\"' ")
NAME := $(shell sed -n 's/^name: *//p' galaxy.yml | tr -d "\"' ")
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml | tr -d "\"' ")
# Each make invocation works in its own build/run/<pid of make>/, so that two makes in
# one checkout (a developer's and CI's, say) never delete each other's files; the
# directories of makes that have ended are pruned by the next one (see `tree`).
MAKE_PID := $(shell echo $$PPID)
RUN := $(BUILD)/run/$(MAKE_PID)
# ansible-test wants the collection at .../ansible_collections/<namespace>/<name>/.
TREE := $(RUN)/ansible_collections/$(NAMESPACE)/$(NAME)
# The built collection, installed for ansible-lint, ansible-playbook and molecule.
TARBALL := $(RUN)/dist/$(NAMESPACE)-$(NAME)-$(VERSION).tar.gz
RUN_COLLECTIONS := $(RUN)/collections
# `make install`: the same, at a stable place for use by hand.
COLLECTIONS := $(BUILD)/collections

# The venv's tools first (molecule calls ansible-config, ansible-test calls python3.11).
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(RUN_COLLECTIONS)
# tools/with-sim puts each simulator's files (pid, url, logs) under $(RUN)/sim-<name>/.
export HWCLOUD_SIM_BASE := $(RUN)
export ANSIBLE_NOCOLOR ?= 1
export ANSIBLE_FORCE_COLOR ?= 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1

PYTEST_DIRS := $(wildcard tests/simulator tests/pytest)
PYTEST_ARGS ?= -n auto

.PHONY: help venv tree collection install first-run demo test lint sanity units pytest integration molecule \
        bench bench-smoke docs release clean distclean get-pip

help:
	@echo "make demo         install the collection locally and run examples/demo.yml twice against the simulator"
	@echo "make test         lint sanity sanity-versions units pytest integration molecule builder runner release bench-smoke docs-commands (two lanes, timed)"
	@echo "make venv         .venv with requirements-dev.txt (python3.11); make first-run: ansible-test's SSH key and pip bootstrap"
	@echo "make install      build the collection and install it into build/collections"
	@echo "make lint | sanity | units | pytest | integration | molecule    one step of make test"
	@echo "make bench | bench-smoke | docs | release | clean"
	@echo "make builder | runner | docs-check | sanity-all | sanity-versions    EE context, ansible-runner job, docs up to date, sanity on every Python"
	@echo "make docs-commands   README and getting-started commands as pasted in a fresh copy; make test-live: against a real account (opt-in)"

# ---------------------------------------------------------------- environment

venv: $(STAMP)

$(STAMP): requirements-dev.txt
	$(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# A clean copy of the collection (git-tracked + untracked-not-ignored files) at $(TREE),
# made once per make run (a new make has a new $(RUN)): the steps of `make test`, run by
# sub-makes bound to this run directory, share it.
TREE_DONE := $(RUN)/.tree-done
tree: $(TREE_DONE)

$(TREE_DONE):
	@for d in $(BUILD)/run/*/; do \
	    [ -d "$$d" ] || continue; pid=$$(basename "$$d"); \
	    if [ "$$pid" != "$(MAKE_PID)" ] && ! kill -0 "$$pid" 2>/dev/null; then rm -rf "$$d"; fi; \
	done
	tools/build-tree $(TREE) >/dev/null
	touch $@

# The per-user state that steps running at once would each create on a fresh machine
# (tools/first-run): ansible-test's SSH key, and its pip bootstrap script, which it would
# download from an unreachable host (tools/get_pip.py does the same offline).
first-run: venv
	tools/first-run $(BIN)/python

get-pip: first-run

# Build the collection from the clean tree, before any step writes into it, and install
# it for this make's steps; once per make run, as the tree.
COLLECTION_DONE := $(RUN)/.collection-done
collection: $(COLLECTION_DONE)

$(COLLECTION_DONE): $(STAMP) $(TREE_DONE)
	ansible-galaxy collection build --force --output-path $(RUN)/dist $(TREE)
	ansible-galaxy collection install --force --offline -p $(RUN_COLLECTIONS) $(TARBALL)
	touch $@

# ansible.cfg points ansible, ansible-doc and ansible-lint run from this directory at
# $(COLLECTIONS); elsewhere, ANSIBLE_COLLECTIONS_PATH does (as printed).
install: collection
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ansible-galaxy collection install --force --offline -p $(COLLECTIONS) $(TARBALL)
	@echo "install: hwcloud.cloud is installed in $(COLLECTIONS). Ansible is in .venv; to use both in your shell:"
	@echo "source $(VENV)/bin/activate"
	@echo "export ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS)"

# ---------------------------------------------------------------- demo

demo: install
	tools/with-sim demo tools/demo

# ---------------------------------------------------------------- test

# The steps in two lanes at once (tools/run-steps: why, and which steps share files), each a
# sub-make bound to this run's directory, so that the tree, the collection and the first-run
# state are made once, here, before anything runs in parallel. STEPS_JOBS=1: one by one.
TEST_LANES := "sanity sanity-versions units pytest builder release" \
              "lint integration molecule runner bench-smoke docs-commands"
test: first-run collection
	STEP_MAKE="$(MAKE) --no-print-directory MAKE_PID=$(MAKE_PID)" tools/run-steps $(RUN)/steps $(TEST_LANES)
	@echo "make test: all steps passed"

# The collection is installed first so that playbooks resolve hwcloud.cloud (module_defaults group).
lint: collection
	ansible-lint --offline --profile production

# No ignore entries: a sanity finding is fixed in the code, never listed away.
sanity: first-run tree
	@for f in tests/sanity/ignore-*.txt; do \
	    if [ -s "$$f" ]; then echo "sanity: $$f has entries; fix the code instead" >&2; exit 1; fi; \
	done
	cd $(TREE) && ansible-test sanity --python $(ANSIBLE_TEST_PYTHON) --color no

units: first-run tree
	@if [ -d tests/unit ] && [ -n "$$(find tests/unit -name 'test_*.py' -print -quit)" ]; then \
	    cd $(TREE) && ansible-test units --python $(ANSIBLE_TEST_PYTHON) --color no; \
	else echo "units: no tests under tests/unit"; fi

pytest: venv tree
	@if [ -n "$(PYTEST_DIRS)" ]; then \
	    PYTHONPATH=$(CURDIR)/simulator:$(RUN) python -m pytest -p no:cacheprovider -q $(PYTEST_ARGS) $(PYTEST_DIRS); \
	else echo "pytest: no tests/simulator or tests/pytest"; fi

# With a fresh simulator: writes tests/integration/integration_config.yml for it into a
# copy of the tree of its own (the other steps keep a clean one) and runs every target
# there, in two halves at once, the second in a further copy with a simulator of its own
# (see tools/run-integration; INTEGRATION_JOBS=1: one by one).
INTEGRATION_TREE := $(RUN)/integration/ansible_collections/$(NAMESPACE)/$(NAME)
integration: first-run
	tools/build-tree $(INTEGRATION_TREE) >/dev/null
	tools/with-sim integration tools/run-integration $(INTEGRATION_TREE)

molecule: collection
	tools/with-sim molecule molecule test --scenario-name default

# ---------------------------------------------------------------- extras

bench: collection
	tools/with-sim bench python tools/bench

# A few tasks of each kind (< 60 s): asserts the HTTP calls per task, leaves docs/performance.md alone.
bench-smoke: collection
	tools/with-sim bench-smoke python tools/bench --smoke

# ---------------------------------------------------------------- docs, release, AWX, EE

.PHONY: docs-commands test-live test-live-run

# Opt-in, never in make test or CI: tests/live/ against a real account (docs/testing.md).
# Without credentials it prints what it needs and exits 0, without building anything.
test-live: venv
	@status=0; python tests/live/run_live.py --plan >/dev/null || status=$$?; \
	if [ "$$status" = 3 ]; then python tests/live/run_live.py; exit 0; fi; \
	[ "$$status" = 0 ] || exit "$$status"; \
	$(MAKE) --no-print-directory test-live-run

test-live-run: collection
	python tests/live/run_live.py

# Every bash block of README.md and docs/getting-started.md, run as pasted by a new user in a
# fresh copy, after `make install` and a bare `ansible-lint` there (tools/docs_commands.py).
docs-commands: venv
	python tools/docs_commands.py

.PHONY: docs-check builder runner sanity-all sanity-versions

# Lints the plugin documentation, then writes docs/modules/<module>.md and their index
# from ansible-doc --json (tools/render_docs.py). Commit the result: make test checks it.
docs: collection
	antsibull-docs lint-collection-docs --plugin-docs $(TREE)
	rm -f docs/modules/*.md
	python tools/render_docs.py docs/modules $(NAMESPACE).$(NAME)

# The committed docs/modules/ must be what `make docs` writes now.
docs-check: collection
	antsibull-docs lint-collection-docs --plugin-docs $(TREE)
	rm -rf $(RUN)/docs-check
	python tools/render_docs.py $(RUN)/docs-check $(NAMESPACE).$(NAME) >/dev/null
	@diff -ru docs/modules $(RUN)/docs-check || { echo "docs-check: docs/modules/ is out of date: run make docs and commit it" >&2; exit 1; }
	@echo "docs-check: docs/modules/ is up to date"

# Changelog lint, changelog and AWX/EE files consistent (tests/pytest/test_release.py), docs
# up to date; then the tarball as Galaxy gets it: this run's build (from a fresh copy of the
# sources, before any step wrote into it), installed into a clean temporary path and read
# back with ansible-doc (tools/release-check), imported by galaxy-importer with no warning
# (tools/import-check), and copied to dist/.
release: docs-check collection
	antsibull-changelog lint
	python -m pytest -p no:cacheprovider -q tests/pytest/test_release.py
	tools/release-check $(CURDIR)/dist $(TARBALL)
	tools/import-check $(TARBALL)

# The execution environment's build context in build/ee (ansible-builder create from
# execution-environment.yml), checked by tools/ee-create. No image is built: there is no
# container engine here (podman build -t hwcloud-ee build/ee where there is one).
builder: collection
	tools/ee-create $(TARBALL) $(BUILD)/ee

# examples/demo.yml and docs/awx/stop_cluster.yml through ansible-runner, the way AWX runs
# a job: credentials injected by the credential type's injectors, against a fresh simulator.
runner: collection
	tools/with-sim runner python -m pytest -p no:cacheprovider -q tests/pytest/test_runner.py

# ansible-test sanity, in full, on every Python that ansible-core supports for modules and
# that is installed (3.8 .. 3.13, pyenv's included; see tools/sanity-all).
sanity-all: first-run tree
	tools/sanity-all $(TREE)

# What make test adds to `sanity`: the Python-dependent tests (compile, import) on every
# other supported Python.
sanity-versions: first-run tree
	tools/sanity-all $(TREE) --other-pythons

# Keeps the run directory of any make still running in this checkout (and its simulator).
clean:
	@for d in $(BUILD)/run/*/; do \
	    [ -d "$$d" ] || continue; pid=$$(basename "$$d"); \
	    if [ "$$pid" != "$(MAKE_PID)" ] && kill -0 "$$pid" 2>/dev/null; then echo "clean: kept $$d (make $$pid is running)"; continue; fi; \
	    for sim in "$$d"sim-*/; do [ -d "$$sim" ] && tools/sim-stop "$$sim"; done; rm -rf "$$d"; \
	done; \
	for sim in $(BUILD)/sim*/; do [ -d "$$sim" ] && tools/sim-stop "$$sim"; done; \
	if [ -d $(BUILD) ]; then find $(BUILD) -mindepth 1 -maxdepth 1 ! -name run -exec rm -rf {} +; fi
	rm -rf dist tests/output tests/integration/integration_config.yml .ansible

distclean: clean
	rm -rf $(VENV)

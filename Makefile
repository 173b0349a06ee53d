# The two commands of the README: `make demo` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# mkdocs-material 9.7+ prints an end-of-life banner on every build; the toolkit pins
# mkdocs 1.6 / material 9 on purpose (see the README), so the banner only hides real messages.
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint site serve install lock clean

# The virtual environment, rebuilt from scratch whenever the lock files change: exactly the
# pinned, hash-checked versions of requirements/test.txt (made by `make lock`, never here),
# then the toolkit itself, editable, with the locked setuptools instead of a fresh download.
$(STAMP): pyproject.toml requirements/test.txt package.json package-lock.json
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	npm ci --silent --no-audit --no-fund
	touch $(STAMP)

install: $(STAMP)

# Regenerate requirements/*.txt from pyproject.toml after changing a dependency, then commit
# them. uv resolves once for every Python from 3.11 up (--universal) with one version of each
# package for all of them (--fork-strategy fewest), and records every file's hash. Versions
# already locked are kept when they still fit; `make lock LOCK_UPGRADE=--upgrade` takes the
# newest that pyproject.toml allows. The runtime lock (nightly, deploy) reuses the test
# lock's versions. The build backend (setuptools, from [build-system]) is locked too.
LOCK_FLAGS := --universal --fork-strategy fewest --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' --quiet $(LOCK_UPGRADE)
BUILD_REQUIRES := $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
lock: $(STAMP)
	$(BUILD_REQUIRES) | $(BIN)/uv pip compile pyproject.toml - --extra test $(LOCK_FLAGS) \
	  -o requirements/test.txt
	$(BUILD_REQUIRES) | $(BIN)/uv pip compile pyproject.toml - -c requirements/test.txt \
	  $(LOCK_FLAGS) -o requirements/runtime.txt

# Both build with the engine `site_engine` in pyproject.toml names ("mkdocs" or "zensical").
site: $(STAMP)
	$(BIN)/mentorship site build --site-dir site

serve: $(STAMP)
	$(BIN)/mentorship site serve

demo: $(STAMP)
	$(BIN)/mentorship validate
	$(BIN)/python examples/seed_local_ledger.py
	$(BIN)/mentorship site build --site-dir site
	@echo
	@echo "The site is in site/. Open it with:  $(BIN)/python -m http.server -d site 8000"
	@echo "then browse http://localhost:8000/   (or run 'make serve' for live reload)."
	@echo
# The nightly flow (sync, match, invite) on the sample data, offline: only with the local
# backend, so a fork already switched to Google never sends invites from `make demo`.
	@if $(BIN)/python -c 'from mentorship.config import load_config; raise SystemExit(load_config().backend != "local")'; then \
	  $(BIN)/mentorship nightly --approval auto && \
	  echo && \
	  echo "The ledger is in .ledger/: Requests.csv, Matches.csv and Runs.csv (open them in a spreadsheet)." && \
	  echo "The invites are .ics files in .invites/ (open one in any calendar app)." && \
	  echo "The emails to students and mentors are .eml files in .outbox/ (open one in any mail program)." && \
	  echo "Run 'make demo' again: nothing is matched, invited or mailed twice."; \
	else \
	  echo "backend is not \"local\" in pyproject.toml: skipped the offline nightly run (try 'mentorship nightly --dry-run')."; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/ruff format --check scripts tests benchmarks
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf site build/zensical .ledger .invites .outbox .pytest_cache

# Summit: `make run` to try it, `make test` to prove it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Two workers: the machines have two cores (a third gains nothing: the suite is CPU-bound).
# Each worker starts its own PostgreSQL; idle workers steal queued tests at the end.
PYTEST_ARGS ?= -n 2 --dist worksteal
export FLASK_APP := summit

.PHONY: run test test-fonts lint bench install install-dev system system-test translations instance db demo \
        extract-messages clean

run: install system translations instance db demo
	@echo "Serving Summit on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# PYTHONDONTWRITEBYTECODE emptied: with it set, each of the suite's processes (the xdist
# workers, and every render, job and server process the tests start) compiled the whole app
# again (about 0.5 s of CPU each).
test: lint system-test translations test-fonts
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest $(PYTEST_ARGS)

# The fast CJK and Tibetan badge fonts the tests print with (tests/support/plugin.py), cut once
# per checkout as `make run` cuts the app's: a set-up step, not every test run's.
test-fonts: install
	$(BIN)/python -c "from pathlib import Path; from summit.services.core.fonts import \
	ensure_fast_fonts, ensure_tibetan_cut; ensure_fast_fonts(Path('.cache/fonts')); \
	ensure_tibetan_cut(Path('.cache/fonts'))"

# ruff (settings in pyproject.toml): pyflakes, pycodestyle, import order, bugbear, pyupgrade.
lint: install-dev
	$(BIN)/ruff check .

bench: install-dev system-test translations
	$(BIN)/python bench/run.py

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || scripts/system-packages.sh run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

system:
	scripts/system-packages.sh run

system-test:
	scripts/system-packages.sh test

translations: install
	$(BIN)/pybabel -q compile --use-fuzzy -d summit/translations

# Developers: refresh the catalogs after changing user-facing text.
extract-messages: install-dev
	$(BIN)/pybabel extract --ignore-dirs=".*" -F babel.cfg -k _l -k lazy_gettext -k _p:1c,2 -k lazy_pgettext:1c,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -o summit/translations/messages.pot .
	$(BIN)/pybabel update -i summit/translations/messages.pot -d summit/translations --no-fuzzy-matching
	$(BIN)/python scripts/fill_zh_hant.py

instance: install
	@test -f instance/config.py || $(BIN)/python scripts/make_instance_config.py instance/config.py

db: install instance
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask badges fonts
	$(BIN)/flask seed-demo

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

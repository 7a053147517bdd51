# Xieshang: `make run` serves the demo, `make test` runs the whole suite. Both set up
# everything they need (virtual environment, packages, database) on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock | cksum | cut -d' ' -f1)
PORT ?= 8000
VAR_DIR := $(or $(XIESHANG_VAR_DIR),var)
PYTEST_ARGS ?=
# An offline bundle (`make bundle`) carries every locked package as a wheel in wheels/:
# install from there and never ask a package index.
ifneq ($(wildcard wheels/*.whl),)
PIP_SOURCE := --no-index --find-links wheels
endif

.PHONY: install run test clauses lint format messages migrate seed clean bench bench-screening tour bundle

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(PIP_SOURCE) -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

seed: migrate
	$(BIN)/python manage.py seed_demo --profile district --if-empty

# The demo is served as production is (no debug pages, a secret key of its own kept in
# var/), over plain HTTP on this machine, and without the staff second factor (on by default
# in production), so the demo accounts log in with their password alone;
# `make run STAFF_2FA_REQUIRED=1` tries it.
STAFF_2FA_REQUIRED ?= 0
run: seed $(VAR_DIR)/secret_key
	DEBUG=0 PLAIN_HTTP=1 STAFF_2FA_REQUIRED=$(STAFF_2FA_REQUIRED) \
		SECRET_KEY_FILE=$(VAR_DIR)/secret_key PORT=$(PORT) \
		$(BIN)/python manage.py serve --port $(PORT)

$(VAR_DIR)/secret_key:
	mkdir -p $(VAR_DIR)
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

clauses: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q --clauses $(PYTEST_ARGS)

# Timing of the pages people wait on, on a fresh demo data set (PROFILE=city for larger),
# then their throughput under gunicorn with a load generator on loopback, as a share of the
# framework ceiling (bench/load.py). With DATABASE_URL=postgres://... the database is seeded
# if empty and used as it is if not: `make bench PROFILE=province DATABASE_URL=...`.
# docs/performance.md has the numbers and the other benches.
bench: install
	$(BIN)/python bench/run.py --profile $(or $(PROFILE),district)
	$(BIN)/python bench/load.py --profile $(or $(PROFILE),district)

# The public forms' screening step on a labelled corpus: spam held, genuine passed straight.
bench-screening: install
	$(BIN)/python bench/screening.py

# The README's tour: screenshots of the main pages on a desktop and a phone, from a fresh demo.
tour: install
	$(BIN)/python docs/tour/shoot.py

# One archive for a server without internet access: the application (HEAD) and a wheel of
# every locked package, in dist/ (deploy/bundle.py). Another target: PLATFORM=manylinux_2_28_aarch64
# PYVER=3.11 (packages with no wheel for it are listed; exit status 3). DIST=folder for elsewhere.
bundle: install
	$(BIN)/python deploy/bundle.py --platform "$(PLATFORM)" --python-version "$(PYVER)" --dist "$(or $(DIST),dist)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (msgfmt); the compiled .mo files are committed so that `make run`
# works without it.
messages: install
	cd xieshang && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete --no-location
	cd xieshang && ../$(BIN)/python ../manage.py compilemessages -l en -l zh_Hans

clean:
	rm -rf $(VENV) var .pytest_cache dist

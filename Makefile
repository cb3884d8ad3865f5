# Legwork: `make run` serves the demo practice, `make test` runs the whole suite.
# Both set up everything they need first (virtualenv, dependencies, browser).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.13 from PATH, else from pyenv (the versions folder on these machines).
PYTHON313 := $(shell command -v python3.13 2>/dev/null || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 2>/dev/null | tail -n 1)
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= small

.PHONY: run test install browser lint bench lock clean

$(VENV)/.installed: requirements/dev.txt
	@if [ -z "$(PYTHON313)" ]; then echo "Python 3.13 not found: install it (pyenv install 3.13) and try again."; exit 1; fi
	@echo "==> Creating the virtualenv in $(VENV) with $(PYTHON313)"
	@test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	@echo "==> Installing pinned dependencies (requirements/dev.txt)"
	@set -o pipefail; $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt 2>&1 \
	  | { grep -v "^WARNING: Location 'file:" || true; }
	@touch $@

install: $(VENV)/.installed

# Debian packages the tests drive for real (a browser, and the servers the tests start on loopback).
# Each feature adds its own line, with the reason beside it.
DEBIAN_PACKAGES := chromium

DEBIAN_PACKAGES += dovecot-imapd  # reply by email: the IMAP server its tests start

# Single sign-on: the SAML identity provider its tests start (pysaml2) signs with the xmlsec1 program.
DEBIAN_PACKAGES += xmlsec1

# Deployment: Debian's caddy for the HTTPS test behind a reverse proxy (legwork/ops/tests/test_proxy.py);
# buildah, debootstrap and podman build and run the container image without a registry or daemon (.ci/run).
DEBIAN_PACKAGES += caddy buildah debootstrap podman

# Installed when run as root and missing; otherwise the tests that need them say what to install.
browser:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "==> Installing Debian's" $$missing; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else \
	      echo "==> Not installed:" $$missing "(apt-get install them as root; the tests that need them will say so)"; \
	    fi; \
	  fi

# Links in invitations, reminders, unsubscribes and printed feeds follow the address served here,
# for the demo, the worker and the web server alike, unless SITE_ROOT is set.
# Quiet but for the sign-ins and the address: the emails the demo sends go to files in var/mail/
# (also in each person's inbox page), not between the two.
run: export SITE_ROOT ?= http://$(HOST):$(PORT)
run: export EMAIL_FILE_PATH ?= $(CURDIR)/var/mail
run: install
	@$(PY) manage.py migrate --no-input --verbosity 0
	@$(PY) manage.py createcachetable --verbosity 0
	@$(PY) manage.py demo
	@echo "==> Open http://$(HOST):$(PORT)/ (links in emails to $$SITE_ROOT; emails in var/mail/; Ctrl-C stops the server and the worker)"
	@trap 'kill 0' EXIT INT TERM; \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py worker --verbosity 0 & \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# The bench app is loaded only by its own settings, so its tests run in a second session with them.
test: install browser
	@status=0; $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	  if [ -z "$(PYTEST_ARGS)" ]; then $(PY) -m pytest --ds=legwork.bench.settings legwork/bench || status=$$?; fi; \
	  exit $$status

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy

# The scale practice goes to its own SQLite file (not the demo's) unless DATABASE_URL is set.
bench: install
	@DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3} DJANGO_SETTINGS_MODULE=legwork.bench.settings \
	  $(PY) manage.py bench --size $(SIZE)

lock:
	@$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.13 requirements/base.in -o requirements/base.txt
	@$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.13 requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) var

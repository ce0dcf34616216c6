# Two commands get a newcomer going: `make run` (the application with demo data on SQLite)
# and `make test` (the whole test suite; set DATABASE_URL=postgres://... to use PostgreSQL).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDR ?= [::]:8000

.PHONY: run serve test venv messages migrate demo lint ci bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

messages: venv
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=data >/dev/null

migrate: venv messages
	mkdir -p data
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

# Listens on [::]:8000, which on Linux answers on both IPv6 (::1) and IPv4 (127.0.0.1).
run: demo
	DEBUG=1 $(BIN)/python manage.py runserver $(ADDR)

# Production serving on this machine: gunicorn on port 8000 (IPv6 and IPv4), the task worker
# and the periodic sweeps, until Ctrl+C. Settings come from the environment (docs/deployment.md);
# without SECRET_KEY a key is made once in data/secret_key. Plain HTTP is accepted for a try on
# this machine; behind a TLS proxy set SECURE_SSL_REDIRECT=1 (see docs/deployment.md).
SERVE_ENV = ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],::1}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" \
	SECRET_KEY_FILE="$${SECRET_KEY_FILE:-data/secret_key}"
TASK_WORKERS ?= 1

data/secret_key:
	mkdir -p data
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: venv messages data/secret_key
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py serve --task-workers $(TASK_WORKERS)

test: venv messages
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy congvu bench

bench: venv
	DEBUG=1 $(BIN)/python bench/workdays.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) data

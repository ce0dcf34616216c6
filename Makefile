# Two commands get a newcomer going: `make run` (the application with demo data on SQLite)
# and `make test` (the whole test suite; set DATABASE_URL=postgres://... to use PostgreSQL).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDR ?= [::]:8000

.PHONY: run test venv messages migrate demo lint ci bench clean

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

# Two commands on a fresh machine: `make demo` and `make test`. Everything else is detail.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# The demo runs with DEBUG on (dev secret key, admin static files); production sets its own env.
DEMO_ENV := DEBUG=1

.PHONY: demo test lint format migrate seed serve clean ci

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "需要 Python 3.11 或更高版本"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: $(STAMP)
	$(DEMO_ENV) $(MANAGE) migrate --noinput

seed: migrate
	$(DEMO_ENV) $(MANAGE) loaddata fixtures/seed-liyang-xinfang-2014.json fixtures/putuo-planning-resources-2024.json
	$(DEMO_ENV) $(MANAGE) reconcile_all
	$(DEMO_ENV) $(MANAGE) demo_accounts

demo: seed
	@echo "演示站点：http://127.0.0.1:$(PORT)/   管理后台：http://127.0.0.1:$(PORT)/admin/"
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

# Tests run with DEBUG off, as production does; the key only signs test sessions.
test: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-test-only-not-a-secret} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis

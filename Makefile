# Two commands on a fresh machine: `make demo` and `make test`. Everything else is detail.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# The demo runs with DEBUG on (dev secret key, admin static files); production sets its own env.
DEMO_ENV := DEBUG=1

.PHONY: demo test lint format migrate seed serve clean ci browser-deps gates-deps bench-import bench-pages bench-deps bench-load bench-scale

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "需要 Python 3.11 或更高版本"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: $(STAMP)
	$(DEMO_ENV) $(MANAGE) migrate --noinput

seed: migrate
	$(DEMO_ENV) $(MANAGE) load_seed
	$(DEMO_ENV) $(MANAGE) reconcile_all
	$(DEMO_ENV) $(MANAGE) build_packages
	$(DEMO_ENV) $(MANAGE) demo_accounts

demo: seed
	@echo "演示站点：http://127.0.0.1:$(PORT)/   管理后台：http://127.0.0.1:$(PORT)/admin/"
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

# The browser tests drive Debian's chromium (Playwright cannot download its own browser here);
# the CJK fonts let it lay out Chinese text as a citizen's phone would. Installed when missing
# and we may (root, apt); otherwise the browser tests say how to install it.
browser-deps:
	@if ! command -v chromium >/dev/null || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	  else echo "提示：未安装 chromium，浏览器测试将跳过（apt-get install chromium fonts-noto-cjk）。"; fi; \
	fi

# The quality gates' checkers (tests/browser/test_gates.py): axe-core and the Nu HTML checker
# from the npm registry, pinned by tests/browser/gates/package-lock.json; vnu.jar runs on Java.
# npm and a JRE come from apt when missing and we may; `npm ci` reinstalls when the lock changes.
# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; Debian's is used.
GATES := tests/browser/gates
gates-deps: $(GATES)/node_modules/.installed

$(GATES)/node_modules/.installed: $(GATES)/package-lock.json
	@if ! command -v npm >/dev/null || ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm default-jre-headless; \
	  else echo "提示：未安装 npm 或 java，质量门测试将跳过（apt-get install npm default-jre-headless）。"; fi; \
	fi
	@if command -v npm >/dev/null; then \
	  cd $(GATES) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	fi

# Tests run with DEBUG off, as production does; the key only signs test sessions.
test: $(STAMP) browser-deps gates-deps
	SECRET_KEY=$${SECRET_KEY:-test-only-not-a-secret} $(BIN)/python -m pytest $(PYTEST_ARGS)

# A benchmark, not a test: 100,000 lines on the configured database (DATABASE_URL), our import
# against django-import-export's defaults and, on PostgreSQL, COPY. See bench/bench_import.py.
bench-import: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} $(BIN)/python bench/bench_import.py $(BENCH_IMPORT_ARGS)

# wrk drives the load of bench-pages; installed when missing and we may (root, apt), otherwise
# the benchmark falls back to its slower Python client and says so.
bench-deps:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "提示：未安装 wrk，将使用 Python 客户端（apt-get install wrk）。"; fi; \
	fi

# A benchmark, not a test: each public page cached and uncached against a bare view served the
# same way (gunicorn, the demo data on DATABASE_URL's PostgreSQL server). See bench/bench_pages.py.
bench-pages: $(STAMP) bench-deps
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} $(BIN)/python bench/bench_pages.py $(BENCH_ARGS)

# A benchmark, not a test: wrk with 64 connections for 30 s on the public pages, cached and
# uncached, under gunicorn (the production config) and granian, 0 errors the goal; exits non-zero
# on any error. `BENCH_ARGS="--seconds 10"` shortens it. See bench/bench_load.py.
bench-load: $(STAMP) bench-deps
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} $(BIN)/python bench/bench_load.py $(BENCH_ARGS)

# A benchmark, not a test: a generated national corpus (2,000 agencies × 5 years by default) imported
# and published through the product, its pages, admin lists, /all.csv, import and reconciliation
# against the demo data and PostgreSQL COPY. Needs DATABASE_URL's PostgreSQL. See bench/bench_scale.py.
bench-scale: $(STAMP) bench-deps
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} $(BIN)/python bench/bench_scale.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis $(GATES)/node_modules

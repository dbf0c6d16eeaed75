# lianban — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
LIANBAN := .venv/bin/lianban
APT_PACKAGES := fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium wrk python3-venv
# uv from the PATH, else a copy of our own: Debian's and Ubuntu's Python refuse `pip install`
# outside a virtual environment (PEP 668), so it goes into one under var/.
UV := $(or $(shell command -v uv 2>/dev/null),var/uv/bin/uv)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

.PHONY: messages deps system-deps python-deps demo test test-fast test-browser lint format bench fuzz audit chaos soak clean

deps: system-deps python-deps var/secret_key

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else \
	    echo "Missing system packages. Run:"; echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

python-deps:
	@[ -x "$(UV)" ] || { echo "installing uv into var/uv"; python3 -m venv var/uv && var/uv/bin/pip install --quiet 'uv>=0.5'; }
	$(UV) sync --frozen --quiet

var/secret_key:
	@mkdir -p var && umask 077 && python3 -c "import secrets; print(secrets.token_urlsafe(50))" > $@

demo: deps
	$(LIANBAN) migrate --no-input
	$(LIANBAN) demo
	@# The worker issues the demo's backlog of documents (and any queued work) while the server
	@# runs, at a lower priority: on two cores the pages stay quick while it works.
	@nice -n 10 $(LIANBAN) db_worker --backend queue --no-startup-delay --interval 2 >>var/worker.log 2>&1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "后台任务已启动（日志 var/worker.log）"; \
	  $(LIANBAN) serve 127.0.0.1:8000

# Browser tests run in a process of their own: Playwright's event loop must not be running
# where pyHanko signs (it calls asyncio.run) or where Django refuses async-unsafe calls.
test: deps
	$(UV) run --frozen pytest -n $(PYTEST_WORKERS) -q -m "not browser"
	$(UV) run --frozen pytest -p no:xdist -q -m browser

test-fast:
	$(UV) run --frozen pytest -n $(PYTEST_WORKERS) -q -m "not browser"

test-browser: deps
	$(UV) run --frozen pytest -q -m browser

lint:
	$(UV) run --frozen ruff check src tests benchmarks
	$(UV) run --frozen ruff format --check src tests benchmarks

format:
	$(UV) run --frozen ruff check --fix src tests benchmarks
	$(UV) run --frozen ruff format src tests benchmarks

bench: deps
	$(UV) run --frozen python -m benchmarks

# Schemathesis against /api/openapi.json as every role, many examples per operation and new
# ones each run (`make test` runs the same test with a few, always the same).
FUZZ_EXAMPLES ?= 100
fuzz: deps
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(UV) run --frozen pytest -n $(PYTEST_WORKERS) -q -p no:randomly tests/security/test_api_fuzz.py

# bandit over our code (its skips, each with a reason and a date, are in pyproject.toml), then
# pip-audit over the installed dependencies. pip-audit needs the OSV vulnerability database
# from the internet: where it cannot be reached the target says NOT CHECKED and does not fail
# for that reason alone; a known vulnerability, or any other error, fails it.
audit: deps
	$(UV) run --frozen bandit -c pyproject.toml -r src -q
	@out=$$($(UV) run --frozen pip-audit --skip-editable --vulnerability-service osv --progress-spinner off --timeout 20 2>&1); rc=$$?; \
	if [ $$rc -eq 0 ]; then echo "$$out"; exit 0; fi; \
	if echo "$$out" | grep -qi "known vulnerabilit"; then echo "$$out"; exit 1; fi; \
	if echo "$$out" | grep -qE "ConnectionError|ConnectTimeout|ReadTimeout|Max retries|NameResolution|Failed to establish|Network is unreachable"; then \
	  echo "$$out" | tail -n 1; \
	  echo "pip-audit: NOT CHECKED — the vulnerability database (OSV) cannot be reached from this machine."; exit 0; \
	fi; \
	echo "$$out"; exit $$rc

# Crash durability: gunicorn and a throwaway PostgreSQL killed under load (3 minutes).
chaos: deps
	$(UV) run --frozen python scripts/chaos.py

# Twenty threads on the same cases for a minute, on PostgreSQL (a test database of its own).
soak: deps
	SOAK_SECONDS=60 RELIABILITY_DB_SUFFIX=soak DATABASE_URL=$(PG_URL) $(UV) run --frozen pytest -p no:xdist -q -s tests/reliability/test_soak.py

clean:
	rm -rf var/lianban.sqlite3* var/media var/static

messages:
	cd src && ../.venv/bin/python ../manage.py makemessages -l en --no-obsolete --no-location -i "*/migrations/*"
	.venv/bin/python scripts/fill_translations.py
	cd src && ../.venv/bin/python ../manage.py compilemessages -l en

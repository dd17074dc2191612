# mkbgraph: two commands on a fresh machine.
#   make run   installs everything into .venv, loads and validates the graph, serves http://127.0.0.1:8000
#   make test  installs everything (incl. Debian's chromium for the browser tests) and runs all tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The SPARQL editor (YASGUI) comes from npm when package.json is there.
NODE_STAMP := $(if $(wildcard package.json),node_modules/.installed,)

.PHONY: install run test lint format validate stats coverage bench browser proxy libseccomp screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

node_modules/.installed: package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --ignore-scripts; else npm install --no-audit --no-fund --ignore-scripts; fi
	touch $@

install: $(STAMP) $(NODE_STAMP) libseccomp

# libseccomp (Debian's libseccomp2, present on every Debian system through apt): the query
# workers' sandbox loads it through pyseccomp and refuses to answer queries without it.
libseccomp:
	@ldconfig -p 2>/dev/null | grep -q 'libseccomp.so.2' || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq libseccomp2; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq libseccomp2; fi; }

# Debian's chromium for the Playwright browser tests (a `playwright install` download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

# Debian's nginx: the HTTP-caching tests put it, as a caching reverse proxy, in front of `mkbgraph serve`
# (the tests start and stop it themselves; the package's own service is not used).
proxy:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq nginx; fi; }

run: install
	$(BIN)/mkbgraph serve

# Coverage includes the processes the tests start (`mkbgraph serve`, its query workers): coverage's
# subprocess patch (pyproject.toml) measures them and pytest-cov combines their data.
test: install browser proxy
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/pytest --cov=src/mkbgraph --cov-report=term --cov-fail-under=85

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

validate: install
	$(BIN)/mkbgraph validate

stats: install
	$(BIN)/mkbgraph stats

coverage: install
	$(BIN)/mkbgraph coverage

# Screenshots of every page type, the phone views and the network (the browser tests, which
# otherwise write them to a temporary folder) into test-output/screenshots/ to look at.
screenshots: install browser
	MKBGRAPH_SCREENSHOTS=$(CURDIR)/test-output/screenshots $(BIN)/pytest -q -p no:cacheprovider tests/test_web_browser.py tests/test_web_tasks.py

bench: install
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache test-output bench/results

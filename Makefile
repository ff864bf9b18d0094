# `make run` (demo dashboard on :8501); `make test`, `make browser` and `make drill` (the suite in three parts).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test browser drill lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime $@

SNMP_PORT ?= 16161
# Test files run in parallel, each file in one process (its peers, ports and namespaces stay its own).
TEST_JOBS ?= 2

# The dashboard plus its probe worker as a process of its own, so checks start at once rather than
# with the first page view. With snmpsim installed (requirements-dev.txt) the demo also reads a
# simulated core switch over SNMP on 127.0.0.1:$(SNMP_PORT). Everything stops with the dashboard.
run: $(VENV)/.runtime
	@set -e; pids=""; trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	export MONEV_DEMO=$${MONEV_DEMO:-true} MONEV_WORKER_IN_APP=false MONEV_DEMO_APP_PORT=$(PORT); \
	if [ -x $(BIN)/snmpsim-command-responder ]; then \
		SNMPSIM_ALLOW_ROOT=true $(BIN)/snmpsim-command-responder --data-dir=db/reference/snmp \
			--cache-dir=data/snmpsim-cache --agent-udpv4-endpoint=127.0.0.1:$(SNMP_PORT) \
			--logging-method=null & pids="$$pids $$!"; \
		export MONEV_DEMO_SNMP_PORT=$(SNMP_PORT); \
	fi; \
	$(BIN)/python -m core.cli prepare; \
	$(BIN)/python -m probes & pids="$$pids $$!"; \
	$(BIN)/streamlit run server.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# The suite, in parallel, without the browser tests and the drills (each has its own target, and
# .ci/run runs all three): under 15 minutes on two cores.
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile -m "not drill and not browser" $(PYTEST_ARGS)

# The browser tests: the real app in Debian chromium through Playwright, in parallel by file.
browser: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile -m "browser and not drill" $(PYTEST_ARGS)

# The drills, one after another (tests marked drill: an agent in its own network namespace, ...).
drill: $(VENV)/.dev
	$(BIN)/python -m pytest -m drill $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(BIN)/python -m bench $(BENCH)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache

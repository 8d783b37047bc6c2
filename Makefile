# govopen: `make run` sets everything up and serves the site with demo data;
# `make test` checks the layers and style (`make lint`), then runs the whole test suite on SQLite and
# on a throwaway PostgreSQL cluster.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	scripts/system-deps.sh run
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} scripts/run.sh $(HOST) $(PORT)

test: setup lint
	scripts/system-deps.sh test
	scripts/test.sh

# The layers of reports/ (import-linter contracts in pyproject.toml) and ruff; `make test` runs it first.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: setup
	@echo "Benchmarks (each prints its figures; they take minutes and start their own PostgreSQL):"
	@echo "  $(PY) bench/bench_import.py        # documents per second, peak memory"
	@echo "  $(PY) bench/bench_downloads.py     # PDF first/cached, 100k-report CSV export"
	@echo "  $(PY) bench/bench_statistics.py    # statistics/compliance pages over 100k reports"
	@echo "  $(PY) bench/bench_storage.py       # database bytes per report by table (--reports 10000)"
	@echo "  $(PY) bench/bench_search.py        # search p50/p95 over 100k reports, beside raw SQL"
	@echo "  $(PY) bench/bench_pages.py         # gunicorn page speed, mixed load, bytes/report (100k; --reports 10000)"
	@echo "  $(PY) bench/bench_opencc.py        # OpenCC C++ vs pure Python on a report page"

#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian chromium for the browser tests,
# PostgreSQL for the second database run, nginx for the reverse-proxy test, LibreOffice and poppler for the
# document check), the Python packages into .venv, then lints, type-checks and runs every test: on SQLite and, at the same
# time on the other core, the database tests on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
  # the document check renders the DOCX reports to PDF (LibreOffice, Calibri's metric twin) and reads them back
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  fc-list 2>/dev/null | grep -qi carlito || need+=(fonts-crosextra-carlito)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
if command -v npm >/dev/null 2>&1; then
  # axe-core, for the accessibility checks in the browser tests; oidc-provider, for the OIDC login test
  npm install --no-audit --no-fund --silent
fi
.venv/bin/ruff check .
# The type checker (its settings and the modules' listed debt are in pyproject.toml; its cache in .mypy_cache
# makes a rerun take seconds, a cold run about 20 s of CPU)
.venv/bin/python -m mypy

# Two phases. First the tests without a browser, on both databases at once (one per core): they only need CPU.
# Then the browser tests (marked e2e) and the large-restore test (marked big, it measures phones voting during a
# restore), one database after the other, so that a served app and Chromium get
# the machine to themselves and their waits stay far from their timeouts. The PostgreSQL runs keep only the
# tests that touch a database (tests/conftest.py deselects the rest: they already ran on SQLite).
pg_url=""
if pg_url=$(bash scripts/pg_test_server.sh start 2>/dev/null); then
  trap 'bash scripts/pg_test_server.sh stop' EXIT
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL could not be started; CI must test both databases" >&2
  exit 1
else
  pg_url=""
  echo "== PostgreSQL not available here: only SQLite (CI runs both)"
fi

# pytest's exit 5 means this phase selected no test (e.g. a file given as argument has no browser test).
pytest_phase() { local status=0; "$@" || status=$?; [ "$status" -eq 5 ] && status=0; return "$status"; }

failed=()
pg_log=$(mktemp)
pg_pid=""
if [ -n "$pg_url" ]; then
  TEST_DATABASE_URL="$pg_url" pytest_phase .venv/bin/python -m pytest -p no:cacheprovider --durations=15 -m "not e2e and not big" "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
fi
echo "== Tests without a browser on the embedded default (SQLite)"
pytest_phase .venv/bin/python -m pytest --durations=15 -m "not e2e and not big" "$@" || failed+=("SQLite")
if [ -n "$pg_pid" ]; then
  pg_status=0
  wait "$pg_pid" || pg_status=$?
  echo "== Tests without a browser on PostgreSQL (ran alongside)"
  cat "$pg_log"
  [ "$pg_status" -eq 0 ] || failed+=("PostgreSQL")
fi
rm -f "$pg_log"

echo "== Browser tests and the large restore on SQLite"
pytest_phase .venv/bin/python -m pytest -p no:cacheprovider --durations=15 -m "e2e or big" "$@" || failed+=("SQLite, browser")
if [ -n "$pg_url" ]; then
  echo "== Browser tests and the large restore on PostgreSQL"
  TEST_DATABASE_URL="$pg_url" pytest_phase .venv/bin/python -m pytest -p no:cacheprovider --durations=15 -m "e2e or big" "$@" || failed+=("PostgreSQL, browser")
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "Failed: ${failed[*]}" >&2
  exit 1
fi

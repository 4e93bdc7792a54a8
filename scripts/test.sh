#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian chromium for the browser tests,
# PostgreSQL for the second database run, nginx for the reverse-proxy test, LibreOffice and poppler for the
# document check), the Python packages into .venv, then lints, type-checks and runs every test on SQLite and the
# tests that touch a database on PostgreSQL, both cores busy throughout (docs/testing.md says how and why).
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
.venv/bin/ruff format --check .
# The type checker (its settings and the modules' listed debt are in pyproject.toml; its cache in .mypy_cache
# makes a rerun take seconds, a cold run about 20 s of CPU)
.venv/bin/python -m mypy

# How the run is split, and why (figures in docs/testing.md):
# 1. The tests without a browser on SQLite, on both cores (pytest-xdist, two workers; "worksteal" keeps both busy
#    to the end although the tests take 0.01–60 s).
# 2. The same on PostgreSQL, keeping only the tests that touch a database (tests/conftest.py deselects the rest:
#    they already ran in phase 1), again on both cores. One after the other rather than side by side: each phase
#    then has both cores and neither ends with one core idle while the other database's run drags on.
# 3. The browser tests (marked e2e) on SQLite, then on PostgreSQL (not those marked once: what they check does
#    not depend on the database), two at a time: a served app and Chromium mostly wait on each other, so two
#    tests share the machine without nearing their timeouts.
# 4. The tests that need the machine to themselves (marked solo, or big: the large-restore test measures phones
#    voting during a restore; the council-room load test runs 40 browsers) one at a time on each database.
# Every test database is a copy of a template built once per worker (tests/conftest.py), and the document check
# prints each DOCX once per run (IVP_TEST_RENDER_CACHE): the PostgreSQL run finds the SQLite run's prints.
IVP_TEST_RENDER_CACHE=$(mktemp -d)
export IVP_TEST_RENDER_CACHE
trap 'rm -rf "$IVP_TEST_RENDER_CACHE"' EXIT
pg_url=""
if pg_url=$(bash scripts/pg_test_server.sh start 2>/dev/null); then
  trap 'bash scripts/pg_test_server.sh stop; rm -rf "$IVP_TEST_RENDER_CACHE"' EXIT
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL could not be started; CI must test both databases" >&2
  exit 1
else
  pg_url=""
  echo "== PostgreSQL not available here: only SQLite (CI runs both)"
fi

# pytest's exit 5 means this phase selected no test (e.g. a file given as argument has no browser test).
pytest_phase() { local status=0; "$@" || status=$?; [ "$status" -eq 5 ] && status=0; return "$status"; }
# Each phase prints its 20 slowest tests (setup, call and teardown apart).
run_tests() { pytest_phase .venv/bin/python -m pytest -p no:cacheprovider --durations=20 "$@"; }
workers=${IVP_TEST_WORKERS:-2}

failed=()
phase() {
  local name=$1 database=$2; shift 2
  echo "== $name ($(date -u +%H:%M:%S))"
  if [ "$database" = "postgresql" ]; then
    TEST_DATABASE_URL="$pg_url" run_tests "$@" || failed+=("$name")
  else
    run_tests "$@" || failed+=("$name")
  fi
}

together="not e2e and not big and not solo"
browser="e2e and not big and not solo"
alone="big or solo"
phase "Tests without a browser on SQLite" sqlite -n "$workers" --dist worksteal -m "$together" "$@"
[ -z "$pg_url" ] || phase "Tests without a browser on PostgreSQL" postgresql -n "$workers" --dist worksteal -m "$together" "$@"
phase "Browser tests on SQLite" sqlite -n "$workers" --dist worksteal -m "$browser" "$@"
[ -z "$pg_url" ] || phase "Browser tests on PostgreSQL" postgresql -n "$workers" --dist worksteal -m "$browser" "$@"
phase "Tests that need the machine alone, on SQLite" sqlite -m "$alone" "$@"
[ -z "$pg_url" ] || phase "Tests that need the machine alone, on PostgreSQL" postgresql -m "$alone" "$@"
echo "== Done ($(date -u +%H:%M:%S))"

if [ ${#failed[@]} -gt 0 ]; then
  echo "Failed: ${failed[*]}" >&2
  exit 1
fi

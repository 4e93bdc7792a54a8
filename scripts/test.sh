#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian chromium for the browser tests,
# PostgreSQL for the second database run, nginx for the reverse-proxy test, LibreOffice and poppler for the document check), the Python packages into .venv, then lints and runs every test.
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
  # axe-core, for the accessibility checks in the browser tests
  npm install --no-audit --no-fund --silent
fi
.venv/bin/ruff check .

echo "== Tests on the embedded default (SQLite)"
.venv/bin/python -m pytest "$@"

if pg_url=$(bash scripts/pg_test_server.sh start 2>/dev/null); then
  trap 'bash scripts/pg_test_server.sh stop' EXIT
  echo "== Tests on PostgreSQL"
  TEST_DATABASE_URL="$pg_url" .venv/bin/python -m pytest "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL could not be started; CI must test both databases" >&2
  exit 1
else
  echo "== PostgreSQL not available here: skipped the second run (CI runs it)"
fi

#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL server on loopback for the test run; prints its URL.
# Usage: scripts/pg_test_server.sh start|stop [DIR] [PORT]
set -euo pipefail
action=${1:-start}
dir=${2:-/tmp/ivp-pg-test}
port=${3:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed" >&2; exit 3; }
as_pg() { if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

case "$action" in
  start)
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = "0" ] && chown postgres "$dir"
      as_pg "'$bin/initdb' -D '$dir' -U postgres --auth=trust -E UTF8 >/dev/null"
    fi
    if ! as_pg "'$bin/pg_ctl' -D '$dir' status >/dev/null 2>&1"; then
    as_pg "'$bin/pg_ctl' -D '$dir' -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" -l '$dir/server.log' -w start >/dev/null"
    fi
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "'$bin/pg_ctl' -D '$dir' -m fast stop >/dev/null" || true
    ;;
esac

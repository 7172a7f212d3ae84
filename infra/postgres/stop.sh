#!/usr/bin/env bash
# Stops the local PostgreSQL cluster started by start.sh (fast shutdown: open transactions roll back).
#   PG_PORT, PG_RUN_DIR as for start.sh.   PG_STOP_MODE=immediate simulates a crash (fault tests).
set -euo pipefail
PG_PORT="${PG_PORT:-5432}"
PG_RUN_DIR="${PG_RUN_DIR:-${TMPDIR:-/tmp}/trust-fabric-pg-$PG_PORT}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$bin" ] && [ -f "$PG_RUN_DIR/data/PG_VERSION" ] || exit 0
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if as_owner "$bin/pg_ctl" -D "$PG_RUN_DIR/data" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$PG_RUN_DIR/data" -m "${PG_STOP_MODE:-fast}" -w stop >/dev/null
  echo "postgres on $PG_PORT stopped"
fi

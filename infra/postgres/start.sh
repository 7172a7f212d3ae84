#!/usr/bin/env bash
# Starts a local PostgreSQL cluster (Debian's postgresql package) for distributed mode and its
# tests: initdb into a run directory on first start, pg_ctl -w (waits until the server accepts
# connections), then the database is created if missing. Prints the DATABASE_URL on the last line.
#   PG_PORT      port on 127.0.0.1 (default 5432)
#   PG_RUN_DIR   data, socket and log (default $TMPDIR/trust-fabric-pg-$PG_PORT); kept across stop/start
#   PG_DATABASE  database to create (default trust)
# The cluster trusts local connections (a development and test cluster on loopback only); a
# production deployment points DATABASE_URL at its own server instead.
set -euo pipefail
PG_PORT="${PG_PORT:-5432}"
PG_RUN_DIR="${PG_RUN_DIR:-${TMPDIR:-/tmp}/trust-fabric-pg-$PG_PORT}"
PG_DATABASE="${PG_DATABASE:-trust}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "PostgreSQL is not installed: run 'make system-deps' (installs Debian's postgresql package)" >&2
  exit 1
fi
data="$PG_RUN_DIR/data"
# PostgreSQL refuses to run as root: as root, the cluster belongs to the 'postgres' system user.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$PG_RUN_DIR"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_RUN_DIR"
if [ ! -f "$data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$data" -U trust --auth=trust -E UTF8 --no-locale >"$PG_RUN_DIR/initdb.log" 2>&1 \
    || { cat "$PG_RUN_DIR/initdb.log" >&2; exit 1; }
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN_DIR'
max_connections = 200
shared_buffers = 128MB
CONF
fi
if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "postgres already running on 127.0.0.1:$PG_PORT"
else
  as_owner "$bin/pg_ctl" -D "$data" -l "$PG_RUN_DIR/postgres.log" -w -t "${PG_READY_TIMEOUT:-60}" start >/dev/null \
    || { tail -20 "$PG_RUN_DIR/postgres.log" >&2; exit 1; }
fi
"$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 30 || { echo "postgres on $PG_PORT is not ready" >&2; exit 1; }
if [ "$("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U trust -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]; then
  "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U trust "$PG_DATABASE"
fi
echo "postgres ready on 127.0.0.1:$PG_PORT (run dir $PG_RUN_DIR)"
echo "DATABASE_URL=postgres://trust@127.0.0.1:$PG_PORT/$PG_DATABASE"

#!/usr/bin/env bash
# Stops the registry started by start.sh (same SCHEMA_REGISTRY_PORT / SCHEMA_REGISTRY_RUN_DIR).
set -euo pipefail
PORT="${SCHEMA_REGISTRY_PORT:-8081}"
RUN_DIR="${SCHEMA_REGISTRY_RUN_DIR:-${TMPDIR:-/tmp}/trust-fabric-registry-$PORT}"
pidfile="$RUN_DIR/registry.pid"
if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  echo "schema registry stopped (pid $pid)"
fi
rm -rf "$RUN_DIR"

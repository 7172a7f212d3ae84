#!/usr/bin/env bash
# Stops the broker started by start.sh (same KAFKA_PORT / KAFKA_RUN_DIR): SIGTERM for a clean
# shutdown, SIGKILL if it has not exited after KAFKA_STOP_TIMEOUT seconds (default 30).
#   --keep-data  leave the data directory (the broker-restart fault test restarts on it)
set -euo pipefail
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_RUN_DIR="${KAFKA_RUN_DIR:-${TMPDIR:-/tmp}/trust-fabric-kafka-$KAFKA_PORT}"
pidfile="$KAFKA_RUN_DIR/kafka.pid"
keep=0
[ "${1:-}" = "--keep-data" ] && keep=1
if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    deadline=$((SECONDS + ${KAFKA_STOP_TIMEOUT:-30}))
    # Poll for the exit (a clean KRaft shutdown takes a few seconds); no fixed sleep.
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  echo "kafka stopped (pid $pid)"
fi
[ $keep -eq 1 ] || rm -rf "$KAFKA_RUN_DIR"

#!/usr/bin/env bash
# Runs a command against a live embedded Trust Fabric (`trust serve` on a free port over a fresh data
# directory), with keys made by `trust tenant add`:
#   TRUST_URL, TRUST_KEY (tenant acme, producer), TRUST_PARTNER_KEY (tenant globex, producer),
#   TRUST_ADMIN_KEY (tenant ops, admin)
# Usage: sdk/testing/with-server.sh <command...>    (TRUST_CLI overrides the CLI, default dist/)
# The server is always stopped, the data directory always removed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
read -r -a CLI <<< "${TRUST_CLI:-node $ROOT/dist/connectors/cli/main.js}"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/tf-sdk-XXXXXX")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TRUST_DATA_DIR=$DATA PORT=$PORT TRUST_SQLITE_SYNC=NORMAL "${CLI[@]}" serve >"$DATA/serve.log" 2>&1 &
PID=$!
stop() {
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap stop EXIT
export TRUST_URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
  if curl -fs "$TRUST_URL/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then echo "with-server: trust serve exited:" >&2; cat "$DATA/serve.log" >&2; exit 1; fi
  sleep 0.2
done
curl -fs "$TRUST_URL/healthz" >/dev/null || { echo "with-server: no /healthz after 60 s" >&2; cat "$DATA/serve.log" >&2; exit 1; }
key() { TRUST_DATA_DIR=$DATA "${CLI[@]}" tenant add "$1" --role "$2" | tail -n 1; }
export TRUST_KEY; TRUST_KEY=$(key acme producer)
export TRUST_PARTNER_KEY; TRUST_PARTNER_KEY=$(key globex producer)
export TRUST_ADMIN_KEY; TRUST_ADMIN_KEY=$(key ops admin)
set +e
"$@"
rc=$?
set -e
if [ $rc -ne 0 ] && [ -n "${WITH_SERVER_LOG:-}" ]; then tail -n 50 "$DATA/serve.log" >&2; fi
exit $rc

#!/usr/bin/env bash
# Starts Apicurio Registry 3 (in-memory storage) in the background and returns once it is ready and
# its global compatibility rule is BACKWARD. Its Confluent-compatible API is under /apis/ccompat/v7,
# which is what SCHEMA_REGISTRY_URL points at.
#   SCHEMA_REGISTRY_PORT      (default 8081)
#   SCHEMA_REGISTRY_RUN_DIR   pid and log (default $TMPDIR/trust-fabric-registry-$SCHEMA_REGISTRY_PORT)
#   SCHEMA_REGISTRY_HEAP      JVM heap (default 384m)
#   SCHEMA_REGISTRY_READY_TIMEOUT  seconds (default 90)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PORT="${SCHEMA_REGISTRY_PORT:-8081}"
RUN_DIR="${SCHEMA_REGISTRY_RUN_DIR:-${TMPDIR:-/tmp}/trust-fabric-registry-$PORT}"
pidfile="$RUN_DIR/registry.pid"
logfile="$RUN_DIR/registry.log"
base="http://127.0.0.1:$PORT"
ccompat="$base/apis/ccompat/v7"

if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "schema registry already running (pid $(cat "$pidfile")) at $ccompat"
  exit 0
fi
jar="$("$here/fetch.sh")"
mkdir -p "$RUN_DIR"
# In-memory H2 storage (the default): the registry holds schemas only, the log holds their ids,
# and every test run registers its schemas afresh.
setsid nohup java -Xms64m -Xmx"${SCHEMA_REGISTRY_HEAP:-384m}" -XX:+UseSerialGC \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
  -Dquarkus.log.level=WARN -Dquarkus.log.category.\"io.apicurio\".level=WARN \
  -jar "$jar" >"$logfile" 2>&1 </dev/null &
echo $! >"$pidfile"
pid="$(cat "$pidfile")"

deadline=$((SECONDS + ${SCHEMA_REGISTRY_READY_TIMEOUT:-90}))
# Probe the health endpoint until it answers 200; a short pause between probes only paces them.
until curl -sf -o /dev/null "$base/health/ready"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "schema registry exited during startup; last log lines:" >&2; tail -30 "$logfile" >&2; exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "schema registry not ready after ${SCHEMA_REGISTRY_READY_TIMEOUT:-90}s; last log lines:" >&2; tail -30 "$logfile" >&2
    "$here/stop.sh" >/dev/null 2>&1 || true; exit 1
  fi
  sleep 0.2
done

# BACKWARD compatibility for every subject, set through the Confluent-compatible API itself.
answer="$(curl -sf -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
  --data '{"compatibility":"BACKWARD"}' "$ccompat/config")"
case "$answer" in
  *BACKWARD*) ;;
  *) echo "could not set BACKWARD compatibility: $answer" >&2; "$here/stop.sh" >/dev/null 2>&1 || true; exit 1 ;;
esac
echo "schema registry ready at $ccompat (pid $pid, BACKWARD compatibility)"

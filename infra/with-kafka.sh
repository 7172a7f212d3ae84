#!/usr/bin/env bash
# Runs a command against the servers of distributed mode, fresh, on free ports: an Apache Kafka
# broker, a schema registry and a PostgreSQL cluster:
#   infra/with-kafka.sh npx jest test/kafka
# exports KAFKA_BROKERS, SCHEMA_REGISTRY_URL (the Confluent-compatible API), DATABASE_URL and, for
# the fault tests that stop and restart a server, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_RUN_DIR,
# PG_PORT and PG_RUN_DIR. Every server is always stopped afterwards; the exit code is the command's.
#   WITH_KAFKA_NO_REGISTRY=1  start no registry (the registry-less path)
#   WITH_KAFKA_NO_POSTGRES=1  start no PostgreSQL
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();})"
}

export KAFKA_PORT="$(free_port)"
export KAFKA_CONTROLLER_PORT="$(free_port)"
while [ "$KAFKA_CONTROLLER_PORT" = "$KAFKA_PORT" ]; do KAFKA_CONTROLLER_PORT="$(free_port)"; done
export KAFKA_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trust-fabric-kafka.XXXXXX")"
export SCHEMA_REGISTRY_PORT="$(free_port)"
export SCHEMA_REGISTRY_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trust-fabric-registry.XXXXXX")"
export PG_PORT="$(free_port)"
export PG_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trust-fabric-pg.XXXXXX")"

cleanup() {
  "$here/kafka/stop.sh" >/dev/null 2>&1 || true
  "$here/registry/stop.sh" >/dev/null 2>&1 || true
  "$here/postgres/stop.sh" >/dev/null 2>&1 || true
  rm -rf "$KAFKA_RUN_DIR" "$SCHEMA_REGISTRY_RUN_DIR" "$PG_RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The two JVMs start side by side: the broker and the registry do not depend on each other.
"$here/kafka/start.sh" &
kafka_job=$!
registry_job=""
if [ -z "${WITH_KAFKA_NO_REGISTRY:-}" ]; then
  "$here/registry/start.sh" &
  registry_job=$!
fi
pg_job=""
if [ -z "${WITH_KAFKA_NO_POSTGRES:-}" ]; then
  "$here/postgres/start.sh" >/dev/null &
  pg_job=$!
fi
wait $kafka_job || { echo "with-kafka: the broker did not start" >&2; exit 1; }
if [ -n "$pg_job" ]; then
  wait $pg_job || { echo "with-kafka: PostgreSQL did not start" >&2; exit 1; }
  export DATABASE_URL="postgres://trust@127.0.0.1:$PG_PORT/trust"
fi
if [ -n "$registry_job" ]; then
  wait $registry_job || { echo "with-kafka: the schema registry did not start" >&2; exit 1; }
  export SCHEMA_REGISTRY_URL="http://127.0.0.1:$SCHEMA_REGISTRY_PORT/apis/ccompat/v7"
fi
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"

"$@"
status=$?
exit $status

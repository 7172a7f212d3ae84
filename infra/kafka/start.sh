#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker in KRaft mode (broker + controller in one JVM), in the
# background, with its data under a temporary directory, and returns once it answers requests.
#   KAFKA_PORT             client listener (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener (default KAFKA_PORT + 1)
#   KAFKA_RUN_DIR          pid file, log file, config and data (default $TMPDIR/trust-fabric-kafka-$KAFKA_PORT)
#   KAFKA_HEAP             JVM heap (default 512m; the test machines are small)
#   KAFKA_READY_TIMEOUT    seconds to wait for readiness (default 90)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_RUN_DIR="${KAFKA_RUN_DIR:-${TMPDIR:-/tmp}/trust-fabric-kafka-$KAFKA_PORT}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
pidfile="$KAFKA_RUN_DIR/kafka.pid"
logfile="$KAFKA_RUN_DIR/kafka.log"

if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "kafka already running (pid $(cat "$pidfile")) on 127.0.0.1:$KAFKA_PORT"
  exit 0
fi

libs="$("$here/fetch.sh")"
mkdir -p "$KAFKA_RUN_DIR/data"
# Config and data are written fresh only when the data directory was never formatted, so a
# stop/start cycle (the broker restart fault test) keeps the log.
if [ ! -f "$KAFKA_RUN_DIR/data/meta.properties" ]; then
  cat > "$KAFKA_RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_RUN_DIR/data
num.partitions=1
# Topics come from the event catalog; a typo must not silently create one.
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.segment.bytes=67108864
PROPS
  cluster_id="$(node -e "process.stdout.write(require('crypto').randomBytes(16).toString('base64url'))")"
  java -Xmx256m -cp "$libs/*" -Dlog4j2.configurationFile="$here/log4j2.properties" \
    kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$KAFKA_RUN_DIR/server.properties" >"$logfile" 2>&1 \
    || { cat "$logfile" >&2; exit 1; }
fi

# setsid + nohup: the broker outlives the shell (and make) that started it; stop.sh ends it by pid.
setsid nohup java -Xms128m -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$libs/*" \
  kafka.Kafka "$KAFKA_RUN_DIR/server.properties" >>"$logfile" 2>&1 </dev/null &
echo $! >"$pidfile"

node "$here/wait-ready.js" "127.0.0.1:$KAFKA_PORT" "$(cat "$pidfile")" "${KAFKA_READY_TIMEOUT:-90}" "$logfile" || {
  "$here/stop.sh" >/dev/null 2>&1 || true
  exit 1
}
echo "kafka ready on 127.0.0.1:$KAFKA_PORT (pid $(cat "$pidfile"), run dir $KAFKA_RUN_DIR)"

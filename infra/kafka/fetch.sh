#!/usr/bin/env bash
# Fetches the pinned Apache Kafka broker jars from Maven Central (through Maven) into a cache outside
# the work tree, once. Prints the libs directory. Idempotent: a complete cache is reused as is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
cache="${TRUST_CACHE_DIR:-$HOME/.cache/trust-fabric}/kafka-$KAFKA_VERSION"
libs="$cache/libs"
if [ ! -f "$cache/.complete" ]; then
  echo "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $libs" >&2
  rm -rf "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  [ -f "$libs/kafka_2.13-$KAFKA_VERSION.jar" ] || { echo "kafka_2.13-$KAFKA_VERSION.jar missing after fetch" >&2; exit 1; }
  touch "$cache/.complete"
fi
echo "$libs"

#!/usr/bin/env bash
# Fetches Apicurio Registry (the whole Quarkus server, published on Maven Central as
# io.apicurio:apicurio-registry-app:<version>:tar.gz:all) through Maven into a cache outside the
# work tree, unpacks it once, and prints the path of the runnable jar. Idempotent.
set -euo pipefail
APICURIO_VERSION="${APICURIO_VERSION:-3.0.9}"
root="${TRUST_CACHE_DIR:-$HOME/.cache/trust-fabric}"
dir="$root/apicurio-$APICURIO_VERSION"
jar="$dir/apicurio-registry-app-$APICURIO_VERSION-runner.jar"
if [ ! -f "$dir/.complete" ]; then
  echo "fetching Apicurio Registry $APICURIO_VERSION from Maven Central (~110 MB, once)" >&2
  mvn -q -B dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$root/apicurio-dl" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$root/apicurio-dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$dir"
  [ -f "$jar" ] || { echo "runner jar missing after unpacking: $jar" >&2; exit 1; }
  rm -f "$root/apicurio-dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  touch "$dir/.complete"
fi
echo "$jar"

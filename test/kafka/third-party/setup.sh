#!/usr/bin/env bash
# Installs the third-party clients of the interoperability test, once, outside the work tree:
# Confluent's Python client (PyPI confluent-kafka, with its Avro serializer deps) in a venv under
# ~/.cache/trust-fabric/py-clients. kcat comes from Debian (infra/system-deps.sh). Prints the python path.
set -euo pipefail
venv="${TRUST_CACHE_DIR:-$HOME/.cache/trust-fabric}/py-clients"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import confluent_kafka.schema_registry.avro, fastavro' 2>/dev/null; then
  echo "installing confluent-kafka[avro] into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'confluent-kafka[avro,schemaregistry]>=2.6,<3' >&2
fi
echo "$venv/bin/python"

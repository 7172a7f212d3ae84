#!/usr/bin/env bash
# schemathesis against sdk/spec/openapi.yaml and the live service of with-server.sh (TRUST_URL,
# TRUST_ADMIN_KEY): every /v1 operation and /healthz, with the checks that matter here — no 5xx,
# status codes, content types and bodies as the spec says. Bounded: FUZZ_EXAMPLES per operation
# (default 25) and FUZZ_MAX_TIME seconds (default 180). A fixed seed keeps runs comparable. The stateful
# phase chains operations through the spec's OpenAPI links (draft → preview → promote, set → get, job → status).
# One worker: with two, schemathesis's threads hit CPython 3.11.7's thread-unsafe AST recursion counter
# (SystemError: AST constructor recursion depth mismatch), and its own concurrent requests make LAC
# promotions race each other (503 UNAVAILABLE "kept racing with concurrent changes").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ST=${SCHEMATHESIS:-$ROOT/sdk/python/.venv/bin/schemathesis}
REPORT=${FUZZ_REPORT_DIR:-$(mktemp -d)}
start=$(date +%s)
set +e
"$ST" run "$ROOT/sdk/spec/openapi.yaml" --url "$TRUST_URL" \
  -H "Authorization: Bearer $TRUST_ADMIN_KEY" \
  --exclude-path-regex '^/ui/' \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "${FUZZ_EXAMPLES:-25}" --max-time "${FUZZ_MAX_TIME:-180}" --seed "${FUZZ_SEED:-20261129}" \
  --phases "${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}" --workers 1 --request-timeout 30 \
  --report ndjson --report-ndjson-path "$REPORT/events.ndjson" --continue-on-failure ${FUZZ_ARGS:-}
rc=$?
set -e
echo "fuzz: schemathesis exit $rc in $(( $(date +%s) - start )) s"
exit $rc

#!/usr/bin/env bash
# The SLO rules' checks, for `make test`:
#   1. the generated rules and tests are up to date with infra/slo.yaml,
#   2. promtool check rules (syntax, PromQL),
#   3. promtool test rules (each alert fires on a synthetic burn, stays quiet on normal traffic).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bash "$here/install.sh"
cd "$root"
node -r ./test/support/swc-register.js infra/prometheus/generate.ts --check
promtool check rules infra/prometheus/slo-rules.yml infra/prometheus/instance-rules.yml infra/prometheus/drill/slo-rules.yml
promtool test rules infra/prometheus/tests/*.test.yml

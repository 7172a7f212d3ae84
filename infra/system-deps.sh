#!/usr/bin/env bash
# Debian packages the tests need, installed once on a fresh machine (idempotent, quiet when present):
#   chromium   headless page tests (playwright-core drives /usr/bin/chromium)
#   prometheus promtool for the alert-rule tests, and the server for the live alert-path test
#   prometheus-alertmanager  the live alert-path test and `make drill` (infra/observe/)
#   kcat       a third-party Kafka client in the distributed-mode tests
#   openjdk-17-jdk-headless, maven  the Kafka broker and the schema registry (usually preinstalled)
#   postgresql the store of record of distributed mode (a local cluster per test run, infra/postgres)
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v promtool >/dev/null || need+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
command -v kcat >/dev/null || need+=(kcat)
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

#!/usr/bin/env bash
# Installs Debian's `prometheus` and `prometheus-alertmanager` when missing (idempotent; root or sudo).
# The packages' own services are not used: infra/observe/stack.ts starts private instances.
set -euo pipefail
need=()
[ -x /usr/bin/prometheus ] || need+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "installed ${need[*]}"

#!/usr/bin/env bash
# Installs Debian's `prometheus` package (prometheus + promtool) when promtool is missing.
# Idempotent; needs root (as on the project's machines and CI). The package's own service is
# not wanted here: tests only use promtool, so a server the package may have started is stopped.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v promtool >/dev/null 2>&1 || { echo "promtool still missing after apt-get install prometheus" >&2; exit 1; }
echo "installed $(promtool --version 2>&1 | head -1)"

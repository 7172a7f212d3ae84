#!/usr/bin/env bash
# Debian packages `npm ci` needs to build native addons from source, installed when missing (quiet
# when present): @confluentinc/kafka-javascript compiles librdkafka and, with CKJS_LINKING=dynamic
# (the Makefile's default), links it against Debian's OpenSSL and zlib, so their headers must be
# there (libssl-dev, zlib1g-dev); g++, make and python3 (node-gyp) come with this kind of machine.
set -euo pipefail
need=()
for pkg in libssl-dev zlib1g-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing Debian packages for the native build: ${need[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

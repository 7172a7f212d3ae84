#!/usr/bin/env bash
# `make zk-keys`: compile the ZK-TX circuits (circom2 --O2 on circomlib), run a DEVELOPMENT
# powers of tau + Groth16 setup, and write the artifacts with their sha256 hashes to
# streams/zk/circuits/build/. The artifacts are committed: the setup takes minutes.
#
# A development setup is not a production ceremony: the toxic waste of the entropy below is
# known to whoever ran this script. For production, pass PTAU=<file> from a public ceremony
# (e.g. the Hermez/Polygon powersOfTau28_hez_final_15.ptau) and a phase-2 contribution per party
# (see docs/zk.md).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=../../..
SNARKJS="node $ROOT/node_modules/snarkjs/build/cli.cjs"
POWER=${POWER:-15}
OUT=build
TMP=${TMPDIR:-/tmp}/trust-zk-keys
mkdir -p "$OUT" "$TMP"
CIRCUITS=${CIRCUITS:-"check batch4"}

if [ -n "${PTAU:-}" ]; then
  cp "$PTAU" "$TMP/final.ptau"
elif [ ! -f "$TMP/final_$POWER.ptau" ]; then
  echo "zk-keys: development powers of tau 2^$POWER (not a ceremony)"
  $SNARKJS powersoftau new bn128 "$POWER" "$TMP/pot0.ptau"
  $SNARKJS powersoftau contribute "$TMP/pot0.ptau" "$TMP/pot1.ptau" --name="trust-fabric dev" -e="trust-fabric development entropy $(date +%s%N)"
  $SNARKJS powersoftau prepare phase2 "$TMP/pot1.ptau" "$TMP/final_$POWER.ptau"
  cp "$TMP/final_$POWER.ptau" "$TMP/final.ptau"
else
  cp "$TMP/final_$POWER.ptau" "$TMP/final.ptau"
fi

for c in $CIRCUITS; do
  echo "zk-keys: $c"
  # circom2 runs under WASI with the working directory as its only preopened root: compile from the repository root
  ( cd "$ROOT" && mkdir -p .tmp/zk-build && node node_modules/circom2/cli.js "streams/zk/circuits/$c.circom" --r1cs --wasm --O2 -l node_modules/circomlib/circuits -o .tmp/zk-build ) | grep -E "constraints|wires" | tee "$TMP/$c.info"
  cp "$ROOT/.tmp/zk-build/$c.r1cs" "$TMP/$c.r1cs"
  rm -rf "$TMP/${c}_js" && cp -r "$ROOT/.tmp/zk-build/${c}_js" "$TMP/${c}_js"
  $SNARKJS groth16 setup "$TMP/$c.r1cs" "$TMP/final.ptau" "$TMP/${c}_0.zkey"
  $SNARKJS zkey contribute "$TMP/${c}_0.zkey" "$OUT/$c.zkey" --name="trust-fabric dev phase2" -e="trust-fabric phase2 $(date +%s%N)"
  $SNARKJS zkey export verificationkey "$OUT/$c.zkey" "$OUT/$c.vkey.json"
  cp "$TMP/${c}_js/$c.wasm" "$OUT/$c.wasm"
  grep -E "non-linear constraints" "$TMP/$c.info" | sed -E 's/.*: *//' > "$OUT/$c.constraints"
done

# Hashes of everything the prover and the verifiers load (checked by the tests and served as vkHash).
( cd "$OUT" && sha256sum *.wasm *.zkey *.vkey.json *.constraints > SHA256SUMS )
cat "$OUT/SHA256SUMS"

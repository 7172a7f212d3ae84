# ZK-TX targets (the Makefile includes infra/make/*.mk).
#   make zk-keys    compile the circuits (circom2 --O2), development powers of tau 2^15 + Groth16 setup,
#                   artifacts and their sha256 into streams/zk/circuits/build (committed; takes minutes).
#                   PTAU=<ceremony .ptau> uses a production powers of tau instead (docs/zk.md).
#   make zk-vectors regenerate sdk/spec/vectors/{selectors,groth16}.json from the committed keys
#   make bench-zk   planner vs FIFO at stepped arrival rates, prover pipeline vs a raw snarkjs loop
# The ZK tests are plain jest suites (make test-unit).
.PHONY: zk-keys zk-vectors bench-zk

zk-keys: install
	bash streams/zk/circuits/build-keys.sh

zk-vectors: install
	node -r ./test/support/swc-register.js streams/zk/vectors.ts
	node -r ./test/support/swc-register.js streams/zk/groth16-vectors.ts

bench-zk: install
	node -r ./test/support/swc-register.js bench/zk/bench-zk.ts

BENCHES += bench-zk

#   make bench-zk-instances  one distributed-mode instance vs two on one PostgreSQL (each its own process with
#                            one native prover process), the same proof jobs at the same rate: ratios.two_vs_one_prover_instance.
#                            Starts its own PostgreSQL (and a broker the instances do not use) on free ports.
.PHONY: bench-zk-instances
bench-zk-instances: install zk-native
	WITH_KAFKA_NO_REGISTRY=1 bash infra/with-kafka.sh node -r ./test/support/swc-register.js bench/zk/bench-zk-instances.ts

BENCHES += bench-zk-instances

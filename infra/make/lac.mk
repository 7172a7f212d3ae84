# LAC targets (the Makefile includes infra/make/*.mk).
.PHONY: bench-lac lac-corpus

# Compiled vs interpreted decision latency, decide API throughput, blast-radius preview over 1M decisions.
bench-lac: install
	node -r ./test/support/swc-register.js bench/lac/run.ts

# Regenerate the red-team corpus (seeded) under streams/lac/corpus/cases.
lac-corpus: install
	node -r ./test/support/swc-register.js streams/lac/corpus/generate.ts

BENCHES += bench-lac

# PCQ make targets (the Makefile includes infra/make/*.mk).
.PHONY: eval-triage train-triage bench-pcq

# Accuracy, per-class precision/recall and the confusion matrix of the committed triage model on the validation split (fails below 90%).
eval-triage: install
	node -r ./test/support/swc-register.js streams/pcq/triage/eval-run.ts

# Train the next model version; OVERRIDES=overrides.jsonl (from GET /v1/pcq/overrides) adds people's corrections.
train-triage: install
	node -r ./test/support/swc-register.js streams/pcq/triage/train-run.ts --version $${VERSION:-pcq-triage-v2} $${OVERRIDES:+--overrides $$OVERRIDES}

# 1,000 fixtures × 5 releases × 2 runtimes through HTTP ingest to checks, labels and the timeline page (target < 30 s).
bench-pcq: install
	node -r ./test/support/swc-register.js bench/pcq/run.ts

BENCHES += bench-pcq

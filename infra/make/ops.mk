# Operations targets (SLO rules, load, chaos); the Makefile includes infra/make/*.mk.
.PHONY: slo-rules test-slo-rules load chaos-kill chaos-kafka

# Regenerate the Prometheus rules and their promtool tests after editing infra/slo.yaml.
slo-rules: install
	node -r ./test/support/swc-register.js infra/prometheus/generate.ts

# Generated files up to date, promtool check rules, promtool test rules (installs Debian's prometheus when missing).
test-slo-rules: install
	bash infra/prometheus/test.sh

TEST_EXTRA += test-slo-rules

# Step-load 300 → 360 rps on a `trust serve` the script starts (or TRUST_URL + TRUST_KEY); last line is the bench JSON.
load: build
	node -r ./test/support/swc-register.js infra/load/step-load.ts

# Chaos drills (each prints its figures and a last JSON line; reports under infra/chaos/reports/).
chaos-kill: build
	node -r ./test/support/swc-register.js infra/chaos/kill-restart.ts

chaos-kafka: build
	node -r ./test/support/swc-register.js infra/chaos/kafka-broker-stop.ts

# The live alert path (issue 19): Prometheus + Alertmanager from Debian's packages, drills.
#   make observe-up     Prometheus on PROMETHEUS_PORT (9090) scraping the service at TRUST_URL (http://127.0.0.1:$PORT),
#                       Alertmanager on ALERTMANAGER_PORT (9093) posting to its webhook; OBSERVE_PROFILE=live|drill
#   make observe-down   stops both and removes their temporary directory
#   make drill          the error-burst, latency-burst and kill-restart drills, each on a fresh service + stack;
#                       last line is one JSON line (DRILLS, DRILL_RPS, DRILL_ERROR_RATIO, DRILL_LATENCY_RATIO,
#                       DRILL_DOWN_MS: see infra/chaos/drill-main.ts)
#   make test-observe   the alert-path test (real Prometheus + Alertmanager, drill profile), part of make test
.PHONY: observe-deps observe-up observe-down drill test-observe

observe-deps:
	bash infra/observe/install.sh

observe-up: install observe-deps
	node -r ./test/support/swc-register.js infra/observe/stack.ts up

observe-down: install
	node -r ./test/support/swc-register.js infra/observe/stack.ts down

drill: build observe-deps
	node -r ./test/support/swc-register.js infra/chaos/drill-main.ts

# The service under test runs from the sources (TRUST_FROM_SOURCES), so the test never drives a stale dist/.
test-observe: install observe-deps
	TRUST_OBSERVE_LIVE=1 TRUST_FROM_SOURCES=1 $(NODE_BIN)/jest --ci -i infra/observe

TEST_EXTRA += test-observe

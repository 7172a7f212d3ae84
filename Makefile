# Trust Fabric. Two commands do everything on a fresh machine:
#   make run    install, build, start the service on the embedded log (PORT, default 8080)
#   make test   install, start what the tests need (Kafka, schema registry), run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_BIN := node_modules/.bin
# The service's V8 flags: a 64 MB young generation. The relay and group commits keep a round of records
# alive across awaits; with V8's default (16 MB) they are promoted and collected again, and the relay
# measured 0.61-0.72 of a plain producer against 0.67-0.78 with it (docs/kafka.md). Also used by
# infra/load/service-process.ts (SERVICE_NODE_FLAGS) and the benches that run the relay in-process.
export SERVICE_NODE_FLAGS := --max-semi-space-size=64
TRUST := node $(SERVICE_NODE_FLAGS) dist/connectors/cli/main.js
export TRUST_DATA_DIR ?= $(CURDIR)/.data

# Suites and targets other areas add (Kafka, Prometheus rules, SDKs): each file may append to TEST_EXTRA and BENCHES.
TEST_EXTRA :=
BENCHES := bench-log
-include infra/make/*.mk

.PHONY: help install build run serve demo test test-unit typecheck check-layers bench clean system-deps schema-types test-extra

help:
	@echo "make run        install, build and start the service (embedded log, http://127.0.0.1:$${PORT:-8080})"
	@echo "make test       every test (starts Kafka and the schema registry for the distributed-mode tests)"
	@echo "make demo       load the demo data set and print a demo key"
	@echo "make bench      every benchmark (bench-log, bench-kafka, bench-pcq, bench-lac, bench-zk)"

# @confluentinc/kafka-javascript (the service's Kafka client) compiles librdkafka from its bundled
# source when no prebuilt binary can be downloaded (none can here). Its default static build also
# downloads the sources of zlib, OpenSSL, zstd and curl, which fails without that network; linked
# dynamically it uses Debian's libssl and zlib instead (a plain `npm ci` needs the same variable;
# infra/build-deps.sh installs their headers when missing).
export CKJS_LINKING ?= dynamic

# npm ci only when the lock file changed since the last install.
node_modules/.install-stamp: package.json package-lock.json
	bash infra/build-deps.sh
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp

dist/.build-stamp: node_modules/.install-stamp $(shell find schemas streams projections application connectors bench -name '*.ts' -o -name '*.avsc' -o -name '*.json' 2>/dev/null | grep -v node_modules)
	rm -rf dist
	$(NODE_BIN)/tsc -p tsconfig.build.json
	@# Data the code reads next to itself (catalogs, tolerance tables, models, bundles, circuit artifacts).
	find schemas streams projections application connectors -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.avsc' -o -name '*.wasm' -o -name '*.zkey' \) -not -name 'tsconfig*' | xargs cp --parents -t dist
	chmod +x dist/connectors/cli/main.js
	@touch $@

build: dist/.build-stamp

run: build
	$(TRUST) serve

serve: run

demo: build
	$(TRUST) demo

typecheck: install
	$(NODE_BIN)/tsc -p tsconfig.json --noEmit

# The layers of DESIGN.md, imports pointing down (rules: .dependency-cruiser.cjs).
check-layers: install
	$(NODE_BIN)/depcruise --config .dependency-cruiser.cjs schemas streams projections application connectors examples

# Unit and integration tests on the embedded log (no broker needed).
test-unit: install
	$(NODE_BIN)/jest --ci

# Debian packages the tests use (Chromium, promtool, kcat, JDK, Maven): installed when missing.
system-deps:
	bash infra/system-deps.sh

test: install system-deps typecheck check-layers build test-unit test-extra
	@echo "make test: all suites passed"

test-extra: $(TEST_EXTRA)

bench-log: build
	node dist/bench/log/bench-log.js

bench: $(BENCHES)

clean:
	rm -rf dist node_modules .data


# Regenerate TypeScript payload types after changing an Avro schema.
schema-types: install
	node -r ./test/support/swc-register.js schemas/generate-types.ts

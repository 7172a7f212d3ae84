# SDKs (sdk/): the merged OpenAPI spec, the TypeScript, Python and Go SDKs, their parity, quickstarts and fuzzing.
#   make sdk-spec         regenerate sdk/spec/openapi.yaml from sdk/spec/parts/*.yaml
#   make sdk-parity       spec up to date + every SDK's public surface = the spec's operations (and each other's)
#   make test-sdk-ts      the server-vs-spec conformance test (ajv) and the TypeScript SDK's tests
#   make test-sdk-python  pytest against a live `trust serve` (venv in sdk/python/.venv)
#   make test-sdk-go      go test against a live `trust serve`
#   make quickstarts      the code of each sdk/<lang>/QUICKSTART.md, end to end against a live `trust serve`
#   make fuzz             schemathesis against the spec and a live `trust serve` (FUZZ_EXAMPLES, FUZZ_MAX_TIME)
.PHONY: sdk-spec sdk-python-env sdk-parity test-sdk-ts test-sdk-python test-sdk-go quickstarts fuzz test-sdk

SDK_VENV := sdk/python/.venv
WITH_SERVER := bash $(CURDIR)/sdk/testing/with-server.sh

$(SDK_VENV)/.stamp: sdk/python/pyproject.toml
	python3 -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/pip install -q --disable-pip-version-check -e 'sdk/python[test,fuzz]'
	@touch $@

sdk-python-env: $(SDK_VENV)/.stamp

sdk-spec: install
	node sdk/spec/merge.js

sdk-parity: install sdk-python-env
	node sdk/spec/parity.js

test-sdk-ts: install
	$(NODE_BIN)/tsc -p sdk/ts/tsconfig.json --noEmit
	$(NODE_BIN)/jest -c sdk/jest.config.js --ci

test-sdk-python: build sdk-python-env
	cd sdk/python && $(WITH_SERVER) .venv/bin/pytest -q

test-sdk-go: build
	cd sdk/go && go vet ./... && $(WITH_SERVER) go test -count=1 ./...

# Each quickstart on its own fresh server, like a new user (no proof cached by an earlier run).
quickstarts: build sdk-python-env
	@for lang in ts python go; do $(WITH_SERVER) node sdk/testing/run-quickstarts.js $$lang || exit 1; done

fuzz: build sdk-python-env
	$(WITH_SERVER) bash sdk/testing/fuzz.sh

test-sdk: sdk-parity test-sdk-ts test-sdk-python test-sdk-go quickstarts fuzz

TEST_EXTRA += sdk-parity test-sdk-ts test-sdk-python test-sdk-go quickstarts fuzz

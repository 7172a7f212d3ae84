# The console (issue 16): Preact + TypeScript under console/, built by Vite into console/dist, served
# by the service under /ui. `make build` builds it too; `make console` alone rebuilds only it.
.PHONY: console console-typecheck

CONSOLE_SOURCES := $(shell find console/src -type f 2>/dev/null) console/index.html console/vite.config.ts console/tsconfig.json

console/dist/.build-stamp: node_modules/.install-stamp $(CONSOLE_SOURCES)
	$(NODE_BIN)/tsc -p console/tsconfig.json --noEmit
	$(NODE_BIN)/vite build console
	@touch $@

console: console/dist/.build-stamp

console-typecheck: install
	$(NODE_BIN)/tsc -p console/tsconfig.json --noEmit

build: console
typecheck: console-typecheck
# The console's journeys (test/console) run in test-unit and need the built app.
test-unit: console

# Each console page's time to render in Chromium with the bench-pcq data set (1,000 fixtures × 5 releases); target < 1 s.
bench-console: console
	node -r ./test/support/swc-register.js bench/console/render.ts

BENCHES += bench-console
.PHONY: bench-console

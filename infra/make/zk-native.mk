# The native ZK-TX prover (native/zk-prover: Rust, arkworks from crates.io). The Makefile includes infra/make/*.mk.
#   make zk-native         cargo build --release (cargo's own cache: a no-op when nothing changed; progress shown).
#                          A clean build takes about 4-5 minutes on 2 busy cores (docs/zk.md); PROFILE=dist builds
#                          the fat-LTO profile instead (about 7 minutes, for a production image).
#   make run               builds it in the foreground when it is already built once (seconds), else in the
#                          background (log: $(TRUST_DATA_DIR)/zk-native-build.log) while snarkjs proves; the
#                          service's provers switch to it when the binary appears.
#   make test              builds it first: the ZK tests prove natively.
# No Rust toolchain: `make run` says how to install one and proves with snarkjs; `make zk-native` fails saying so.
.PHONY: zk-native zk-native-run zk-native-clean

ZK_NATIVE_DIR := native/zk-prover
ZK_NATIVE_BIN := $(ZK_NATIVE_DIR)/target/release/trust-zk-prover
CARGO ?= $(shell command -v cargo 2>/dev/null || ls $(HOME)/.cargo/bin/cargo 2>/dev/null)
PROFILE ?= release
define ZK_NO_RUST
the native ZK prover needs a Rust toolchain (cargo) and none was found.
  Install one with rustup:  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  then open a new shell (or: source $$HOME/.cargo/env) and run make again.
  Without it the service proves with snarkjs (TRUST_ZK_PROVER=snarkjs), several times slower.
endef
export ZK_NO_RUST

zk-native:
	@if [ -z "$(CARGO)" ]; then echo "make zk-native: $$ZK_NO_RUST" >&2; exit 1; fi
	@echo "zk-native: cargo build --profile $(PROFILE) in $(ZK_NATIVE_DIR) (a no-op when up to date; a clean build takes minutes)"
	cd $(ZK_NATIVE_DIR) && $(CARGO) build --locked --profile $(PROFILE)
	@if [ "$(PROFILE)" != release ]; then cp $(ZK_NATIVE_DIR)/target/$(PROFILE)/trust-zk-prover $(ZK_NATIVE_BIN).tmp && mv $(ZK_NATIVE_BIN).tmp $(ZK_NATIVE_BIN); fi

# make run: never keeps a newcomer waiting for the first clean build.
zk-native-run:
	@if [ -z "$(CARGO)" ]; then echo "make run: $$ZK_NO_RUST" >&2; \
	elif [ -x $(ZK_NATIVE_BIN) ]; then cd $(ZK_NATIVE_DIR) && $(CARGO) build --locked --release; \
	else mkdir -p "$(TRUST_DATA_DIR)"; \
	  echo "make run: building the native ZK prover in the background (about 4-5 minutes on 2 cores; log: $(TRUST_DATA_DIR)/zk-native-build.log)."; \
	  echo "          snarkjs proves until it is ready; the provers switch to it by themselves."; \
	  (cd $(ZK_NATIVE_DIR) && nohup nice $(CARGO) build --locked --release > "$(TRUST_DATA_DIR)/zk-native-build.log" 2>&1 &) ; \
	fi

zk-native-clean:
	rm -rf $(ZK_NATIVE_DIR)/target

run: zk-native-run
test-unit: zk-native
bench-zk: zk-native

# PostgreSQL, the store of record of distributed mode: a local cluster from Debian's postgresql
# package, made by infra/postgres/start.sh (initdb in $TMPDIR/trust-fabric-pg-$PG_PORT, readiness
# checked by pg_ctl -w and pg_isready). The last line of pg-up is the DATABASE_URL to use.
#   make pg-up / pg-down   on PG_PORT (default 5432)
# The distributed-mode tests get their own cluster on a free port from infra/with-kafka.sh.
.PHONY: pg-up pg-down

pg-up: system-deps
	bash infra/postgres/start.sh

pg-down:
	bash infra/postgres/stop.sh

# Distributed mode at scale, side by side in one run (bench/scale/bench-scale.ts): the PostgreSQL log
# vs raw inserts, one instance vs two, start-up at 10k vs 1M events, the relay vs a plain producer,
# append → processed latency. Starts its own PostgreSQL, Kafka and registry on free ports.
.PHONY: bench-scale
bench-scale: build system-deps
	bash infra/with-kafka.sh node $(SERVICE_NODE_FLAGS) -r ./test/support/swc-register.js bench/scale/bench-scale.ts

BENCHES += bench-scale

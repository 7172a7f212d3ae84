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

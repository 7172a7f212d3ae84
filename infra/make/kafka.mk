# Distributed mode: a real Apache Kafka broker (KRaft) and a schema registry (Apicurio Registry 3,
# Confluent-compatible API), both fetched from Maven Central into ~/.cache/trust-fabric.
#   make kafka-up / kafka-down        broker on KAFKA_PORT (default 9092)
#   make registry-up / registry-down  registry on SCHEMA_REGISTRY_PORT (default 8081)
#   make test-kafka                   the Kafka integration tests against a fresh broker + registry on free ports
#   make bench-kafka                  the relay vs the same records sent raw (same client), processing throughput, then kafkajs (reference) vs @confluentinc/kafka-javascript
.PHONY: kafka-up kafka-down registry-up registry-down test-kafka bench-kafka kafka-fetch kafka-clients

kafka-fetch:
	bash infra/kafka/fetch.sh >/dev/null
	bash infra/registry/fetch.sh >/dev/null

kafka-up: install
	bash infra/kafka/start.sh

kafka-down:
	bash infra/kafka/stop.sh

registry-up:
	bash infra/registry/start.sh

registry-down:
	bash infra/registry/stop.sh

# Third-party clients of the interoperability test (confluent-kafka in a venv under ~/.cache; kcat is a system dep).
kafka-clients:
	bash test/kafka/third-party/setup.sh >/dev/null

# One broker and one registry for every Kafka suite (-i: the suites share them, one at a time).
# --forceExit: a native client handle (librdkafka) or a server connection left open by a failed
# test must not keep jest alive after its results are final; CI must not hang on it.
test-kafka: install kafka-clients
	bash infra/with-kafka.sh $(NODE_BIN)/jest --ci -i --forceExit test/kafka test/distributed streams/log/kafka streams/runtime/kafka streams/log/postgres projections

bench-kafka: build
	bash infra/with-kafka.sh node $(SERVICE_NODE_FLAGS) dist/bench/kafka/bench-kafka.js

TEST_EXTRA += test-kafka
BENCHES += bench-kafka

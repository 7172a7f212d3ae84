# Distributed mode: a real Apache Kafka broker (KRaft) and a schema registry (Apicurio Registry 3,
# Confluent-compatible API), both fetched from Maven Central into ~/.cache/trust-fabric.
#   make kafka-up / kafka-down        broker on KAFKA_PORT (default 9092)
#   make registry-up / registry-down  registry on SCHEMA_REGISTRY_PORT (default 8081)
#   make test-kafka                   the Kafka integration tests against a fresh broker + registry on free ports
#   make bench-kafka                  adapter produce vs raw kafkajs, processing throughput, then kafkajs vs @confluentinc/kafka-javascript (relay produce, consume)
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
# --forceExit: a kafkajs consumer whose batch failed can schedule one more fetch after it was
# disconnected (kafkajs#1327), which kept jest alive after every test had passed once in 11 runs;
# the results are final by then, and CI must not hang on it.
test-kafka: install kafka-clients
	bash infra/with-kafka.sh $(NODE_BIN)/jest --ci -i --forceExit test/kafka test/distributed streams/log/kafka streams/runtime/kafka streams/log/postgres

bench-kafka: build
	bash infra/with-kafka.sh node dist/bench/kafka/bench-kafka.js

TEST_EXTRA += test-kafka
BENCHES += bench-kafka

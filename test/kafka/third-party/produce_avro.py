"""Third-party producer: Confluent's Python client publishes AnnotationAdded records onto a catalog
topic with its AvroSerializer, using the subject's latest schema from the registry (TopicNameStrategy,
`<topic>-value`; no auto-registration, the service owns the schema).

usage: produce_avro.py <brokers> <registry-url> <topic> <stream> <tenant> <count>
"""
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def main() -> None:
    brokers, registry_url, topic, stream, tenant, count = sys.argv[1:7]
    registry = SchemaRegistryClient({"url": registry_url})
    latest = registry.get_latest_version(f"{topic}-value")
    serializer = AvroSerializer(
        registry,
        latest.schema.schema_str,
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    producer = Producer({"bootstrap.servers": brokers, "enable.idempotence": True})
    for i in range(int(count)):
        record = {"subject": f"python-{i}", "text": f"published by confluent-kafka {i}", "author": "python-sdk", "tags": ["third-party"]}
        value = serializer(record, SerializationContext(topic, MessageField.VALUE))
        producer.produce(topic, key=stream.encode(), value=value, headers=[("tenant", tenant.encode())])
    remaining = producer.flush(30)
    if remaining:
        raise SystemExit(f"{remaining} records not delivered")
    print(f"produced {count} records to {topic} with schema id {latest.schema_id}")


if __name__ == "__main__":
    main()

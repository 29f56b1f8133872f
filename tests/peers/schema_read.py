#!/usr/bin/env python3
"""Reads a topic from its beginning and decodes each value with confluent-kafka's own
deserializers through the schema registry: how the schema-registry tests check that a record
kafka-tui encoded and published is what a real consumer reads.

usage: schema_read.py --registry URL --bootstrap HOST:PORT --topic T --kind avro|protobuf|json
                      --count N

Prints one JSON line per record (the deserialized value; Protobuf as its JSON mapping with the
.proto field names), after N records, or exits non-zero after 30 s.
"""
import argparse
import json
import os
import sys
import time

from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import json_format

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from schema_records import protobuf_class  # noqa: E402  (the same Shipment message)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", required=True)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--kind", required=True, choices=["avro", "protobuf", "json"])
    ap.add_argument("--count", type=int, default=1)
    a = ap.parse_args()
    sr = SchemaRegistryClient({"url": a.registry})
    if a.kind == "avro":
        de = AvroDeserializer(sr)
    elif a.kind == "json":
        de = JSONDeserializer(None, schema_registry_client=sr)
    else:
        de = ProtobufDeserializer(protobuf_class(), {"use.deprecated.format": False})
    c = Consumer({"bootstrap.servers": a.bootstrap, "group.id": f"kt-read-{os.getpid()}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([a.topic])
    got, deadline = 0, time.time() + 30
    try:
        while got < a.count:
            if time.time() > deadline:
                sys.exit(f"only {got} of {a.count} record(s) within 30 s")
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                sys.exit(f"consumer: {m.error()}")
            v = de(m.value(), SerializationContext(a.topic, MessageField.VALUE))
            if a.kind == "protobuf":
                v = json.loads(json_format.MessageToJson(
                    v, preserving_proto_field_name=True, always_print_fields_with_no_presence=True))
            print(json.dumps(v, sort_keys=True), flush=True)
            got += 1
    finally:
        c.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes one Avro, one Protobuf and one JSON Schema record with confluent-kafka's own
serializers through a Confluent-compatible schema registry: the records the schema-registry
tests decode, made by the real serializers and never by bytes we made up.

usage: schema_records.py --registry URL [--bootstrap HOST:PORT] [--prefix kt-sr] [--avro-key]
                         [--check]

Each record goes to topic PREFIX-avro / PREFIX-protobuf / PREFIX-json with key "k1" (plain
bytes); the subjects are the default TopicNameStrategy ones (PREFIX-avro-value, ...). With
--avro-key, the Avro record's key is Avro too ({"id": "k1"}, subject PREFIX-avro-key). Prints
one JSON line per record: topic, subject, schema id, partition, offset, the value's bytes in hex
(and key_subject, key_schema_id, key_hex for an Avro key).
--check only serializes (registers the schemas) and checks the wire format, producing nothing.
"""
import argparse
import json
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

AVRO_SCHEMA = json.dumps({
    "type": "record", "name": "Order", "namespace": "kt.peers",
    "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "items", "type": "int"},
    ],
})
AVRO_VALUE = {"order_id": "o-1", "amount": 12.5, "items": 3}
AVRO_KEY_SCHEMA = json.dumps({
    "type": "record", "name": "OrderKey", "namespace": "kt.peers",
    "fields": [{"name": "id", "type": "string"}],
})

JSON_SCHEMA = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Payment", "type": "object",
    "properties": {"payment_id": {"type": "string"}, "amount": {"type": "number"}},
    "required": ["payment_id", "amount"],
})
JSON_VALUE = {"payment_id": "p-1", "amount": 7.25}


def protobuf_class():
    """The message class of kt/peers/shipment.proto, built from a descriptor at run time so that
    no protoc is needed: the serializer sees a normal generated-style class."""
    fdp = descriptor_pb2.FileDescriptorProto(name="kt/peers/shipment.proto", package="kt.peers",
                                             syntax="proto3")
    msg = fdp.message_type.add(name="Shipment")
    F = descriptor_pb2.FieldDescriptorProto
    msg.field.add(name="shipment_id", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    msg.field.add(name="weight_grams", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    msg.field.add(name="express", number=3, type=F.TYPE_BOOL, label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("kt.peers.Shipment"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", required=True)
    ap.add_argument("--bootstrap")
    ap.add_argument("--prefix", default="kt-sr")
    ap.add_argument("--avro-key", action="store_true")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    if not a.check and not a.bootstrap:
        ap.error("--bootstrap is needed unless --check")

    sr = SchemaRegistryClient({"url": a.registry})
    shipment = protobuf_class()
    # The topic name strategy (subject TOPIC-value), as the Java serializers' default: newer
    # clients default to ASSOCIATED, which asks the registry for Confluent-only associations.
    conf = {"subject.name.strategy.type": "TOPIC"}
    records = [
        ("avro", AvroSerializer(sr, AVRO_SCHEMA, conf=conf), AVRO_VALUE),
        ("protobuf", ProtobufSerializer(shipment, sr, conf),
         shipment(shipment_id="s-1", weight_grams=1200, express=True)),
        ("json", JSONSerializer(JSON_SCHEMA, sr, conf=conf), JSON_VALUE),
    ]
    key_ser = AvroSerializer(sr, AVRO_KEY_SCHEMA, conf=conf) if a.avro_key else None
    producer = None if a.check else Producer({"bootstrap.servers": a.bootstrap, "acks": "all"})
    out = []
    for kind, ser, value in records:
        topic = f"{a.prefix}-{kind}"
        data = ser(value, SerializationContext(topic, MessageField.VALUE))
        if len(data) < 6 or data[0] != 0:
            sys.exit(f"{kind}: not the Confluent wire format: {data[:8].hex()}")
        schema_id = int.from_bytes(data[1:5], "big")
        row = {"kind": kind, "topic": topic, "subject": f"{topic}-value", "schema_id": schema_id,
               "value_hex": data.hex()}
        key = b"k1"
        if kind == "avro" and key_ser is not None:
            key = key_ser({"id": "k1"}, SerializationContext(topic, MessageField.KEY))
            row.update(key_subject=f"{topic}-key", key_schema_id=int.from_bytes(key[1:5], "big"),
                       key_hex=key.hex())
        if producer is not None:
            def done(err, msg, row=row):
                if err is not None:
                    sys.exit(f"{row['kind']}: delivery failed: {err}")
                row["partition"], row["offset"] = msg.partition(), msg.offset()
            producer.produce(topic, key=key, value=data, on_delivery=done)
        out.append(row)
    if producer is not None:
        left = producer.flush(30)
        if left:
            sys.exit(f"{left} record(s) not delivered within 30 s")
    for row in out:
        print(json.dumps(row))


if __name__ == "__main__":
    main()

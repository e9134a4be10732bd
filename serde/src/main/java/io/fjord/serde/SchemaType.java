package io.fjord.serde;

/** The schema languages this module understands, named as schema registries name them. */
public enum SchemaType {
    JSON,
    AVRO,
    PROTOBUF
}

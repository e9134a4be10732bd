/** Kafka client serializers and deserializers for JSON, Avro and Protobuf in the schema-registry wire format. */
package io.fjord.serde;

package io.fjord.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The key and value format options shared by {@code produce} and {@code consume}, and the codecs they
 * select. A bad schema file fails here, before any connection is made.
 */
final class FormatOptions {
    @Option(
            names = "--key-format",
            paramLabel = "FORMAT",
            description = "Key format: ${COMPLETION-CANDIDATES} (default: string).")
    RecordFormat keyFormat = RecordFormat.STRING;

    @Option(
            names = "--value-format",
            paramLabel = "FORMAT",
            description = "Value format: ${COMPLETION-CANDIDATES} (default: string).")
    RecordFormat valueFormat = RecordFormat.STRING;

    @Option(
            names = "--schema",
            paramLabel = "FILE",
            description = "Value schema: Avro (.avsc), Protobuf (.proto) or JSON Schema file.")
    Path valueSchema;

    @Option(names = "--key-schema", paramLabel = "FILE", description = "Key schema file.")
    Path keySchema;

    @Option(
            names = "--proto-message",
            paramLabel = "NAME",
            description = "Protobuf message type of the value (default: the first message of the .proto).")
    String valueMessage;

    @Option(names = "--key-proto-message", paramLabel = "NAME", description = "Protobuf message type of the key.")
    String keyMessage;

    RecordFormat.Codec keyCodec() {
        return codec(keyFormat, keySchema, keyMessage, true);
    }

    RecordFormat.Codec valueCodec() {
        return codec(valueFormat, valueSchema, valueMessage, false);
    }

    private static RecordFormat.Codec codec(RecordFormat format, Path schema, String message, boolean isKey) {
        try {
            return format.codec(schema, message, isKey);
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            // fjord-serde's SchemaException names the file and the problem in one line.
            throw CliException.usage(ProduceCommand.oneLine(e.getMessage()));
        } catch (org.apache.kafka.common.KafkaException e) {
            throw CliException.usage((isKey ? "key" : "value") + " schema: " + ProduceCommand.oneLine(e.getMessage()));
        }
    }
}

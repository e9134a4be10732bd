package io.fjord.serde.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential check of our parser against protoc: protobuf-java ships the .proto sources of the well-known
 * types next to the classes protoc generated from them, so parsing the source must give the same messages,
 * fields, oneofs and enums as the generated descriptors.
 */
class ProtoParserConformanceTest {

    static Stream<FileDescriptor> wellKnownFiles() {
        return Stream.of(
                AnyProto.getDescriptor(),
                ApiProto.getDescriptor(),
                DescriptorProtos.getDescriptor(),
                DurationProto.getDescriptor(),
                EmptyProto.getDescriptor(),
                FieldMaskProto.getDescriptor(),
                SourceContextProto.getDescriptor(),
                StructProto.getDescriptor(),
                TimestampProto.getDescriptor(),
                TypeProto.getDescriptor(),
                WrappersProto.getDescriptor());
    }

    @ParameterizedTest
    @MethodSource("wellKnownFiles")
    void parsingTheShippedSourceGivesWhatProtocGenerated(FileDescriptor generated) throws Exception {
        String source = resource(generated.getName());
        FileDescriptor parsed = FileDescriptor.buildFrom(
                ProtoParser.parse(source, generated.getName()),
                generated.getDependencies().toArray(new FileDescriptor[0]));
        assertThat(describe(parsed)).isEqualTo(describe(generated));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FileDescriptor.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String describe(FileDescriptor file) {
        StringBuilder sb = new StringBuilder("package " + file.getPackage() + "\n");
        file.getMessageTypes().forEach(m -> describe(m, sb, ""));
        file.getEnumTypes().forEach(e -> describe(e, sb, ""));
        return sb.toString();
    }

    private static void describe(Descriptor message, StringBuilder sb, String indent) {
        sb.append(indent).append("message ").append(message.getFullName()).append('\n');
        for (FieldDescriptor f : message.getFields()) {
            sb.append(indent)
                    .append("  ")
                    .append(f.getNumber())
                    .append(' ')
                    .append(f.getName())
                    .append(' ')
                    .append(f.isRepeated() ? "repeated " : f.isRequired() ? "required " : "")
                    .append(f.getType())
                    .append(
                            f.getType() == FieldDescriptor.Type.MESSAGE
                                    ? " " + f.getMessageType().getFullName()
                                    : "")
                    .append(
                            f.getType() == FieldDescriptor.Type.ENUM
                                    ? " " + f.getEnumType().getFullName()
                                    : "")
                    .append(
                            f.getContainingOneof() != null
                                    ? " oneof " + f.getContainingOneof().getName()
                                    : "")
                    .append(f.hasPresence() ? " presence" : "")
                    .append(f.isMapField() ? " map" : "")
                    .append(f.isPacked() ? " packed" : "")
                    .append(f.hasDefaultValue() ? " default=" + f.getDefaultValue() : "")
                    .append(" json=")
                    .append(f.getJsonName())
                    .append('\n');
        }
        message.getNestedTypes().forEach(m -> describe(m, sb, indent + "  "));
        message.getEnumTypes().forEach(e -> describe(e, sb, indent + "  "));
    }

    private static void describe(EnumDescriptor e, StringBuilder sb, String indent) {
        sb.append(indent).append("enum ").append(e.getFullName());
        e.getValues()
                .forEach(v -> sb.append(' ').append(v.getName()).append('=').append(v.getNumber()));
        sb.append('\n');
    }
}

package io.fjord.serde.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.fjord.serde.SchemaException;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.TestSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtoSchemaTest {
    private static final ProtoSchema USER =
            ProtoSchema.parse(SerdeConfig.readSchemaFile(TestSchemas.path("user.proto")));

    @Test
    void parsesMessagesNestedMessagesEnumsAndEveryFieldShape() {
        Descriptor user = USER.message("User");
        assertThat(user.getFullName()).isEqualTo("fjord.example.User");
        assertThat(user.findFieldByName("emails").isRepeated()).isTrue();
        assertThat(user.findFieldByName("scores").isMapField()).isTrue();
        assertThat(user.findFieldByName("scores")
                        .getMessageType()
                        .findFieldByName("value")
                        .getType())
                .isEqualTo(FieldDescriptor.Type.DOUBLE);
        assertThat(user.findFieldByName("age").hasPresence()).isTrue();
        assertThat(user.findFieldByName("name").hasPresence()).isFalse();
        assertThat(user.findFieldByName("phone").getRealContainingOneof().getName())
                .isEqualTo("contact");
        assertThat(user.findFieldByName("status").getEnumType().getFullName()).isEqualTo("fjord.example.User.Status");
        assertThat(user.findFieldByName("address").getMessageType().getFullName())
                .isEqualTo("fjord.example.User.Address");
        assertThat(user.findFieldByName("balance_cents").getJsonName()).isEqualTo("balanceCents");
        assertThat(user.findFieldByName("visits").getType()).isEqualTo(FieldDescriptor.Type.UINT32);
    }

    @Test
    void resolvesWellKnownAndRelativeImports() {
        Descriptor user = USER.message("fjord.example.User");
        assertThat(user.findFieldByName("created").getMessageType().getFullName())
                .isEqualTo("google.protobuf.Timestamp");
        assertThat(user.findFieldByName("wallet").getMessageType().getFullName())
                .isEqualTo("fjord.common.Money");
    }

    @Test
    void findsMessagesByFullRelativeOrNestedNameAndTheFirstByDefault() {
        assertThat(USER.message(null).getName()).isEqualTo("Tag");
        assertThat(USER.message("User.Address.Geo").getFullName()).isEqualTo("fjord.example.User.Address.Geo");
        assertThat(USER.message(".fjord.example.Tag").getName()).isEqualTo("Tag");
        assertThatThrownBy(() -> USER.message("Nope"))
                .isInstanceOf(SchemaException.class)
                .hasMessage("message 'Nope' not found in user.proto (top-level messages: [Tag, User])");
    }

    @Test
    void messageIndexesFollowTheNestingPath() {
        Descriptor geo = USER.message("User.Address.Geo");
        // Like protoc, the map entry type ScoresEntry is nested at its field's place, before Address.
        assertThat(USER.message("User").getNestedTypes().get(0).getName()).isEqualTo("ScoresEntry");
        assertThat(ProtoSchema.messageIndexes(geo)).containsExactly(1, 1, 0);
        assertThat(ProtoSchema.messageIndexes(USER.message("Tag"))).containsExactly(0);
        assertThat(USER.messageAt(new int[] {1, 1, 0})).isEqualTo(geo);
        assertThatThrownBy(() -> USER.messageAt(new int[] {2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("do not name a message");
    }

    @Test
    void syntaxErrorsNameTheFileAndLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.proto");
        Files.writeString(bad, "syntax = \"proto3\";\n\nmessage A {\n  string name 1;\n}\n");
        assertThatThrownBy(() -> ProtoSchema.parse(SerdeConfig.readSchemaFile(bad)))
                .isInstanceOf(SchemaException.class)
                .hasMessage("schema file " + bad + ": line 4: expected '=' but found '1'");
    }

    @Test
    void unknownTypesAreNamed(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.proto");
        Files.writeString(bad, "syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}\n");
        assertThatThrownBy(() -> ProtoSchema.parse(SerdeConfig.readSchemaFile(bad)))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("schema file " + bad + ": ")
                .hasMessageContaining("Missing")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unresolvableImportsAreNamed(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.proto");
        Files.writeString(bad, "syntax = \"proto3\";\nimport \"other.proto\";\nmessage A {}\n");
        assertThatThrownBy(() -> ProtoSchema.parse(SerdeConfig.readSchemaFile(bad)))
                .isInstanceOf(SchemaException.class)
                .hasMessage("schema file " + dir.resolve("other.proto") + ": no such file");
        assertThatThrownBy(() ->
                        ProtoSchema.parse("syntax = \"proto3\";\nimport \"other.proto\";\n", "inline schema", null))
                .hasMessageContaining("import \"other.proto\" not found");
    }

    @Test
    void proto2RequiredFieldsAndDefaultsParse() {
        ProtoSchema schema = ProtoSchema.parse(
                "syntax = \"proto2\";\nmessage A { required int32 id = 1; optional string s = 2 [default = \"x\"]; }",
                "inline schema",
                null);
        Descriptor a = schema.message("A");
        assertThat(a.findFieldByName("id").isRequired()).isTrue();
        assertThat(a.findFieldByName("s").getDefaultValue()).isEqualTo("x");
    }

    @Test
    void rejectsUnterminatedInput() {
        assertThatThrownBy(() ->
                        ProtoSchema.parse("syntax = \"proto3\";\nmessage A {\n int32 a = 1;\n", "inline schema", null))
                .isInstanceOf(SchemaException.class)
                .hasMessage("inline schema: line 4: expected '}' closing message A but found end of file");
    }
}

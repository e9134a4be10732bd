package io.fjord.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JaasConfigTest {

    @Test
    void readsAPropertyValue() {
        List<JaasConfig.Entry> entries = JaasConfig.parseEntries(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\"\n"
                        + "  password=\"a \\\"quoted\\\" secret\" user_admin=admin-secret;");
        assertThat(entries)
                .containsExactly(new JaasConfig.Entry(
                        "org.apache.kafka.common.security.plain.PlainLoginModule",
                        "required",
                        Map.of("username", "admin", "password", "a \"quoted\" secret", "user_admin", "admin-secret")));
    }

    @Test
    void readsTheSectionsOfAFile() {
        String file = "// Kafka's broker section\n"
                + "KafkaServer {\n"
                + "  org.apache.kafka.common.security.plain.PlainLoginModule required\n"
                + "    user_alice=\"alice-secret\"; /* more users later */\n"
                + "  org.apache.kafka.common.security.scram.ScramLoginModule required;\n"
                + "};\n"
                + "sasl_plaintext.KafkaServer { x.Y optional; };\n";
        Map<String, List<JaasConfig.Entry>> sections = JaasConfig.parseFile(file);
        assertThat(sections).containsOnlyKeys("KafkaServer", "sasl_plaintext.KafkaServer");
        assertThat(sections.get("KafkaServer"))
                .extracting(JaasConfig.Entry::loginModule)
                .containsExactly(
                        "org.apache.kafka.common.security.plain.PlainLoginModule",
                        "org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(sections.get("KafkaServer").get(0).options()).containsEntry("user_alice", "alice-secret");
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> JaasConfig.parseEntries("a.B required user_x=\"y\""))
                .hasMessageContaining("expected an option name or ';' at the end");
        assertThatThrownBy(() -> JaasConfig.parseEntries("a.B mandatory;"))
                .hasMessageContaining("must be required, requisite, sufficient or optional, not mandatory");
        assertThatThrownBy(() -> JaasConfig.parseEntries("a.B required k=\"open;"))
                .hasMessageContaining("unterminated quoted value");
        assertThatThrownBy(() -> JaasConfig.parseFile("KafkaServer { a.B required; }"))
                .hasMessageContaining("expected ';' at the end");
    }
}

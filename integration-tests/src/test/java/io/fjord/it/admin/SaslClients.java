package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Client settings and a kcat round trip for a SASL_PLAINTEXT listener on loopback. */
final class SaslClients {

    static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
    static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private SaslClients() {}

    /** Java client settings that log in to {@code port} with {@code mechanism} through {@code loginModule}. */
    static Properties clientProps(int port, String mechanism, String loginModule, String user, String password) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put("sasl.mechanism", mechanism);
        props.put(
                "sasl.jaas.config", loginModule + " required username=\"" + user + "\" password=\"" + password + "\";");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return props;
    }

    /** {@link #clientProps} for a producer of strings. */
    static Properties producerProps(int port, String mechanism, String loginModule, String user, String password) {
        Properties props = clientProps(port, mechanism, loginModule, user, password);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return props;
    }

    /** kcat logs in with {@code mechanism}, produces two keyed records to {@code topic} and reads them back. */
    static void assertKcatRoundTrip(int port, String mechanism, String user, String password, String topic)
            throws Exception {
        List<String> common = List.of(
                "kcat",
                "-b",
                "127.0.0.1:" + port,
                "-X",
                "security.protocol=SASL_PLAINTEXT",
                "-X",
                "sasl.mechanisms=" + mechanism,
                "-X",
                "sasl.username=" + user,
                "-X",
                "sasl.password=" + password);
        List<String> produce = new ArrayList<>(common);
        produce.addAll(List.of("-P", "-t", topic, "-K:"));
        Process producer = new ProcessBuilder(produce).redirectErrorStream(true).start();
        producer.getOutputStream().write("k1:hello\nk2:world\n".getBytes(StandardCharsets.UTF_8));
        producer.getOutputStream().close();
        assertThat(producer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(producer.exitValue())
                .as(new String(producer.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        List<String> consume = new ArrayList<>(common);
        consume.addAll(List.of("-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k=%s\\n"));
        Process consumer = new ProcessBuilder(consume).start();
        assertThat(consumer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(consumer.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines())
                .containsExactlyInAnyOrder("k1=hello", "k2=world");
    }
}

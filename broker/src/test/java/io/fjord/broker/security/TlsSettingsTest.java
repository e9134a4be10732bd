package io.fjord.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.testkit.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {

    @TempDir
    static Path dir;

    private static TlsFiles files;

    @BeforeAll
    static void makeStores() throws Exception {
        files = TlsFiles.create(dir);
    }

    private static BrokerConfig config(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093,SASL_SSL://127.0.0.1:9094");
        props.putAll(extra);
        return BrokerConfig.parse(props);
    }

    private static Map<String, String> brokerStores() {
        return files.brokerSettings("", files.trustStore());
    }

    /** The engine's protocols, without OpenSSL's SSLv2Hello (a hello format, not a protocol it speaks). */
    private static List<String> protocols(SSLEngine engine) {
        return Arrays.stream(engine.getEnabledProtocols())
                .filter(p -> !p.equals("SSLv2Hello"))
                .toList();
    }

    @Test
    void anSslListenerServesWithKafkasDefaults() {
        TlsSettings tls = TlsSettings.forListener(config(brokerStores()), "SSL");
        SSLEngine engine = tls.newServerEngine();
        assertThat(engine.getUseClientMode()).isFalse();
        assertThat(protocols(engine)).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
        if (System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64")) {
            assertThat(engine.getClass().getSimpleName())
                    .as("BoringSSL, whose crypto does not depend on the JIT")
                    .contains("OpenSsl");
        }
        assertThat(engine.getNeedClientAuth()).isFalse();
        assertThat(engine.getWantClientAuth()).isFalse();
        assertThat(tls.clientAuth()).isEqualTo(TlsSettings.ClientAuth.NONE);
    }

    @Test
    void listenerPrefixedKeysWinAndSaslSslAsksForCertificatesOnlyWhenPrefixed() {
        Map<String, String> props = new HashMap<>(brokerStores());
        props.put("ssl.client.auth", "required");
        props.put("listener.name.ssl.ssl.enabled.protocols", "TLSv1.3");
        BrokerConfig config = config(props);
        SSLEngine ssl = TlsSettings.forListener(config, "SSL").newServerEngine();
        assertThat(ssl.getNeedClientAuth()).isTrue();
        assertThat(protocols(ssl)).containsExactly("TLSv1.3");
        assertThat(TlsSettings.forListener(config, "SASL_SSL").clientAuth())
                .as("Kafka honours ssl.client.auth on a SASL_SSL listener only with the listener's prefix")
                .isEqualTo(TlsSettings.ClientAuth.NONE);
        props.put("listener.name.sasl_ssl.ssl.client.auth", "requested");
        assertThat(TlsSettings.forListener(config(props), "SASL_SSL")
                        .newServerEngine()
                        .getWantClientAuth())
                .isTrue();
    }

    @Test
    void whatCannotBeHonouredStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> TlsSettings.forListener(config(Map.of()), "SSL"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ssl.keystore.location")
                .hasMessageContaining("Listener SSL uses TLS and needs a key store");
        Map<String, String> wrongPassword = new HashMap<>(brokerStores());
        wrongPassword.put("listener.name.ssl.ssl.keystore.password", "guess");
        assertThatThrownBy(() -> TlsSettings.forListener(config(wrongPassword), "SSL"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configuration ssl.keystore.location")
                .hasMessageContaining("cannot read it as a PKCS12 store");
        Map<String, String> missing = new HashMap<>(brokerStores());
        missing.put("ssl.truststore.location", dir.resolve("nowhere.p12").toString());
        assertThatThrownBy(() -> TlsSettings.forListener(config(missing), "SSL"))
                .hasMessageContaining("ssl.truststore.location: no such file");
        Map<String, String> bks = new HashMap<>(brokerStores());
        bks.put("ssl.keystore.type", "BKS");
        assertThatThrownBy(() -> TlsSettings.forListener(config(bks), "SSL"))
                .hasMessageContaining("Fjord reads JKS, PKCS12 and PEM stores");
        Map<String, String> badAuth = new HashMap<>(brokerStores());
        badAuth.put("ssl.client.auth", "always");
        assertThatThrownBy(() -> TlsSettings.forListener(config(badAuth), "SSL"))
                .hasMessageContaining("must be one of required, requested, none");
        Map<String, String> badProtocol = new HashMap<>(brokerStores());
        badProtocol.put("ssl.enabled.protocols", "TLSv1.2,SSLv9");
        assertThatThrownBy(() -> TlsSettings.forListener(config(badProtocol), "SSL"))
                .hasMessageContaining("SSLv9 is not supported by this JVM");
    }

    @Test
    void hostNamesAreCheckedUnlessTheAlgorithmIsEmptyAndAnUnknownOneIsRefused() {
        assertThat(TlsSettings.forListener(config(brokerStores()), "SSL")
                        .newClientEngine("127.0.0.1", 9093)
                        .getSSLParameters()
                        .getEndpointIdentificationAlgorithm())
                .isEqualTo("HTTPS");
        Map<String, String> off = new HashMap<>(brokerStores());
        off.put("ssl.endpoint.identification.algorithm", "");
        assertThat(TlsSettings.forListener(config(off), "SSL")
                        .newClientEngine("127.0.0.1", 9093)
                        .getSSLParameters()
                        .getEndpointIdentificationAlgorithm())
                .isNull();
        Map<String, String> typo = new HashMap<>(brokerStores());
        typo.put("listener.name.ssl.ssl.endpoint.identification.algorithm", "htps");
        assertThatThrownBy(() -> TlsSettings.forListener(config(typo), "SSL"))
                .hasMessageContaining("listener.name.ssl.ssl.endpoint.identification.algorithm")
                .hasMessageContaining("must be https or empty");
    }

    @Test
    void aKeyStoreWithoutItsPasswordIsRefusedAsKafkaRefusesIt() {
        Map<String, String> props = new HashMap<>(brokerStores());
        props.remove("ssl.keystore.password");
        assertThatThrownBy(() -> TlsSettings.forListener(config(props), "SSL"))
                .hasMessageContaining("SSL key store is specified, but key store password is not specified");
        props.put("ssl.keystore.password", TlsFiles.PASSWORD + "  ");
        assertThat(TlsSettings.forListener(config(props), "SSL").newServerEngine())
                .as("values are trimmed, as Kafka trims them")
                .isNotNull();
    }

    @Test
    void theInterBrokerConnectionUsesTheInterBrokerListenersTls() {
        Map<String, String> props = new HashMap<>(brokerStores());
        props.put("inter.broker.listener.name", "SSL");
        InterBrokerSecurity security = new ListenerSecurity(config(props), Map.of()).interBroker();
        assertThat(security.tls()).isNotNull();
        assertThat(security.tls().listener()).isEqualTo("SSL");
        assertThat(security.sasl()).isNull();
        assertThat(new ListenerSecurity(config(brokerStores()), Map.of()).interBroker())
                .isEqualTo(InterBrokerSecurity.PLAINTEXT);
    }

    @Test
    void pemStoresAreReadFromFilesOrTheConfigurationItself() throws Exception {
        Map<String, String> files = Map.of(
                "ssl.keystore.type",
                "PEM",
                "ssl.keystore.location",
                TlsSettingsTest.files.brokerKeyAndCertificatePem().toString(),
                "ssl.truststore.type",
                "PEM",
                "ssl.truststore.location",
                TlsSettingsTest.files.trustPem().toString());
        assertThat(TlsSettings.forListener(config(files), "SSL").newServerEngine())
                .isNotNull();
        Map<String, String> inline = new HashMap<>(Map.of(
                "ssl.keystore.type",
                "PEM",
                "ssl.keystore.key",
                Files.readString(TlsSettingsTest.files.brokerEncryptedKeyPem()),
                "ssl.keystore.certificate.chain",
                Files.readString(TlsSettingsTest.files.brokerPem()),
                "ssl.key.password",
                TlsFiles.PASSWORD));
        assertThat(TlsSettings.forListener(config(inline), "SSL").newServerEngine())
                .isNotNull();
        inline.put("ssl.key.password", "guess");
        assertThatThrownBy(() -> TlsSettings.forListener(config(inline), "SSL"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("ssl.keystore.key: cannot read the PEM key store: cannot decrypt the private key: wrong"
                        + " ssl.key.password?");
        inline.remove("ssl.key.password");
        assertThatThrownBy(() -> TlsSettings.forListener(config(inline), "SSL"))
                .hasMessageContaining("the private key is encrypted: set ssl.key.password");
        inline.remove("ssl.keystore.certificate.chain");
        assertThatThrownBy(() -> TlsSettings.forListener(config(inline), "SSL"))
                .hasMessageContaining("ssl.keystore.key and ssl.keystore.certificate.chain go together");
    }

    @Test
    void pemMistakesKafkaRefusesAreRefused() {
        Map<String, String> withPassword = Map.of(
                "ssl.keystore.type", "PEM",
                "ssl.keystore.location", files.brokerKeyAndCertificatePem().toString(),
                "ssl.keystore.password", "x");
        assertThatThrownBy(() -> TlsSettings.forListener(config(withPassword), "SSL"))
                .hasMessageContaining("A PEM key store has no password of its own");
        Map<String, String> keyWithoutPem = Map.of(
                "ssl.keystore.location",
                files.brokerKeyStore().toString(),
                "ssl.keystore.key",
                "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----");
        assertThatThrownBy(() -> TlsSettings.forListener(config(keyWithoutPem), "SSL"))
                .hasMessageContaining("ssl.keystore.key needs ssl.keystore.type=PEM");
        Map<String, String> pkcs1 = Map.of(
                "ssl.keystore.type", "PEM",
                "ssl.keystore.key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
                "ssl.keystore.certificate.chain", "");
        assertThatThrownBy(() -> TlsSettings.forListener(config(pkcs1), "SSL"))
                .hasMessageContaining("PKCS#1 keys are not read");
        Map<String, String> noCertificates = new HashMap<>(brokerStores());
        noCertificates.put("ssl.truststore.type", "PEM");
        noCertificates.remove("ssl.truststore.password");
        noCertificates.put(
                "ssl.truststore.location", files.brokerEncryptedKeyPem().toString());
        assertThatThrownBy(() -> TlsSettings.forListener(config(noCertificates), "SSL"))
                .hasMessageContaining("no certificate (BEGIN CERTIFICATE) to trust");
    }
}

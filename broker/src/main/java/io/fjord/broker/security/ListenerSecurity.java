package io.fjord.broker.security;

import io.fjord.broker.network.NetworkServer;
import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.common.config.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * What Kafka's broker configuration says about TLS and SASL, read once at start-up: the TLS settings of each SSL and
 * SASL_SSL listener ({@link TlsSettings}), the mechanisms each SASL_PLAINTEXT and SASL_SSL listener offers with their
 * users, and how this broker connects and logs in to the inter-broker listener. JAAS settings come, as
 * in Kafka, from {@code listener.name.<listener>.<mechanism>.sasl.jaas.config}, else from the {@code
 * <listener>.KafkaServer} or {@code KafkaServer} section of the file the {@code java.security.auth.login.config}
 * system property names. Anything Fjord cannot honour stops the start with a {@link ConfigException}.
 */
public final class ListenerSecurity {

    public static final String SASL_PLAINTEXT = "SASL_PLAINTEXT";
    public static final String SASL_SSL = "SASL_SSL";
    public static final String SSL = "SSL";
    private static final String JAAS_FILE_PROPERTY = "java.security.auth.login.config";
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String INTER_BROKER_MECHANISM = "sasl.mechanism.inter.broker.protocol";
    private static final String SERVER_MAX_RECEIVE_SIZE = "sasl.server.max.receive.size";
    private static final String FAILED_AUTHENTICATION_DELAY = "connection.failed.authentication.delay.ms";

    private final BrokerConfig config;
    private final Map<String, SaslMechanism> scram;
    private Map<String, List<JaasConfig.Entry>> jaasFile;

    /**
     * @param scram the SCRAM mechanisms by name (SCRAM-SHA-256, SCRAM-SHA-512), whose credentials live in the cluster
     *     metadata
     */
    public ListenerSecurity(BrokerConfig config, Map<String, SaslMechanism> scram) {
        this.config = config;
        this.scram = scram;
    }

    /**
     * The listener to bind for {@code endpoint}: PLAINTEXT as it is, SSL with its TLS settings, SASL_PLAINTEXT with
     * its authenticator, SASL_SSL with both.
     */
    public NetworkServer.Listener listener(Endpoint endpoint) {
        String name = endpoint.listenerName();
        String protocol = config.securityProtocol(name);
        TlsSettings settings = usesTls(protocol) ? TlsSettings.forListener(config, name) : null;
        Supplier<SSLEngine> tls = settings == null ? null : settings::newServerEngine;
        if (!usesSasl(protocol)) {
            SslPrincipalMapper names = settings == null ? SslPrincipalMapper.DEFAULT : settings.principalMapper();
            return new NetworkServer.Listener(
                    name, endpoint.host(), endpoint.port(), null, Integer.MAX_VALUE, 0, tls, names::name);
        }
        Map<String, SaslMechanism> mechanisms = mechanisms(name);
        return new NetworkServer.Listener(
                name,
                endpoint.host(),
                endpoint.port(),
                () -> new SaslServerAuthenticator(mechanisms),
                intSetting(SERVER_MAX_RECEIVE_SIZE, 524288),
                intSetting(FAILED_AUTHENTICATION_DELAY, 100),
                tls,
                SslPrincipalMapper.DEFAULT::name);
    }

    private static boolean usesTls(String protocol) {
        return SSL.equals(protocol) || SASL_SSL.equals(protocol);
    }

    private static boolean usesSasl(String protocol) {
        return SASL_PLAINTEXT.equals(protocol) || SASL_SSL.equals(protocol);
    }

    /** The mechanisms listener {@code name} offers, in the order of its {@code sasl.enabled.mechanisms}. */
    Map<String, SaslMechanism> mechanisms(String name) {
        Map<String, SaslMechanism> mechanisms = new LinkedHashMap<>();
        for (String mechanism : config.saslEnabledMechanisms(name)) {
            if (mechanism.equals(PlainMechanism.NAME)) {
                mechanisms.put(mechanism, PlainMechanism.fromJaasOptions(plainOptions(name)));
            } else if (scram.containsKey(mechanism)) {
                mechanisms.put(mechanism, scram.get(mechanism));
            } else {
                throw new ConfigException(
                        "sasl.enabled.mechanisms",
                        String.join(",", config.saslEnabledMechanisms(name)),
                        "Listener " + name + " enables SASL mechanism " + mechanism + ", which Fjord does not support"
                                + " (it offers PLAIN"
                                + (scram.isEmpty() ? "" : ", " + String.join(", ", scram.keySet()))
                                + "; Kafka's default GSSAPI needs Kerberos)");
            }
        }
        if (mechanisms.isEmpty()) {
            throw new ConfigException(
                    "sasl.enabled.mechanisms",
                    "",
                    "Listener " + name + " is " + config.securityProtocol(name) + " but enables no mechanism");
        }
        return mechanisms;
    }

    /**
     * How this broker connects to the inter-broker listener of the others: over TLS with that listener's settings
     * when it is SSL or SASL_SSL, and logging in when it is SASL_PLAINTEXT or SASL_SSL (see {@link
     * #interBrokerLogin}).
     */
    public InterBrokerSecurity interBroker() {
        String listener = config.interBrokerListenerName();
        if (listener == null) {
            return InterBrokerSecurity.PLAINTEXT;
        }
        String protocol = config.securityProtocol(listener);
        return new InterBrokerSecurity(
                usesTls(protocol) ? TlsSettings.forListener(config, listener) : null, interBrokerLogin());
    }

    /**
     * How this broker logs in to the inter-broker listener: null when it is PLAINTEXT or SSL; else with {@code
     * sasl.mechanism.inter.broker.protocol} (PLAIN; Kafka's default GSSAPI is refused) and the {@code username} and
     * {@code password} of that mechanism's JAAS entry on the listener.
     */
    SaslLogin interBrokerLogin() {
        String listener = config.interBrokerListenerName();
        if (listener == null || !usesSasl(config.securityProtocol(listener))) {
            return null;
        }
        String mechanism = config.originals()
                .getOrDefault(INTER_BROKER_MECHANISM, "GSSAPI")
                .trim();
        if (!mechanism.equals(PlainMechanism.NAME)) {
            throw new ConfigException(
                    INTER_BROKER_MECHANISM,
                    mechanism,
                    "The inter-broker listener " + listener + " uses SASL: Fjord's brokers log in to each"
                            + " other with PLAIN, so set " + INTER_BROKER_MECHANISM + "=PLAIN");
        }
        if (!config.saslEnabledMechanisms(listener).contains(mechanism)) {
            throw new ConfigException(
                    INTER_BROKER_MECHANISM,
                    mechanism,
                    "The inter-broker listener " + listener + " does not enable " + mechanism);
        }
        Map<String, String> options = plainOptions(listener);
        String username = options.get("username");
        String password = options.get("password");
        if (username == null || password == null) {
            throw new ConfigException(
                    jaasKey(listener, mechanism),
                    "The PlainLoginModule entry of the inter-broker listener " + listener
                            + " needs username and password: the credentials this broker logs in to other brokers"
                            + " with");
        }
        return new SaslLogin(mechanism, username, password);
    }

    private Map<String, String> plainOptions(String listener) {
        List<JaasConfig.Entry> entries = jaasEntries(listener, PlainMechanism.NAME);
        for (JaasConfig.Entry entry : entries) {
            if (entry.loginModule().equals(PLAIN_LOGIN_MODULE)) {
                return entry.options();
            }
        }
        throw new ConfigException(
                jaasKey(listener, PlainMechanism.NAME),
                "SASL/PLAIN on listener " + listener + " needs its users: set " + jaasKey(listener, PlainMechanism.NAME)
                        + "=" + PLAIN_LOGIN_MODULE + " required user_alice=\"alice-secret\"; (or a KafkaServer"
                        + " section in the file -D" + JAAS_FILE_PROPERTY + " names)");
    }

    private List<JaasConfig.Entry> jaasEntries(String listener, String mechanism) {
        String key = jaasKey(listener, mechanism);
        String value = config.originals().get(key);
        try {
            if (value != null) {
                return JaasConfig.parseEntries(value);
            }
            Map<String, List<JaasConfig.Entry>> file = jaasFile();
            List<JaasConfig.Entry> section = file.get(listener.toLowerCase(Locale.ROOT) + ".KafkaServer");
            return section != null ? section : file.getOrDefault("KafkaServer", List.of());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(value != null ? key : JAAS_FILE_PROPERTY, e.getMessage());
        }
    }

    private Map<String, List<JaasConfig.Entry>> jaasFile() {
        if (jaasFile == null) {
            String path = System.getProperty(JAAS_FILE_PROPERTY);
            if (path == null || path.isBlank()) {
                jaasFile = Map.of();
            } else {
                try {
                    jaasFile = JaasConfig.parseFile(Files.readString(Path.of(path), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new ConfigException(JAAS_FILE_PROPERTY, "cannot read " + path + ": " + e.getMessage());
                }
            }
        }
        return jaasFile;
    }

    private static String jaasKey(String listener, String mechanism) {
        return BrokerConfig.listenerPrefix(listener) + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config";
    }

    private int intSetting(String key, int defaultValue) {
        String value = config.originals().get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 0) {
                throw new NumberFormatException("negative");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "must be a non-negative int");
        }
    }
}

package io.fjord.broker.security;

import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of one SSL or SASL_SSL listener, read once at start-up from Kafka's {@code ssl.*} keys: each key is
 * looked up as {@code listener.name.<listener>.ssl.*} first, then as {@code ssl.*}, then Kafka's default. Builds the
 * {@link SSLEngine} of each accepted connection ({@link #newServerEngine}) and the parameters of this broker's own
 * connections to the listener of another broker ({@link #newClientEngine}). Key and trust stores are JKS or PKCS12
 * files, or PEM ({@link PemStores}) in a file or in the configuration itself.
 *
 * <p>A setting Fjord cannot honour (a missing key store, a wrong password, an unknown protocol) stops the start with a
 * {@link ConfigException} naming the key. Immutable and thread-safe once built.
 */
public final class TlsSettings {

    /** Kafka's {@code ssl.client.auth}: whether a client must, may or must not present a certificate. */
    public enum ClientAuth {
        REQUIRED,
        REQUESTED,
        NONE
    }

    static final String PROTOCOL = "ssl.protocol";
    static final String ENABLED_PROTOCOLS = "ssl.enabled.protocols";
    static final String CIPHER_SUITES = "ssl.cipher.suites";
    static final String CLIENT_AUTH = "ssl.client.auth";
    static final String PRINCIPAL_MAPPING_RULES = "ssl.principal.mapping.rules";
    static final String ENDPOINT_IDENTIFICATION = "ssl.endpoint.identification.algorithm";
    static final String KEYSTORE_TYPE = "ssl.keystore.type";
    static final String KEYSTORE_LOCATION = "ssl.keystore.location";
    static final String KEYSTORE_PASSWORD = "ssl.keystore.password";
    static final String KEY_PASSWORD = "ssl.key.password";
    static final String TRUSTSTORE_TYPE = "ssl.truststore.type";
    static final String TRUSTSTORE_LOCATION = "ssl.truststore.location";
    static final String TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    static final String KEYSTORE_KEY = "ssl.keystore.key";
    static final String KEYSTORE_CERTIFICATE_CHAIN = "ssl.keystore.certificate.chain";
    static final String TRUSTSTORE_CERTIFICATES = "ssl.truststore.certificates";
    static final String KEYMANAGER_ALGORITHM = "ssl.keymanager.algorithm";
    static final String TRUSTMANAGER_ALGORITHM = "ssl.trustmanager.algorithm";

    private static final Logger log = LoggerFactory.getLogger(TlsSettings.class);

    private final String listener;
    private final SslContext server;
    private final SslContext client;
    private final ClientAuth clientAuth;
    private final SslPrincipalMapper principalMapper;

    private TlsSettings(
            String listener,
            SslContext server,
            SslContext client,
            ClientAuth clientAuth,
            SslPrincipalMapper principalMapper) {
        this.listener = listener;
        this.server = server;
        this.client = client;
        this.clientAuth = clientAuth;
        this.principalMapper = principalMapper;
    }

    /**
     * The settings of listener {@code listener}, whose security protocol is SSL or SASL_SSL. As in Kafka, a SASL_SSL
     * listener asks clients for certificates only when its own {@code listener.name.<listener>.ssl.client.auth} says
     * so; the unprefixed key applies to SSL listeners.
     */
    public static TlsSettings forListener(BrokerConfig config, String listener) {
        Lookup lookup = new Lookup(config, listener);
        boolean sasl = "SASL_SSL".equals(config.securityProtocol(listener));
        String authValue = sasl ? lookup.prefixedOnly(CLIENT_AUTH) : lookup.get(CLIENT_AUTH, "none");
        ClientAuth auth = parseClientAuth(
                sasl ? BrokerConfig.listenerPrefix(listener) + CLIENT_AUTH : lookup.keyOf(CLIENT_AUTH),
                authValue == null ? "none" : authValue);
        String protocol = lookup.get(PROTOCOL, "TLSv1.3");
        // The JDK's context checks the stores, ssl.protocol and the names of protocols and suites, whichever engine
        // (OpenSSL or the JDK's) then serves: its errors name the key, where OpenSSL's would not.
        SSLContext context;
        try {
            context = SSLContext.getInstance(protocol);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(lookup.keyOf(PROTOCOL), protocol, "not a TLS protocol this JVM offers");
        }
        KeyManagerFactory keys;
        TrustManagerFactory trust;
        try {
            keys = keyManagers(lookup);
            trust = trustManagers(lookup);
            context.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(lookup.keyOf(PROTOCOL), protocol, "cannot set up TLS: " + e.getMessage());
        }
        String[] protocols = list(lookup.get(ENABLED_PROTOCOLS, "TLSv1.2,TLSv1.3"));
        String[] ciphers = list(lookup.get(CIPHER_SUITES, ""));
        SSLParameters supported = context.getSupportedSSLParameters();
        requireSupported(lookup.keyOf(ENABLED_PROTOCOLS), protocols, supported.getProtocols());
        requireSupported(lookup.keyOf(CIPHER_SUITES), ciphers, supported.getCipherSuites());
        SslProvider provider = provider(lookup);
        SslContext server = build(lookup, provider, protocols, () -> SslContextBuilder.forServer(keys)
                .trustManager(trust)
                .protocols(protocols)
                .ciphers(ciphers.length == 0 ? null : List.of(ciphers))
                .clientAuth(
                        switch (auth) {
                            case REQUIRED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
                            case REQUESTED -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
                            case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
                        }));
        boolean verifyHostname = verifyHostname(lookup);
        SslContext client = build(lookup, provider, protocols, () -> SslContextBuilder.forClient()
                .keyManager(keys)
                .trustManager(trust)
                .protocols(protocols)
                .ciphers(ciphers.length == 0 ? null : List.of(ciphers))
                .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null));
        return new TlsSettings(listener, server, client, auth, principalMapper(lookup));
    }

    /**
     * OpenSSL (Netty's BoringSSL build) where its native library loads, else the JDK's TLS. The broker runs with C1
     * only, which has no intrinsics for AES and GHASH, so the JDK's AES-GCM ran in plain Java: 27 MB/s produced and
     * 31 MB/s consumed over TLS against 118 and 431 in the clear (bench/README, "TLS"). BoringSSL's crypto is native
     * code whatever the JIT.
     */
    private static SslProvider provider(Lookup lookup) {
        if (OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        log.warn(
                "TLS on listener {} uses the JDK's crypto, slow under C1 (OpenSSL unavailable: {})",
                lookup.listener,
                String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }

    private static SslContext build(
            Lookup lookup, SslProvider provider, String[] protocols, Supplier<SslContextBuilder> builder) {
        try {
            return builder.get().sslProvider(provider).build();
        } catch (SSLException | RuntimeException e) {
            throw new ConfigException(
                    lookup.keyOf(ENABLED_PROTOCOLS),
                    String.join(",", protocols),
                    "cannot set up TLS with " + provider + ": " + e.getMessage());
        }
    }

    /** Kafka's {@code ssl.endpoint.identification.algorithm}: https (the default) checks, empty does not. */
    private static boolean verifyHostname(Lookup lookup) {
        String identification = lookup.get(ENDPOINT_IDENTIFICATION, "https");
        if (!identification.isEmpty() && !identification.equalsIgnoreCase("https")) {
            // JSSE would refuse it at the first handshake; checking nothing instead would fail open.
            throw new ConfigException(
                    lookup.keyOf(ENDPOINT_IDENTIFICATION), identification, "must be https or empty (no check)");
        }
        return !identification.isEmpty();
    }

    /** {@code ssl.principal.mapping.rules} (Kafka's default: DEFAULT, the whole distinguished name). */
    private static SslPrincipalMapper principalMapper(Lookup lookup) {
        String rules = lookup.get(PRINCIPAL_MAPPING_RULES, "DEFAULT");
        try {
            return SslPrincipalMapper.parse(rules);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(lookup.keyOf(PRINCIPAL_MAPPING_RULES), rules, e.getMessage());
        }
    }

    /** How a client certificate's distinguished name becomes its principal's name. */
    public SslPrincipalMapper principalMapper() {
        return principalMapper;
    }

    /** The listener these settings belong to. */
    public String listener() {
        return listener;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** A server-side engine for one accepted connection. */
    public SSLEngine newServerEngine() {
        return server.newEngine(ByteBufAllocator.DEFAULT);
    }

    /**
     * A client-side engine for this broker's connection to another broker's listener at {@code host}: the other
     * broker's certificate must be trusted and, unless {@code ssl.endpoint.identification.algorithm} is empty, name
     * {@code host}.
     */
    public SSLEngine newClientEngine(String host, int port) {
        return client.newEngine(ByteBufAllocator.DEFAULT, host, port);
    }

    private static ClientAuth parseClientAuth(String key, String value) {
        try {
            return ClientAuth.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, value, "must be one of required, requested, none");
        }
    }

    private static KeyManagerFactory keyManagers(Lookup lookup) throws GeneralSecurityException {
        boolean pem = isPem(lookup, KEYSTORE_TYPE);
        String location = lookup.get(KEYSTORE_LOCATION, null);
        String password = lookup.get(KEYSTORE_PASSWORD, null);
        String keyPassword = lookup.get(KEY_PASSWORD, pem ? null : password);
        KeyStore store;
        char[] entryPassword;
        if (pem) {
            if (password != null) {
                throw new ConfigException(
                        lookup.keyOf(KEYSTORE_PASSWORD),
                        "A PEM key store has no password of its own, only the key's: set " + KEY_PASSWORD
                                + " if the key is encrypted (as Kafka refuses it)");
            }
            String inlineKey = lookup.get(KEYSTORE_KEY, null);
            String inlineChain = lookup.get(KEYSTORE_CERTIFICATE_CHAIN, null);
            String source = inlineKey != null ? lookup.keyOf(KEYSTORE_KEY) : lookup.keyOf(KEYSTORE_LOCATION);
            if (inlineKey != null && inlineChain == null || inlineKey == null && inlineChain != null) {
                throw new ConfigException(
                        inlineKey == null ? lookup.keyOf(KEYSTORE_CERTIFICATE_CHAIN) : lookup.keyOf(KEYSTORE_KEY),
                        KEYSTORE_KEY + " and " + KEYSTORE_CERTIFICATE_CHAIN + " go together");
            }
            String keyPem = inlineKey != null ? inlineKey : readPem(lookup, KEYSTORE_LOCATION, location);
            String chainPem = inlineChain != null ? inlineChain : keyPem;
            try {
                store = PemStores.keyStore(keyPem, chainPem, keyPassword);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, source + ": cannot read the PEM key store: " + e.getMessage());
            }
            entryPassword = PemStores.storePassword();
        } else {
            if (lookup.get(KEYSTORE_KEY, null) != null) {
                throw new ConfigException(
                        lookup.keyOf(KEYSTORE_KEY), KEYSTORE_KEY + " needs " + KEYSTORE_TYPE + "=PEM");
            }
            requireLocation(lookup, location);
            if (password == null) {
                throw new ConfigException(
                        lookup.keyOf(KEYSTORE_PASSWORD),
                        "SSL key store is specified, but key store password is not specified: set " + KEYSTORE_PASSWORD
                                + " (listener " + lookup.listener + ")");
            }
            store = load(lookup, KEYSTORE_TYPE, KEYSTORE_LOCATION, location, password);
            entryPassword = keyPassword == null ? new char[0] : keyPassword.toCharArray();
        }
        String algorithm = lookup.get(KEYMANAGER_ALGORITHM, KeyManagerFactory.getDefaultAlgorithm());
        KeyManagerFactory factory =
                managerFactory(lookup, KEYMANAGER_ALGORITHM, algorithm, KeyManagerFactory::getInstance);
        try {
            factory.init(store, entryPassword);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(
                    lookup.keyOf(KEY_PASSWORD),
                    "cannot read the private key in " + location + " (wrong " + KEY_PASSWORD + "?): " + e.getMessage());
        }
        return factory;
    }

    private static String requireLocation(Lookup lookup, String location) {
        if (location == null) {
            throw new ConfigException(
                    lookup.keyOf(KEYSTORE_LOCATION),
                    "Listener " + lookup.listener + " uses TLS and needs a key store with its certificate: set "
                            + KEYSTORE_LOCATION + " (or " + BrokerConfig.listenerPrefix(lookup.listener)
                            + KEYSTORE_LOCATION + ") and " + KEYSTORE_PASSWORD + ", or " + KEYSTORE_TYPE + "=PEM with "
                            + KEYSTORE_KEY + " and " + KEYSTORE_CERTIFICATE_CHAIN);
        }
        return location;
    }

    /**
     * The trust store's managers, or null (the JVM's default trusted authorities) when none is configured: a JKS or
     * PKCS12 file, or PEM certificates in a file or in {@code ssl.truststore.certificates}.
     */
    private static TrustManagerFactory trustManagers(Lookup lookup) throws GeneralSecurityException {
        String location = lookup.get(TRUSTSTORE_LOCATION, null);
        String inline = lookup.get(TRUSTSTORE_CERTIFICATES, null);
        String password = lookup.get(TRUSTSTORE_PASSWORD, null);
        KeyStore store;
        if (isPem(lookup, TRUSTSTORE_TYPE)) {
            if (password != null) {
                throw new ConfigException(
                        lookup.keyOf(TRUSTSTORE_PASSWORD),
                        "A PEM trust store has no password (as Kafka refuses it): remove " + TRUSTSTORE_PASSWORD);
            }
            if (inline == null && location == null) {
                return null;
            }
            String source = inline != null ? lookup.keyOf(TRUSTSTORE_CERTIFICATES) : lookup.keyOf(TRUSTSTORE_LOCATION);
            try {
                store = PemStores.trustStore(inline != null ? inline : readPem(lookup, TRUSTSTORE_LOCATION, location));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, source + ": cannot read the PEM trust store: " + e.getMessage());
            }
        } else {
            if (inline != null) {
                throw new ConfigException(
                        lookup.keyOf(TRUSTSTORE_CERTIFICATES),
                        TRUSTSTORE_CERTIFICATES + " needs " + TRUSTSTORE_TYPE + "=PEM");
            }
            if (location == null) {
                return null;
            }
            store = load(lookup, TRUSTSTORE_TYPE, TRUSTSTORE_LOCATION, location, password);
        }
        String algorithm = lookup.get(TRUSTMANAGER_ALGORITHM, TrustManagerFactory.getDefaultAlgorithm());
        TrustManagerFactory factory =
                managerFactory(lookup, TRUSTMANAGER_ALGORITHM, algorithm, TrustManagerFactory::getInstance);
        factory.init(store);
        return factory;
    }

    /** A key or trust manager factory for {@code algorithm}; an algorithm the JVM lacks names its key. */
    private static <T> T managerFactory(Lookup lookup, String key, String algorithm, FactoryLookup<T> factories) {
        try {
            return factories.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(lookup.keyOf(key), algorithm, "not an algorithm this JVM offers");
        }
    }

    /** {@code KeyManagerFactory::getInstance} or {@code TrustManagerFactory::getInstance}. */
    private interface FactoryLookup<T> {
        T getInstance(String algorithm) throws GeneralSecurityException;
    }

    private static boolean isPem(Lookup lookup, String typeKey) {
        String type = lookup.get(typeKey, "JKS").trim();
        if (!type.equalsIgnoreCase("JKS") && !type.equalsIgnoreCase("PKCS12") && !type.equalsIgnoreCase("PEM")) {
            throw new ConfigException(lookup.keyOf(typeKey), type, "Fjord reads JKS, PKCS12 and PEM stores");
        }
        return type.equalsIgnoreCase("PEM");
    }

    private static String readPem(Lookup lookup, String locationKey, String location) {
        if (location == null) {
            return requireLocation(lookup, null);
        }
        try {
            return Files.readString(Path.of(location), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new ConfigException(lookup.keyOf(locationKey), location, "no such file");
        } catch (IOException e) {
            throw new ConfigException(lookup.keyOf(locationKey), location, "cannot read it: " + e.getMessage());
        }
    }

    private static KeyStore load(Lookup lookup, String typeKey, String locationKey, String location, String password) {
        String type = lookup.get(typeKey, "JKS").trim().toUpperCase(Locale.ROOT);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (NoSuchFileException e) {
            throw new ConfigException(lookup.keyOf(locationKey), location, "no such file");
        } catch (IOException | GeneralSecurityException e) {
            String cause =
                    e.getCause() instanceof java.security.UnrecoverableKeyException ? "wrong password" : e.getMessage();
            throw new ConfigException(
                    lookup.keyOf(locationKey), location, "cannot read it as a " + type + " store: " + cause);
        }
    }

    private static String[] list(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    private static void requireSupported(String key, String[] wanted, String[] supported) {
        List<String> known = Arrays.asList(supported);
        for (String name : wanted) {
            if (!known.contains(name)) {
                throw new ConfigException(key, String.join(",", wanted), name + " is not supported by this JVM");
            }
        }
    }

    /** Reads a listener's {@code ssl.*} keys: the listener-prefixed one first, then the plain one. */
    private static final class Lookup {
        private final BrokerConfig config;
        private final String listener;
        private final String prefix;

        Lookup(BrokerConfig config, String listener) {
            this.config = config;
            this.listener = listener;
            this.prefix = BrokerConfig.listenerPrefix(listener);
        }

        String get(String key, String defaultValue) {
            String value = config.originals().get(prefix + key);
            if (value == null) {
                value = config.originals().get(key);
            }
            return value == null ? defaultValue : value.trim(); // as Kafka trims its string and password values
        }

        String prefixedOnly(String key) {
            String value = config.originals().get(prefix + key);
            return value == null ? null : value.trim();
        }

        /** The key that supplied {@code key}'s value, for error messages. */
        String keyOf(String key) {
            return config.originals().containsKey(prefix + key) ? prefix + key : key;
        }
    }
}

package io.fjord.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Key and trust stores for TLS tests, made by the JDK's own {@code keytool} in a directory: a broker key pair whose
 * certificate names {@code localhost} and {@code 127.0.0.1}, a client key pair ({@code CN=client}), a trust store
 * holding both certificates (brokers use it to trust clients and each other, clients to trust brokers), a trust store
 * holding only the broker's, and the broker's certificate as PEM for clients built on OpenSSL ({@code kcat}). Every
 * store is PKCS12 with password {@link #PASSWORD}; the certificates are self-signed and valid for a day. The broker's
 * key is also written as PEM (PKCS#8): unencrypted together with its certificate, and encrypted with {@link #PASSWORD}
 * on its own; {@code trustPem} holds both certificates as PEM.
 */
public record TlsFiles(
        Path brokerKeyStore,
        Path clientKeyStore,
        Path trustStore,
        Path brokerOnlyTrustStore,
        Path brokerPem,
        Path brokerKeyAndCertificatePem,
        Path brokerEncryptedKeyPem,
        Path trustPem) {

    public static final String PASSWORD = "fjord-secret";

    /**
     * A broker's {@code ssl.*} settings, each key behind {@code prefix} ("" or {@code listener.name.<listener>.}): the
     * broker's key store and {@code trustStore}, both PKCS12.
     */
    public Map<String, String> brokerSettings(String prefix, Path trustStore) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(prefix + "ssl.keystore.location", brokerKeyStore.toString());
        settings.put(prefix + "ssl.keystore.password", PASSWORD);
        settings.put(prefix + "ssl.keystore.type", "PKCS12");
        settings.put(prefix + "ssl.truststore.location", trustStore.toString());
        settings.put(prefix + "ssl.truststore.password", PASSWORD);
        settings.put(prefix + "ssl.truststore.type", "PKCS12");
        return settings;
    }

    /** Makes the stores in {@code dir} (about a second of {@code keytool} runs). */
    public static TlsFiles create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TlsFiles files = new TlsFiles(
                dir.resolve("broker.p12"),
                dir.resolve("client.p12"),
                dir.resolve("truststore.p12"),
                dir.resolve("broker-truststore.p12"),
                dir.resolve("broker.pem"),
                dir.resolve("broker-key-and-cert.pem"),
                dir.resolve("broker-key-encrypted.pem"),
                dir.resolve("trust.pem"));
        keyPair(files.brokerKeyStore, "broker", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        keyPair(files.clientKeyStore, "client", "CN=client", null);
        Path brokerCert = dir.resolve("broker.crt");
        Path clientCert = dir.resolve("client.crt");
        keytool(
                "-exportcert",
                "-alias",
                "broker",
                "-keystore",
                files.brokerKeyStore.toString(),
                "-storepass",
                PASSWORD,
                "-rfc",
                "-file",
                brokerCert.toString());
        keytool(
                "-exportcert",
                "-alias",
                "client",
                "-keystore",
                files.clientKeyStore.toString(),
                "-storepass",
                PASSWORD,
                "-rfc",
                "-file",
                clientCert.toString());
        trust(files.trustStore, "broker", brokerCert);
        trust(files.trustStore, "client", clientCert);
        trust(files.brokerOnlyTrustStore, "broker", brokerCert);
        Files.copy(brokerCert, files.brokerPem);
        Files.writeString(files.trustPem, Files.readString(brokerCert) + Files.readString(clientCert));
        writePemKeys(files);
        return files;
    }

    private static void writePemKeys(TlsFiles files) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(files.brokerKeyStore)) {
                store.load(in, PASSWORD.toCharArray());
            }
            PrivateKey key = (PrivateKey) store.getKey("broker", PASSWORD.toCharArray());
            String certificate = Files.readString(files.brokerPem);
            Files.writeString(files.brokerKeyAndCertificatePem, pem("PRIVATE KEY", key.getEncoded()) + certificate);
            String scheme = "PBEWithHmacSHA256AndAES_256";
            byte[] salt = new byte[16];
            byte[] iv = new byte[16];
            new SecureRandom().nextBytes(salt);
            new SecureRandom().nextBytes(iv);
            Cipher cipher = Cipher.getInstance(scheme);
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(PASSWORD.toCharArray())),
                    new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
            // EncryptedPrivateKeyInfo's constructors know PBES1 names only, so the DER is put together here:
            // SEQUENCE { SEQUENCE { OID pbes2, PBES2-params }, OCTET STRING encrypted } (RFC 8018), as OpenSSL writes.
            byte[] algorithm =
                    der(0x30, concat(PBES2_OID, cipher.getParameters().getEncoded()));
            byte[] info = der(0x30, concat(algorithm, der(0x04, cipher.doFinal(key.getEncoded()))));
            Files.writeString(files.brokerEncryptedKeyPem, pem("ENCRYPTED PRIVATE KEY", info));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the broker's key as PEM", e);
        }
    }

    /** The DER of OID 1.2.840.113549.1.5.13 (PBES2). */
    private static final byte[] PBES2_OID = {
        0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d
    };

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80
                ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n} : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        return concat(new byte[] {(byte) tag}, concat(length, content));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keyPair(Path store, String alias, String dname, String extension)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD));
        if (extension != null) {
            args.add("-ext");
            args.add(extension);
        }
        keytool(args.toArray(String[]::new));
    }

    private static void trust(Path store, String alias, Path certificate) throws IOException, InterruptedException {
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                alias,
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}

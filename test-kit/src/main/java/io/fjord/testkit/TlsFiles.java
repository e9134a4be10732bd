package io.fjord.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key and trust stores for TLS tests, made by the JDK's own {@code keytool} in a directory: a broker key pair whose
 * certificate names {@code localhost} and {@code 127.0.0.1}, a client key pair ({@code CN=client}), a trust store
 * holding both certificates (brokers use it to trust clients and each other, clients to trust brokers), a trust store
 * holding only the broker's, and the broker's certificate as PEM for clients built on OpenSSL ({@code kcat}). Every
 * store is PKCS12 with password {@link #PASSWORD}; the certificates are self-signed and valid for a day.
 */
public record TlsFiles(
        Path brokerKeyStore, Path clientKeyStore, Path trustStore, Path brokerOnlyTrustStore, Path brokerPem) {

    public static final String PASSWORD = "fjord-secret";

    /** Makes the stores in {@code dir} (about a second of {@code keytool} runs). */
    public static TlsFiles create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TlsFiles files = new TlsFiles(
                dir.resolve("broker.p12"),
                dir.resolve("client.p12"),
                dir.resolve("truststore.p12"),
                dir.resolve("broker-truststore.p12"),
                dir.resolve("broker.pem"));
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
        return files;
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

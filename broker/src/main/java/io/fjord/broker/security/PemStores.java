package io.fjord.broker.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Key and trust stores from PEM text, as Kafka reads {@code ssl.keystore.type=PEM} and {@code ssl.truststore.type=PEM}
 * (KIP-651): a private key in PKCS#8, unencrypted ({@code BEGIN PRIVATE KEY}) or encrypted with a password ({@code
 * BEGIN ENCRYPTED PRIVATE KEY}), with its certificate chain; trusted certificates, one or more {@code BEGIN
 * CERTIFICATE} blocks. Other blocks in the text are skipped. Errors are {@link IllegalArgumentException}s that say what
 * is wrong, for the caller to report with the key that supplied the text. Stateless.
 */
final class PemStores {

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** The in-memory store's own password: the store never leaves this JVM. */
    private static final char[] STORE_PASSWORD = "pem".toCharArray();

    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "DSA", "EdDSA"};

    private PemStores() {}

    /** The password {@link #keyStore}'s key entry is kept under, for the key manager. */
    static char[] storePassword() {
        return STORE_PASSWORD.clone();
    }

    /** A store holding one key entry: the private key of {@code keyPem} with the certificates of {@code chainPem}. */
    static KeyStore keyStore(String keyPem, String chainPem, String keyPassword) throws GeneralSecurityException {
        List<byte[]> plain = blocks(keyPem, "PRIVATE KEY");
        List<byte[]> encrypted = blocks(keyPem, "ENCRYPTED PRIVATE KEY");
        if (plain.size() + encrypted.size() != 1) {
            throw new IllegalArgumentException("expected one PKCS#8 private key (BEGIN PRIVATE KEY or BEGIN ENCRYPTED"
                    + " PRIVATE KEY), found " + (plain.size() + encrypted.size())
                    + (keyPem.contains("BEGIN RSA PRIVATE KEY")
                            ? " (PKCS#1 keys are not read: convert with openssl" + " pkcs8 -topk8)"
                            : ""));
        }
        PKCS8EncodedKeySpec spec;
        if (!plain.isEmpty()) {
            spec = new PKCS8EncodedKeySpec(plain.get(0)); // a password set for it anyway is not needed
        } else {
            if (keyPassword == null) {
                throw new IllegalArgumentException("the private key is encrypted: set ssl.key.password");
            }
            spec = decrypt(encrypted.get(0), keyPassword);
        }
        List<Certificate> chain = certificates(chainPem);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate (BEGIN CERTIFICATE) for the private key");
        }
        KeyStore store = emptyStore();
        store.setKeyEntry("kafka", privateKey(spec), STORE_PASSWORD, chain.toArray(Certificate[]::new));
        return store;
    }

    /** A store of trusted certificates: every certificate of {@code certificatesPem}. */
    static KeyStore trustStore(String certificatesPem) throws GeneralSecurityException {
        List<Certificate> certificates = certificates(certificatesPem);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate (BEGIN CERTIFICATE) to trust");
        }
        KeyStore store = emptyStore();
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("kafka" + i, certificates.get(i));
        }
        return store;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty PKCS12 store", e);
        }
        return store;
    }

    private static List<Certificate> certificates(String pem) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> certificates = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) {
            certificates.add(factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return certificates;
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, String password) throws GeneralSecurityException {
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new IllegalArgumentException("the encrypted private key is not PKCS#8: " + e.getMessage());
        }
        // PBES1 keys name their scheme (PBEWithSHA1AndDESede); for PBES2 (OpenSSL's default since 1.1) the JDK names
        // the scheme its parameters hold, e.g. PBEWithHmacSHA256AndAES_256, only through their toString.
        String algorithm = info.getAlgName();
        if (algorithm.equalsIgnoreCase("PBES2") || algorithm.equals("1.2.840.113549.1.5.13")) {
            algorithm = info.getAlgParameters().toString();
        }
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(
                Cipher.DECRYPT_MODE,
                SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password.toCharArray())),
                info.getAlgParameters());
        try {
            return info.getKeySpec(cipher);
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException("cannot decrypt the private key: wrong ssl.key.password?");
        }
    }

    private static PrivateKey privateKey(PKCS8EncodedKeySpec spec) throws GeneralSecurityException {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // not this algorithm's key: try the next
            }
        }
        throw new IllegalArgumentException("the private key is none of " + String.join(", ", KEY_ALGORITHMS));
    }

    /** The decoded bodies of the {@code type} blocks of {@code pem}, in order. */
    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(pem);
        while (matcher.find()) {
            if (matcher.group(1).equals(type)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("a " + type + " block is not base64: " + e.getMessage());
                }
            }
        }
        return blocks;
    }
}

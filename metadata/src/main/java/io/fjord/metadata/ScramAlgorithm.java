package io.fjord.metadata;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two SCRAM mechanisms Kafka offers (RFC 5802, RFC 7677) and the key derivation they share: the hash and HMAC of
 * each, the one-byte type Kafka's admin API and metadata records carry (its {@code ScramMechanism}: 1 and 2; 0 is
 * unknown), and the iteration bounds Kafka enforces. Stateless; safe from any thread ({@link Mac} and {@link
 * MessageDigest} instances are made per call).
 */
public enum ScramAlgorithm {
    SCRAM_SHA_256((byte) 1, "SCRAM-SHA-256", "SHA-256", "HmacSHA256"),
    SCRAM_SHA_512((byte) 2, "SCRAM-SHA-512", "SHA-512", "HmacSHA512");

    /** Kafka's {@code minIterations} of both mechanisms; fewer is UNACCEPTABLE_CREDENTIAL. */
    public static final int MIN_ITERATIONS = 4096;

    /** Kafka's {@code maxIterations} of both mechanisms; more is UNACCEPTABLE_CREDENTIAL. */
    public static final int MAX_ITERATIONS = 16384;

    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private final byte type;
    private final String mechanismName;
    private final String hashAlgorithm;
    private final String macAlgorithm;

    ScramAlgorithm(byte type, String mechanismName, String hashAlgorithm, String macAlgorithm) {
        this.type = type;
        this.mechanismName = mechanismName;
        this.hashAlgorithm = hashAlgorithm;
        this.macAlgorithm = macAlgorithm;
    }

    /** The type byte of Kafka's {@code ScramMechanism}, as the admin API and the metadata records carry it. */
    public byte type() {
        return type;
    }

    /** The SASL mechanism name, e.g. {@code SCRAM-SHA-256}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** The mechanism of Kafka type byte {@code type}, or null when it names none (Kafka's UNKNOWN). */
    public static ScramAlgorithm forType(byte type) {
        for (ScramAlgorithm algorithm : values()) {
            if (algorithm.type == type) {
                return algorithm;
            }
        }
        return null;
    }

    /** The mechanism called {@code name} (e.g. {@code SCRAM-SHA-512}), or null. */
    public static ScramAlgorithm forMechanismName(String name) {
        for (ScramAlgorithm algorithm : values()) {
            if (algorithm.mechanismName.equals(name)) {
                return algorithm;
            }
        }
        return null;
    }

    /** The length in bytes of this mechanism's hash, and so of its keys, proofs and signatures. */
    public int hashBytes() {
        return this == SCRAM_SHA_256 ? 32 : 64;
    }

    /** H(bytes). */
    public byte[] hash(byte[] bytes) {
        try {
            return MessageDigest.getInstance(hashAlgorithm).digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hashAlgorithm + " is missing from this JVM", e);
        }
    }

    /** HMAC(key, bytes). */
    public byte[] hmac(byte[] key, byte[] bytes) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            // An empty key is legal HMAC but SecretKeySpec refuses it; HMAC pads any key to the block size with zeros.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, macAlgorithm));
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macAlgorithm + " is missing from this JVM", e);
        }
    }

    /**
     * Hi(password, salt, iterations) of RFC 5802, i.e. PBKDF2 with this HMAC: the SaltedPassword a client sends in
     * an AlterUserScramCredentials upsertion. Here for tests and tools; the broker never sees a password.
     */
    public byte[] saltedPassword(byte[] password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        byte[] block = Arrays.copyOf(salt, salt.length + 4);
        block[salt.length + 3] = 1; // INT(1), big-endian
        byte[] u = hmac(password, block);
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = hmac(password, u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    /** ClientKey = HMAC(SaltedPassword, "Client Key"). */
    public byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    /** StoredKey = H(HMAC(SaltedPassword, "Client Key")). */
    public byte[] storedKey(byte[] saltedPassword) {
        return hash(clientKey(saltedPassword));
    }

    /** ServerKey = HMAC(SaltedPassword, "Server Key"). */
    public byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    /** What the server keeps of a password: the salt, StoredKey, ServerKey and the iteration count. */
    public ScramCredential credential(byte[] salt, byte[] saltedPassword, int iterations) {
        return new ScramCredential(salt, storedKey(saltedPassword), serverKey(saltedPassword), iterations);
    }
}

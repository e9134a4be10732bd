package io.fjord.broker.security;

import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredential;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The server side of SCRAM-SHA-256 or SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka speaks it, against the users'
 * credentials in the current metadata image (set with AlterUserScramCredentials). Each exchange is a {@link
 * ScramExchange}; this class holds what they share: the hash, where the credentials are, and where nonces and the
 * stand-in credentials of unknown users come from.
 *
 * <p>Randomness: server nonces must be unpredictable, so they come from a {@link SecureRandom} (not a seeded {@code
 * Random}); tests inject fixed nonces. An unknown user is answered with a salt and keys derived from a secret drawn
 * once per mechanism instance, the same for every attempt, so that neither the answer nor a second attempt tells an
 * unknown user from a known one; the exchange then fails at the proof with the message a wrong password gets.
 *
 * <p>Thread-safe: the image supplier and the random are; each exchange is confined to its connection.
 */
public final class ScramMechanism implements SaslMechanism {

    /**
     * The largest client token accepted (a client-first or client-final message). Kafka's are well under 1 KiB: a
     * name, a nonce of ~26 characters, a base64 proof of at most 88; the bound leaves room for long names.
     */
    public static final int MAX_TOKEN_BYTES = 16 * 1024;

    private final ScramAlgorithm algorithm;
    private final Supplier<MetadataImage> images;
    private final Supplier<String> serverNonces;
    private final byte[] unknownUserSecret;

    // Visible for testing
    ScramMechanism(
            ScramAlgorithm algorithm,
            Supplier<MetadataImage> images,
            Supplier<String> serverNonces,
            byte[] unknownUserSecret) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.images = Objects.requireNonNull(images, "images");
        this.serverNonces = Objects.requireNonNull(serverNonces, "serverNonces");
        this.unknownUserSecret = unknownUserSecret.clone();
    }

    /** SCRAM-SHA-256 and SCRAM-SHA-512 against the credentials of {@code images.get()}, with nonces from {@code random}. */
    public static List<SaslMechanism> all(Supplier<MetadataImage> images, SecureRandom random) {
        return List.of(
                of(ScramAlgorithm.SCRAM_SHA_256, images, random), of(ScramAlgorithm.SCRAM_SHA_512, images, random));
    }

    /** As {@link #all(Supplier, SecureRandom)} with a fresh {@link SecureRandom}. */
    public static List<SaslMechanism> all(Supplier<MetadataImage> images) {
        return all(images, new SecureRandom());
    }

    /** One mechanism, e.g. for a listener whose {@code sasl.enabled.mechanisms} names only it. */
    public static ScramMechanism of(ScramAlgorithm algorithm, Supplier<MetadataImage> images, SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return new ScramMechanism(algorithm, images, () -> randomString(random), secret);
    }

    /** Kafka's {@code ScramFormatter.secureRandomString}: 130 random bits in base 36 (about 26 characters). */
    static String randomString(java.util.Random random) {
        return new BigInteger(130, random).toString(Character.MAX_RADIX);
    }

    @Override
    public String name() {
        return algorithm.mechanismName();
    }

    @Override
    public SaslExchange newExchange() {
        return new ScramExchange(this);
    }

    ScramAlgorithm algorithm() {
        return algorithm;
    }

    String nextServerNonce() {
        return serverNonces.get();
    }

    /** The message Kafka sends for a wrong password, an unknown user or a malformed token. */
    String failureMessage() {
        return "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                + algorithm.mechanismName();
    }

    /**
     * {@code user}'s credential, or for a user without one a stand-in that looks like one: a salt shaped like the Java
     * Admin client's (base 36 text), Kafka's minimum iterations and keys no password matches, all derived from the
     * user's name and this instance's secret, so a second attempt sees the same salt.
     */
    Credential credential(String user) {
        ScramCredential credential = images.get().scram().credential(algorithm, user);
        if (credential != null) {
            return new Credential(credential, true);
        }
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        byte[] saltBits = Arrays.copyOf(algorithm.hmac(unknownUserSecret, concat("salt:", userBytes)), 17);
        byte[] salt = new BigInteger(1, saltBits)
                .shiftRight(6) // 136 bits to 130, as Kafka's salts
                .toString(Character.MAX_RADIX)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] storedKey = algorithm.hash(algorithm.hmac(unknownUserSecret, concat("stored:", userBytes)));
        byte[] serverKey = algorithm.hmac(unknownUserSecret, concat("server:", userBytes));
        return new Credential(new ScramCredential(salt, storedKey, serverKey, ScramAlgorithm.MIN_ITERATIONS), false);
    }

    private static byte[] concat(String prefix, byte[] bytes) {
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(head, head.length + bytes.length);
        System.arraycopy(bytes, 0, out, head.length, bytes.length);
        return out;
    }

    /** A credential to run the exchange against; {@code real} is false for an unknown user's stand-in. */
    record Credential(ScramCredential credential, boolean real) {}

    @Override
    public String toString() {
        return "ScramMechanism[" + algorithm.mechanismName() + "]";
    }
}

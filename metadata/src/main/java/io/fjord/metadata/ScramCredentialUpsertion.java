package io.fjord.metadata;

import java.util.Arrays;
import java.util.Objects;

/**
 * An AlterUserScramCredentials upsertion as the controller decides it: the user, the mechanism's Kafka type byte
 * (kept raw, so an unknown one gets UNSUPPORTED_SASL_MECHANISM), the client's salt and iterations, and StoredKey and
 * ServerKey already derived from the client's SaltedPassword by {@link #fromSaltedPassword}.
 *
 * <p>Why derived before the controller: the SaltedPassword is as good as the password (ClientKey follows from it), so
 * it is dropped by the broker that received the request. Everything that reaches the controller, and with a Raft
 * quorum the metadata log of every node, holds only what Kafka's UserScramCredentialRecord holds. Immutable: arrays
 * are copied in and out.
 */
public final class ScramCredentialUpsertion {

    private final String name;
    private final byte mechanism;
    private final int iterations;
    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;

    public ScramCredentialUpsertion(
            String name, byte mechanism, int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        this.name = Objects.requireNonNull(name, "name");
        this.mechanism = mechanism;
        this.iterations = iterations;
        this.salt = salt.clone();
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
    }

    /**
     * The upsertion a client sent, with its SaltedPassword turned into StoredKey and ServerKey; for an unknown
     * mechanism the keys are empty (the controller rejects it before looking at them).
     */
    public static ScramCredentialUpsertion fromSaltedPassword(
            String name, byte mechanism, int iterations, byte[] salt, byte[] saltedPassword) {
        ScramAlgorithm algorithm = ScramAlgorithm.forType(mechanism);
        if (algorithm == null) {
            return new ScramCredentialUpsertion(name, mechanism, iterations, salt, new byte[0], new byte[0]);
        }
        return new ScramCredentialUpsertion(
                name,
                mechanism,
                iterations,
                salt,
                algorithm.storedKey(saltedPassword),
                algorithm.serverKey(saltedPassword));
    }

    public String name() {
        return name;
    }

    public byte mechanism() {
        return mechanism;
    }

    public int iterations() {
        return iterations;
    }

    public byte[] salt() {
        return salt.clone();
    }

    public byte[] storedKey() {
        return storedKey.clone();
    }

    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** The credential to keep; the mechanism must be known. */
    ScramCredential credential() {
        return new ScramCredential(salt, storedKey, serverKey, iterations);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredentialUpsertion that
                && name.equals(that.name)
                && mechanism == that.mechanism
                && iterations == that.iterations
                && Arrays.equals(salt, that.salt)
                && Arrays.equals(storedKey, that.storedKey)
                && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, mechanism, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    @Override
    public String toString() {
        return "ScramCredentialUpsertion[" + name + ", mechanism=" + mechanism + ", iterations=" + iterations
                + ", keys redacted]";
    }
}

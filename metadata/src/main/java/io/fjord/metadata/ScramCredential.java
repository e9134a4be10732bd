package io.fjord.metadata;

import java.util.Arrays;

/**
 * One user's credential for one SCRAM mechanism as the server keeps it (RFC 5802 section 3): the salt and iteration
 * count it tells the client, StoredKey to verify the client's proof and ServerKey to sign its own final message.
 * Neither key lets anyone log in as the user. Immutable: the arrays are copied in and out; {@link #toString} shows no
 * key material.
 */
public final class ScramCredential {

    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;
    private final int iterations;

    public ScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {
        this.salt = salt.clone();
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
        this.iterations = iterations;
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

    public int iterations() {
        return iterations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredential that
                && iterations == that.iterations
                && Arrays.equals(salt, that.salt)
                && Arrays.equals(storedKey, that.storedKey)
                && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        int h = 31 * Arrays.hashCode(salt) + Arrays.hashCode(storedKey);
        return 31 * (31 * h + Arrays.hashCode(serverKey)) + iterations;
    }

    @Override
    public String toString() {
        return "ScramCredential[salt=" + salt.length + " bytes, iterations=" + iterations + ", keys redacted]";
    }
}

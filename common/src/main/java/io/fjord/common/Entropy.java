package io.fjord.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * The operating system's entropy, for the composition root to seed the broker's generators and draw its cluster id:
 * every {@code nextLong} is 64 fresh bits read from {@code /dev/urandom}, or from a {@link SecureRandom} where there
 * is no such file. Reading the file directly spares a start-up the security providers' set-up that the first
 * {@code new SecureRandom()} runs, about 20 ms of the time to the first acknowledged produce (wall-clock profile).
 *
 * <p>Safe from any thread; meant for a few draws at start-up, not for hot paths (each draw opens the file).
 */
public final class Entropy implements RandomGenerator {

    /** The one instance. */
    public static final Entropy SYSTEM = new Entropy(Path.of("/dev/urandom"));

    private final Path source;

    // Visible for testing
    Entropy(Path source) {
        this.source = source;
    }

    @Override
    public long nextLong() {
        byte[] bytes = new byte[Long.BYTES];
        try (InputStream in = Files.newInputStream(source)) {
            if (in.readNBytes(bytes, 0, bytes.length) == bytes.length) {
                return ByteBuffer.wrap(bytes).getLong();
            }
        } catch (IOException | UnsupportedOperationException e) {
            // No such device here (not Linux, or a sandbox without /dev): the JDK's generator instead.
        }
        return Fallback.RANDOM.nextLong();
    }

    /** Made on first use only (class initialisation is lazy and thread-safe); SecureRandom is thread-safe. */
    private static final class Fallback {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}

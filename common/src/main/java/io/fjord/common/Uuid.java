package io.fjord.common;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * A 128-bit id as Kafka uses it for topics and brokers: two longs, written on the wire as 16 bytes and
 * shown as 22 characters of URL-safe base64 without padding. {@link #ZERO} means "no id".
 *
 * <p>Immutable; safe from any thread.
 */
public record Uuid(long mostSignificantBits, long leastSignificantBits) implements Comparable<Uuid> {

    /** The all-zero id: "no topic id" on the wire. */
    public static final Uuid ZERO = new Uuid(0L, 0L);

    /** Kafka reserves this id for the cluster metadata topic; it is never handed out. */
    public static final Uuid METADATA_TOPIC_ID = new Uuid(0L, 1L);

    /** A new random id that is neither reserved nor starts with '-' (which would read as a CLI flag). */
    public static Uuid random(RandomGenerator random) {
        while (true) {
            long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4, like java.util.UUID
            long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            Uuid id = new Uuid(msb, lsb);
            if (!id.equals(ZERO)
                    && !id.equals(METADATA_TOPIC_ID)
                    && !id.toString().startsWith("-")) {
                return id;
            }
        }
    }

    /** Parses the 22-character base64 form; throws {@link IllegalArgumentException} naming the input. */
    public static Uuid fromString(String text) {
        if (text == null || text.length() != 22) {
            throw new IllegalArgumentException("a Uuid is 22 base64 characters, got: " + text);
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 Uuid: " + text, e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new Uuid(buffer.getLong(), buffer.getLong());
    }

    // Written out, not the record's generated ones: see TopicPartition.
    @Override
    public boolean equals(Object o) {
        return o instanceof Uuid other
                && mostSignificantBits == other.mostSignificantBits
                && leastSignificantBits == other.leastSignificantBits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(mostSignificantBits) * 31 + Long.hashCode(leastSignificantBits);
    }

    public boolean isZero() {
        return mostSignificantBits == 0L && leastSignificantBits == 0L;
    }

    @Override
    public String toString() {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.putLong(mostSignificantBits).putLong(leastSignificantBits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    @Override
    public int compareTo(Uuid other) {
        int c = Long.compare(mostSignificantBits, other.mostSignificantBits);
        return c != 0 ? c : Long.compare(leastSignificantBits, other.leastSignificantBits);
    }
}

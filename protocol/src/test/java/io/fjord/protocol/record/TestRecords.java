package io.fjord.protocol.record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded record contents for tests: keys and values null and not, small and large, with headers. */
record TestRecords(List<Spec> specs) {

    record Spec(long timestamp, byte[] key, byte[] value, Header[] headers) {}

    static TestRecords generate(long seed, int count) {
        Random random = new Random(seed);
        List<Spec> specs = new ArrayList<>();
        long timestamp = 1_700_000_000_000L;
        for (int i = 0; i < count; i++) {
            // Timestamps go back and forth, so deltas are negative too and max != last.
            timestamp += random.nextInt(2000) - 700;
            byte[] key = i % 4 == 1 ? null : bytes(random, random.nextInt(i % 7 == 0 ? 3000 : 20));
            byte[] value = i % 5 == 2 ? null : bytes(random, random.nextInt(i % 9 == 0 ? 70_000 : 200));
            Header[] headers = new Header[i % 3];
            for (int h = 0; h < headers.length; h++) {
                headers[h] = new Header(
                        "h" + h + "-\u00e9\u6f22", h == 1 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            specs.add(new Spec(timestamp, key, value, headers));
        }
        return new TestRecords(specs);
    }

    /** Compressible bytes: random letters from a small alphabet. */
    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(6));
        }
        return bytes;
    }

    long maxTimestamp() {
        return specs.stream().mapToLong(Spec::timestamp).max().orElseThrow();
    }
}

package io.fjord.broker.quota;

/**
 * A byte rate over a bounded number of fixed-length samples, as Kafka's {@code SimpleRate} over a
 * {@code WindowedSum}: a value is added to the current sample, which is replaced by a fresh one (the
 * oldest slot reused) once it is {@code windowMs} old; a sample {@code samples * windowMs} old no longer
 * counts; the rate is the sum of the samples over the time since the oldest counting sample began, and
 * at least over one window (so a first burst is measured as spread over a whole window).
 *
 * <p>Not thread-safe: its owner serializes calls.
 */
final class SampledRate {

    private final int samples;
    private final long windowMs;
    private final long[] startMs;
    private final long[] sums;
    private int created;
    private int current;

    SampledRate(int samples, long windowMs) {
        if (samples < 1 || windowMs < 1) {
            throw new IllegalArgumentException(
                    "a rate needs at least one sample of at least 1 ms, got " + samples + " of " + windowMs + " ms");
        }
        this.samples = samples;
        this.windowMs = windowMs;
        this.startMs = new long[samples];
        this.sums = new long[samples];
    }

    /** Adds {@code value} at {@code nowMs}. */
    void record(long value, long nowMs) {
        if (created == 0) {
            startSample(0, nowMs);
            created = 1;
        } else if (nowMs - startMs[current] >= windowMs) {
            current = (current + 1) % samples;
            created = Math.max(created, current + 1);
            startSample(current, nowMs);
        }
        sums[current] = saturatedAdd(sums[current], value);
    }

    /** The rate at {@code nowMs}, in units per second. */
    double perSecond(long nowMs) {
        if (created == 0) {
            startSample(0, nowMs); // Kafka measures against a sample that starts now
            created = 1;
        }
        long expireAgeMs = samples * windowMs;
        long oldestMs = Long.MAX_VALUE;
        long total = 0;
        for (int i = 0; i < created; i++) {
            if (nowMs - startMs[i] >= expireAgeMs) {
                startSample(i, nowMs);
            }
            oldestMs = Math.min(oldestMs, startMs[i]);
            total = saturatedAdd(total, sums[i]);
        }
        long elapsedMs = Math.max(nowMs - oldestMs, windowMs);
        return total * 1000.0 / elapsedMs;
    }

    private void startSample(int index, long nowMs) {
        startMs[index] = nowMs;
        sums[index] = 0;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}

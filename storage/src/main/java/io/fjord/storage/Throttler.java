package io.fjord.storage;

import io.fjord.common.Time;

/**
 * Keeps the cleaner's I/O under a rate: callers report the bytes they read or wrote, and a caller that
 * pushes the rate over the limit within the current check period sleeps until the rate is back under it.
 * As Kafka's {@code Throttler}, the period is 300 ms.
 *
 * <p>Thread-safe: shared by every cleaner thread (the limit is for all of them).
 */
final class Throttler {

    private static final long CHECK_PERIOD_NS = 300_000_000L;

    private final double bytesPerSecond;
    private final Time time;
    private long periodStartNs;
    private double bytesInPeriod;

    Throttler(double bytesPerSecond, Time time) {
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.periodStartNs = time.nanoseconds();
    }

    /** Counts {@code bytes} and sleeps if the rate of the current period is above the limit. */
    void maybeThrottle(long bytes) {
        if (bytesPerSecond >= Double.MAX_VALUE) {
            return;
        }
        long sleepMs = 0;
        synchronized (this) {
            bytesInPeriod += bytes;
            long elapsedNs = time.nanoseconds() - periodStartNs;
            if (elapsedNs > CHECK_PERIOD_NS) {
                double rate = bytesInPeriod * 1e9 / elapsedNs;
                if (rate > bytesPerSecond) {
                    double targetNs = bytesInPeriod * 1e9 / bytesPerSecond;
                    sleepMs = (long) ((targetNs - elapsedNs) / 1_000_000);
                }
                periodStartNs = time.nanoseconds() + sleepMs * 1_000_000;
                bytesInPeriod = 0;
            }
        }
        if (sleepMs > 0) {
            time.sleep(sleepMs);
        }
    }
}

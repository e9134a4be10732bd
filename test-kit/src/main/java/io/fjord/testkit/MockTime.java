package io.fjord.testkit;

import io.fjord.common.Time;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Time} that moves only when a test says so. {@link #sleep} advances the clock instead of
 * blocking. Thread-safe.
 */
public final class MockTime implements Time {

    private final AtomicLong nowMs;
    private final AtomicLong nowNs;

    public MockTime() {
        this(1_700_000_000_000L, 1_000_000_000L);
    }

    public MockTime(long startMs, long startNs) {
        this.nowMs = new AtomicLong(startMs);
        this.nowNs = new AtomicLong(startNs);
    }

    @Override
    public long milliseconds() {
        return nowMs.get();
    }

    @Override
    public long nanoseconds() {
        return nowNs.get();
    }

    @Override
    public void sleep(long durationMs) {
        advanceMs(durationMs);
    }

    /** Moves both clocks forward by {@code durationMs}. */
    public void advanceMs(long durationMs) {
        if (durationMs < 0) {
            throw new IllegalArgumentException("durationMs must not be negative: " + durationMs);
        }
        nowMs.addAndGet(durationMs);
        nowNs.addAndGet(durationMs * 1_000_000L);
    }
}

package io.fjord.common;

/**
 * The only source of time in main code. Milliseconds are wall-clock (for timestamps and retention);
 * nanoseconds are monotonic (for deadlines and durations). Never mix them.
 *
 * <p>Implementations are thread-safe.
 */
public interface Time {

    /** The shared wall clock of the running process. */
    Time SYSTEM = new SystemTime();

    /** Wall-clock milliseconds since the epoch. */
    long milliseconds();

    /** Monotonic nanoseconds, for measuring intervals and deadlines only. */
    long nanoseconds();

    /** Sleeps for {@code durationMs}; a mock implementation advances its clock instead. */
    void sleep(long durationMs);
}

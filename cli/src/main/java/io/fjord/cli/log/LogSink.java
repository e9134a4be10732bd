package io.fjord.cli.log;

import io.fjord.common.Time;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.TimeZone;
import java.util.function.Supplier;
import org.slf4j.event.Level;

/**
 * Writes log lines, {@code HH:mm:ss.SSS [thread] LEVEL logger - message} in the local time zone, each followed by the
 * stack trace of its throwable. A line and its trace go to the stream in one write, so nothing another thread
 * writes lands between them. The time is formatted by hand: SimpleDateFormat's Calendar and locale data cost the
 * broker about 25 ms of its start. Thread-safe.
 */
final class LogSink {

    private static final long MS_PER_DAY = 86_400_000L;

    private final Supplier<PrintStream> out;
    private final Time time;
    private final Supplier<TimeZone> zoneSource;
    private volatile TimeZone zone;

    /**
     * {@code out} is asked for the stream at every line, so a test (or the CLI) may swap System.err; {@code zone} is
     * asked once, at the first line (reading the zone data is left out of the start when nothing logs).
     */
    LogSink(Supplier<PrintStream> out, Time time, Supplier<TimeZone> zone) {
        this.out = out;
        this.time = time;
        this.zoneSource = zone;
    }

    /** Writes one event; a null {@code message} (a caller logged null) is written as "null". */
    void write(Level level, String loggerName, String message, Throwable thrown) {
        String text = String.valueOf(message);
        String thread = Thread.currentThread().getName();
        StringBuilder line = new StringBuilder(32 + thread.length() + loggerName.length() + text.length());
        appendTime(line, time.milliseconds());
        line.append(" [")
                .append(thread)
                .append("] ")
                .append(level)
                .append(' ')
                .append(loggerName)
                .append(" - ")
                .append(text);
        line.append(System.lineSeparator());
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        PrintStream stream = out.get();
        stream.print(line);
        stream.flush();
    }

    /** Appends {@code HH:mm:ss.SSS} of {@code epochMs} in this sink's zone. */
    void appendTime(StringBuilder line, long epochMs) {
        TimeZone local = zone;
        if (local == null) {
            local = zoneSource.get();
            zone = local;
        }
        long msOfDay = Math.floorMod(epochMs + local.getOffset(epochMs), MS_PER_DAY);
        appendDigits(line, msOfDay / 3_600_000L, 2);
        line.append(':');
        appendDigits(line, msOfDay / 60_000L % 60, 2);
        line.append(':');
        appendDigits(line, msOfDay / 1_000L % 60, 2);
        line.append('.');
        appendDigits(line, msOfDay % 1_000L, 3);
    }

    private static void appendDigits(StringBuilder line, long value, int width) {
        for (long bound = width == 3 ? 100 : 10; bound > value && bound > 1; bound /= 10) {
            line.append('0');
        }
        line.append(value);
    }
}

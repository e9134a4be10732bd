package io.fjord.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.testkit.MockTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class LogSinkTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final MockTime time = new MockTime();

    private LogSink sink(String zone) {
        return new LogSink(() -> stream, time, () -> TimeZone.getTimeZone(zone));
    }

    private static long epochMs(String localDateTime, String zone) {
        return LocalDateTime.parse(localDateTime)
                .atZone(ZoneId.of(zone))
                .toInstant()
                .toEpochMilli();
    }

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesTimeThreadLevelLoggerAndMessageOnOneLine() throws Exception {
        time.advanceMs(epochMs("2026-11-22T09:05:07.042", "UTC") - time.milliseconds());
        Thread writer = new Thread(
                () -> sink("UTC").write(Level.INFO, "io.fjord.broker.Partition", "t-0: leader in epoch 3", null),
                "fjord-metadata-log-writer");
        writer.start();
        writer.join();

        assertThat(written())
                .isEqualTo("09:05:07.042 [fjord-metadata-log-writer] INFO io.fjord.broker.Partition - t-0: leader in"
                        + " epoch 3" + System.lineSeparator());
    }

    @Test
    void theTimeIsLocalToTheZoneAcrossDaylightSavingAndMidnight() {
        StringBuilder line = new StringBuilder();
        LogSink berlin = sink("Europe/Berlin");

        berlin.appendTime(line, epochMs("2026-07-01T23:59:59.999", "Europe/Berlin"));
        line.append(' ');
        berlin.appendTime(line, epochMs("2026-12-01T00:00:00.000", "Europe/Berlin"));
        line.append(' ');
        sink("America/St_Johns").appendTime(line, epochMs("2026-03-01T12:30:00.100", "America/St_Johns"));

        assertThat(line.toString()).isEqualTo("23:59:59.999 00:00:00.000 12:30:00.100");
    }

    @Test
    void theTimeBeforeTheEpochIsStillAClockTime() {
        StringBuilder line = new StringBuilder();

        sink("UTC").appendTime(line, epochMs("1969-12-31T23:00:01.005", "UTC"));

        assertThat(line.toString()).isEqualTo("23:00:01.005");
    }

    @Test
    void aThrowablesStackTraceFollowsItsLine() {
        sink("UTC").write(Level.ERROR, "io.fjord.storage.Log", "append failed", new IllegalStateException("disk"));

        String[] lines = written().split(System.lineSeparator());
        assertThat(lines[0]).endsWith("ERROR io.fjord.storage.Log - append failed");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: disk");
        assertThat(lines[2]).startsWith("\tat io.fjord.cli.log.LogSinkTest.");
    }
}

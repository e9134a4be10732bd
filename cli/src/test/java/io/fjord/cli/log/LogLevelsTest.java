package io.fjord.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class LogLevelsTest {

    private final List<String> complaints = new ArrayList<>();

    private static LogLevels.Source source(String keyPrefix, String... keyValues) {
        Properties settings = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return new LogLevels.Source(settings, keyPrefix);
    }

    @Test
    void aLoggerTakesTheLevelOfItsNearestDottedPrefix() {
        LogLevels levels = LogLevels.parse(
                complaints::add,
                source(
                        "",
                        "level",
                        "warn",
                        "level.org.apache.kafka",
                        "error",
                        "level.org.apache.kafka.clients",
                        "debug"));

        assertThat(levels.threshold("org.apache.kafka.clients.NetworkClient")).isEqualTo(Level.DEBUG.toInt());
        assertThat(levels.threshold("org.apache.kafka.common.Utils")).isEqualTo(Level.ERROR.toInt());
        assertThat(levels.threshold("org.apache.kafkaesque.Other")).isEqualTo(Level.WARN.toInt());
        assertThat(levels.threshold("io.fjord.broker.Partition")).isEqualTo(Level.WARN.toInt());
        assertThat(complaints).isEmpty();
    }

    @Test
    void infoIsTheDefaultWhenNothingIsSet() {
        assertThat(LogLevels.parse(complaints::add).threshold("io.fjord.x")).isEqualTo(Level.INFO.toInt());
    }

    @Test
    void laterSourcesOverrideEarlierOnesAndKeysOutsideThePrefixAreIgnored() {
        LogLevels levels = LogLevels.parse(
                complaints::add,
                source("", "level", "info", "level.io.fjord.storage", "warn"),
                source(
                        "fjord.log.",
                        "fjord.log.level.io.fjord.storage",
                        "TRACE",
                        "user.home",
                        "/root",
                        "level",
                        "error"));

        assertThat(levels.threshold("io.fjord.storage.Log")).isEqualTo(Level.TRACE.toInt());
        assertThat(levels.threshold("io.fjord.broker.Partition")).isEqualTo(Level.INFO.toInt());
    }

    @Test
    void offSilencesALoggerAtEveryLevel() {
        LogLevels levels = LogLevels.parse(complaints::add, source("", "level.org.apache.ratis.util.LifeCycle", "off"));

        assertThat(levels.threshold("org.apache.ratis.util.LifeCycle")).isEqualTo(LogLevels.OFF);
        assertThat(levels.threshold("org.apache.ratis.util.LifeCycle")).isGreaterThan(Level.ERROR.toInt());
    }

    @Test
    void anUnknownLevelIsReportedWithItsKeyAndValueAndIgnored() {
        LogLevels levels = LogLevels.parse(
                complaints::add,
                source("", "level.io.fjord", "warn"),
                source("fjord.log.", "fjord.log.level.io.fjord", "loud", "fjord.log.level", "quiet"));

        assertThat(levels.threshold("io.fjord.broker")).isEqualTo(Level.WARN.toInt());
        assertThat(levels.threshold("org.example")).isEqualTo(Level.INFO.toInt());
        assertThat(complaints)
                .containsExactlyInAnyOrder(
                        "log level fjord.log.level.io.fjord=loud is not one of trace, debug, info, warn, error, off;"
                                + " ignored",
                        "log level fjord.log.level=quiet is not one of trace, debug, info, warn, error, off; ignored");
    }
}

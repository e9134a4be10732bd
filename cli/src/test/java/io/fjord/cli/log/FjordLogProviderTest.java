package io.fjord.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.testkit.MockTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class FjordLogProviderTest {

    @Test
    void slf4jFindsTheProviderAndTheBundledLevelsApply() {
        Logger kafka = LoggerFactory.getLogger("org.apache.kafka.clients.producer.KafkaProducer");
        Logger networkClient = LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
        Logger lifeCycle = LoggerFactory.getLogger("org.apache.ratis.util.LifeCycle");
        Logger fjord = LoggerFactory.getLogger("io.fjord.broker.partition.Partition");

        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(FjordLogProvider.Factory.class);
        assertThat(fjord).isInstanceOf(LineLogger.class);
        assertThat(fjord.isInfoEnabled()).isTrue();
        assertThat(fjord.isDebugEnabled()).isFalse();
        assertThat(kafka.isInfoEnabled()).isFalse();
        assertThat(kafka.isWarnEnabled()).isTrue();
        assertThat(networkClient.isErrorEnabled())
                .as("the command reports a refused connection or login in its own line")
                .isFalse();
        assertThat(lifeCycle.isErrorEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("io.fjord.broker.partition.Partition"))
                .isSameAs(fjord);
    }

    @Test
    void placeholdersAreFilledAndATrailingThrowableIsItsStackTrace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        LogLevels levels = LogLevels.parse(complaint -> {});
        FjordLogProvider.Factory factory = new FjordLogProvider.Factory(
                levels, new LogSink(() -> stream, new MockTime(0L, 0L), () -> TimeZone.getTimeZone("UTC")));
        Logger logger = factory.getLogger("io.fjord.storage.Log");

        logger.warn("segment {} of {} is {}", 3, "t-0", "short", new IllegalStateException("eof"));
        logger.debug("not written {}", 1);
        logger.error(null);

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertThat(lines[0])
                .isEqualTo("00:00:00.000 [" + Thread.currentThread().getName()
                        + "] WARN io.fjord.storage.Log - segment 3 of t-0 is short");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: eof");
        assertThat(lines[lines.length - 1]).endsWith("] ERROR io.fjord.storage.Log - null");
        assertThat(String.join("\n", lines)).doesNotContain("not written");
    }

    @Test
    void levelsChangedAtRuntimeReachLoggersMadeBeforeAndAfterAndPackagesAreListed() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        FjordLogProvider.Factory factory = new FjordLogProvider.Factory(
                LogLevels.parse(complaint -> {}),
                new LogSink(() -> stream, new MockTime(0L, 0L), () -> TimeZone.getTimeZone("UTC")));
        Logger log = factory.getLogger("io.fjord.storage.Log");
        Logger other = factory.getLogger("io.fjord.broker.BrokerServer");

        assertThat(factory.levels())
                .containsExactly(
                        Map.entry("root", "INFO"),
                        Map.entry("io", "INFO"),
                        Map.entry("io.fjord", "INFO"),
                        Map.entry("io.fjord.broker", "INFO"),
                        Map.entry("io.fjord.broker.BrokerServer", "INFO"),
                        Map.entry("io.fjord.storage", "INFO"),
                        Map.entry("io.fjord.storage.Log", "INFO"));
        factory.set("io.fjord.storage", "DEBUG");
        Logger later = factory.getLogger("io.fjord.storage.LogCleaner");
        assertThat(log.isDebugEnabled()).isTrue();
        assertThat(later.isDebugEnabled()).isTrue();
        assertThat(other.isDebugEnabled()).isFalse();
        assertThat(factory.levels()).containsEntry("io.fjord.storage.LogCleaner", "DEBUG");

        factory.set("root", "FATAL"); // Kafka's FATAL logs as ERROR
        assertThat(other.isWarnEnabled()).isFalse();
        assertThat(other.isErrorEnabled()).isTrue();
        assertThat(factory.levels()).containsEntry("root", "ERROR");
        factory.unset("io.fjord.storage");
        assertThat(log.isDebugEnabled()).isFalse();
        assertThat(log.isErrorEnabled()).isTrue();
        assertThat(factory.exists("io.fjord")).isTrue();
        assertThat(factory.exists("io.fjord.nothing")).isFalse();
    }

    @Test
    void systemPropertiesOverrideTheDefaultLevels() {
        String key = FjordLogProvider.PROPERTY_PREFIX + "level.org.apache.kafka.clients.producer";
        System.setProperty(key, "debug");
        try {
            FjordLogProvider provider = new FjordLogProvider();
            provider.initialize();

            Logger producer = provider.getLoggerFactory().getLogger("org.apache.kafka.clients.producer.KafkaProducer");
            Logger admin = provider.getLoggerFactory().getLogger("org.apache.kafka.clients.admin.KafkaAdminClient");
            assertThat(producer.isDebugEnabled()).isTrue();
            assertThat(admin.isInfoEnabled()).isFalse();
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void jvmOptionsNameThisProviderForServerAndClientCommands() throws Exception {
        List<String> named = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("..", "config", "jvm.options"))) {
            Matcher provider = Pattern.compile("-Dslf4j\\.provider=(\\S+)").matcher(line);
            if (!line.startsWith("#") && provider.find()) {
                named.add(provider.group(1));
            }
        }

        assertThat(named).containsExactly(FjordLogProvider.class.getName(), FjordLogProvider.class.getName());
    }
}

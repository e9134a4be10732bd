package io.fjord.cli.log;

import io.fjord.common.LoggerLevels;
import io.fjord.common.Time;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The fjord command's SLF4J backend (the broker's and the client commands' log): one line per event on standard
 * error, {@code HH:mm:ss.SSS [thread] LEVEL logger - message}, as slf4j-simple printed them before. slf4j-simple built
 * a SimpleDateFormat for its timestamps, whose Calendar and locale data cost the broker about 25 ms of its start
 * (alternating starts); {@link LogSink} formats the time by hand.
 *
 * <p>Levels: {@link #defaultLevels()}, overridden by the system properties {@code fjord.log.level} and
 * {@code fjord.log.level.LOGGER}, e.g. {@code -Dfjord.log.level.io.fjord.storage=debug} (trace, debug, info, warn,
 * error, off; another value is reported in one line and ignored). A logger takes the level of its nearest dotted
 * prefix. The defaults are code, not a class-path file:
 * looking a file up searches every JDK module and opens the cli jar, about 5 ms of the broker's start.
 *
 * <p>SLF4J creates the provider through ServiceLoader, or by name from the {@code slf4j.provider} system property
 * (bin/fjord's options name it, which skips a scan of every jar), and calls {@link #initialize} once before handing
 * out loggers; loggers are created on any thread and kept per name.
 */
public final class FjordLogProvider implements SLF4JServiceProvider {

    static final String PROPERTY_PREFIX = "fjord.log.";

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private volatile ILoggerFactory loggers;

    @Override
    public void initialize() {
        LogLevels levels = LogLevels.parse(
                complaint -> System.err.println("fjord: " + complaint),
                new LogLevels.Source(defaultLevels(), ""),
                new LogLevels.Source(System.getProperties(), PROPERTY_PREFIX));
        loggers = new Factory(levels, new LogSink(() -> System.err, Time.SYSTEM, TimeZone::getDefault));
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    /** The levels the fjord command logs at unless system properties say otherwise. */
    static Properties defaultLevels() {
        Properties levels = new Properties();
        levels.setProperty(LogLevels.DEFAULT_KEY, "info");
        // The fjord command prints its own one-line errors; the client library speaks only when something is wrong.
        // NetworkClient logs every refused connection at WARN while the CLI waits for its timeout, and a failed SASL
        // login at ERROR, which the command reports itself in its one line: it is off.
        levels.setProperty(LogLevels.NAME_PREFIX + "org.apache.kafka", "warn");
        levels.setProperty(LogLevels.NAME_PREFIX + "org.apache.kafka.clients.NetworkClient", "off");
        levels.setProperty(LogLevels.NAME_PREFIX + "org.apache.kafka.clients.admin.internals", "error");
        levels.setProperty(LogLevels.NAME_PREFIX + "org.apache.kafka.clients.consumer.internals", "error");
        // Ratis (the metadata quorum) logs every retried client request and every lifecycle transition at INFO/WARN
        // while a quorum forms or changes leader; those are expected: Ratis shows from WARN up, and its two loggers
        // of those messages not at all.
        levels.setProperty(LogLevels.NAME_PREFIX + "org.apache.ratis", "warn");
        levels.setProperty(LogLevels.NAME_PREFIX + "org.apache.ratis.client.impl.OrderedAsync", "off");
        levels.setProperty(LogLevels.NAME_PREFIX + "org.apache.ratis.util.LifeCycle", "off");
        return levels;
    }

    /**
     * One {@link LineLogger} per name, its level from {@code levels} when first asked for; also the process's {@link
     * LoggerLevels}, which changes the levels of the loggers it has made and of those it makes later.
     */
    static final class Factory implements ILoggerFactory, LoggerLevels {

        private volatile LogLevels levels;
        private final LogSink sink;
        private final ConcurrentMap<String, LineLogger> byName = new ConcurrentHashMap<>();

        Factory(LogLevels levels, LogSink sink) {
            this.levels = levels;
            this.sink = sink;
        }

        @Override
        public Logger getLogger(String name) {
            LineLogger logger = byName.computeIfAbsent(name, n -> new LineLogger(n, levels.threshold(n), sink));
            int threshold = levels.threshold(name);
            if (logger.threshold() != threshold) { // made while the levels changed
                logger.threshold(threshold);
            }
            return logger;
        }

        @Override
        public Map<String, String> levels() {
            LogLevels current = levels;
            Map<String, String> out = new LinkedHashMap<>();
            out.put(ROOT, LogLevels.levelName(current.defaultThreshold()));
            // every logger, every name with a level of its own, and every package above them, which an operator may
            // set for all the loggers below it (kafka-configs accepts only the names listed here)
            Set<String> names = new TreeSet<>(current.names());
            for (String name : byName.keySet()) {
                for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
                    names.add(name.substring(0, dot));
                }
                names.add(name);
            }
            for (String name : names) {
                out.put(name, LogLevels.levelName(current.threshold(name)));
            }
            return out;
        }

        @Override
        public boolean exists(String name) {
            return levels().containsKey(name);
        }

        @Override
        public synchronized void set(String name, String level) {
            Integer threshold = LogLevels.thresholdOf(level.equals("FATAL") ? "ERROR" : level);
            if (threshold == null) {
                throw new IllegalArgumentException("not a log level: " + level);
            }
            levels = levels.with(name.equals(ROOT) ? null : name, threshold);
            apply();
        }

        @Override
        public synchronized void unset(String name) {
            if (name.equals(ROOT)) {
                throw new IllegalArgumentException("the root level cannot be unset");
            }
            levels = levels.without(name);
            apply();
        }

        private void apply() {
            LogLevels current = levels;
            byName.values().forEach(logger -> logger.threshold(current.threshold(logger.getName())));
        }
    }
}

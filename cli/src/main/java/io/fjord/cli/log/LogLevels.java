package io.fjord.cli.log;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.slf4j.event.Level;

/**
 * The level each logger logs at: the level set for its name or for its nearest dotted prefix, else the default.
 * Built from {@code level} and {@code level.NAME} keys (values trace, debug, info, warn, error or off); immutable, so
 * any thread may read it. A change at runtime ({@link #with}, {@link #without}) makes a new one.
 */
final class LogLevels {

    /** A threshold above every level: nothing is logged. */
    static final int OFF = Integer.MAX_VALUE;

    static final String DEFAULT_KEY = "level";
    static final String NAME_PREFIX = "level.";

    private final int defaultThreshold;
    private final Map<String, Integer> thresholds;

    private LogLevels(int defaultThreshold, Map<String, Integer> thresholds) {
        this.defaultThreshold = defaultThreshold;
        this.thresholds = thresholds;
    }

    /**
     * The levels in {@code sources}, where a source's key prefix comes before {@code level} and {@code level.NAME}
     * (empty for the defaults, {@code fjord.log.} for system properties); later sources override earlier ones. A
     * setting with an unknown level name is left out, and {@code complaints} gets a line naming its key and value.
     */
    static LogLevels parse(Consumer<String> complaints, Source... sources) {
        int defaultThreshold = Level.INFO.toInt();
        Map<String, Integer> thresholds = new HashMap<>();
        for (Source source : sources) {
            for (String key : source.settings().stringPropertyNames()) {
                if (!key.startsWith(source.keyPrefix())) {
                    continue;
                }
                String name = key.substring(source.keyPrefix().length());
                String value = source.settings().getProperty(key);
                boolean isDefault = name.equals(DEFAULT_KEY);
                if (!isDefault && !(name.startsWith(NAME_PREFIX) && name.length() > NAME_PREFIX.length())) {
                    continue;
                }
                Integer threshold = thresholdOf(value);
                if (threshold == null) {
                    complaints.accept("log level " + key + "=" + value
                            + " is not one of trace, debug, info, warn, error, off; ignored");
                } else if (isDefault) {
                    defaultThreshold = threshold;
                } else {
                    thresholds.put(name.substring(NAME_PREFIX.length()), threshold);
                }
            }
        }
        return new LogLevels(defaultThreshold, Map.copyOf(thresholds));
    }

    /** These levels with {@code name}'s own set to {@code threshold}; {@code null} names the default. */
    LogLevels with(String name, int threshold) {
        if (name == null) {
            return new LogLevels(threshold, thresholds);
        }
        Map<String, Integer> changed = new HashMap<>(thresholds);
        changed.put(name, threshold);
        return new LogLevels(defaultThreshold, Map.copyOf(changed));
    }

    /** These levels without {@code name}'s own. */
    LogLevels without(String name) {
        Map<String, Integer> changed = new HashMap<>(thresholds);
        changed.remove(name);
        return new LogLevels(defaultThreshold, Map.copyOf(changed));
    }

    int defaultThreshold() {
        return defaultThreshold;
    }

    /** The names with a level of their own. */
    java.util.Set<String> names() {
        return thresholds.keySet();
    }

    /** The name of the level a threshold stands for: TRACE, DEBUG, INFO, WARN, ERROR or OFF. */
    static String levelName(int threshold) {
        for (Level level : Level.values()) {
            if (level.toInt() == threshold) {
                return level.name();
            }
        }
        return "OFF";
    }

    /** The lowest {@link Level#toInt()} that {@code loggerName} logs, or {@link #OFF}. */
    int threshold(String loggerName) {
        String name = loggerName;
        while (true) {
            Integer threshold = thresholds.get(name);
            if (threshold != null) {
                return threshold;
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return defaultThreshold;
            }
            name = name.substring(0, dot);
        }
    }

    /** The threshold {@code value} names, or null when it names no level. */
    static Integer thresholdOf(String value) {
        String level = value.trim().toUpperCase(Locale.ROOT);
        if (level.equals("OFF")) {
            return OFF;
        }
        for (Level candidate : Level.values()) {
            if (candidate.name().equals(level)) {
                return candidate.toInt();
            }
        }
        return null;
    }

    /** Settings whose level keys start with {@code keyPrefix}. */
    record Source(Properties settings, String keyPrefix) {}
}

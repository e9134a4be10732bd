package io.fjord.common.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A set of configuration keys with Kafka's types, defaults and validators, and the parser that turns
 * text into typed values. The parsing rules and error messages follow Kafka's {@code ConfigDef}, so a
 * value Kafka accepts is accepted here and a value Kafka rejects fails with the same words.
 *
 * <p>Build it once (single thread) with {@link #define}; after that it is read-only and safe to share.
 */
public final class ConfigDef {

    /** The default of a required key. */
    public static final Object NO_DEFAULT = new Object() {
        @Override
        public String toString() {
            return "<no default>";
        }
    };

    /** How a value is written as text. */
    public enum Type {
        BOOLEAN,
        INT,
        SHORT,
        LONG,
        DOUBLE,
        STRING,
        /** Comma-separated; surrounding whitespace is dropped; the empty string is the empty list. */
        LIST,
        /** A class name; Fjord does not load plugin classes, so it stays a string. */
        CLASS,
        PASSWORD
    }

    /** How much a user should care about a key (documentation only). */
    public enum Importance {
        HIGH,
        MEDIUM,
        LOW
    }

    /** Checks a parsed value; throws {@link ConfigException} naming the key when it is not allowed. */
    @FunctionalInterface
    public interface Validator {
        void ensureValid(String name, Object value);
    }

    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

    /** Adds a key; {@code defaultValue} is given as text (or null, or {@link #NO_DEFAULT}). */
    public ConfigDef define(
            String name, Type type, Object defaultValue, Validator validator, Importance importance, String doc) {
        if (keys.containsKey(name)) {
            throw new IllegalArgumentException("Configuration " + name + " is defined twice");
        }
        Object parsedDefault =
                defaultValue == NO_DEFAULT || defaultValue == null ? defaultValue : parseType(name, defaultValue, type);
        if (parsedDefault != NO_DEFAULT && parsedDefault != null && validator != null) {
            validator.ensureValid(name, parsedDefault);
        }
        keys.put(name, new ConfigKey(name, type, parsedDefault, validator, importance, doc));
        return this;
    }

    /** Adds a key without a validator. */
    public ConfigDef define(String name, Type type, Object defaultValue, Importance importance, String doc) {
        return define(name, type, defaultValue, null, importance, doc);
    }

    /** The key named {@code name}, or null. */
    public ConfigKey key(String name) {
        return keys.get(name);
    }

    /** Every key, in definition order. */
    public Map<String, ConfigKey> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** The names of every key. */
    public Set<String> names() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    /**
     * Parses every defined key from {@code props} (unset keys take their default). Keys of {@code props}
     * that are not defined here are ignored: the caller decides whether they are allowed.
     *
     * @throws ConfigException naming the first key whose value is bad or that is required and missing
     */
    public Map<String, Object> parse(Map<String, String> props) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey key : keys.values()) {
            String raw = props.get(key.name());
            if (raw != null) {
                values.put(key.name(), key.parse(raw));
            } else if (key.hasDefault()) {
                values.put(key.name(), key.defaultValue());
            } else {
                throw new ConfigException(
                        key.name(),
                        "Missing required configuration \"" + key.name() + "\" which has no default value.");
            }
        }
        return values;
    }

    /** Parses {@code value} (text, or already of the type) as {@code type}, naming {@code name} on failure. */
    public static Object parseType(String name, Object value, Type type) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            return checkInstance(name, value, type);
        }
        String trimmed = text.trim();
        try {
            return switch (type) {
                case BOOLEAN -> parseBoolean(name, trimmed);
                case INT -> Integer.parseInt(trimmed);
                case SHORT -> Short.parseShort(trimmed);
                case LONG -> Long.parseLong(trimmed);
                case DOUBLE -> Double.parseDouble(trimmed);
                case STRING, CLASS -> trimmed;
                case PASSWORD -> new Password(trimmed);
                case LIST -> trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s*,\\s*", -1));
            };
        } catch (NumberFormatException e) {
            throw new ConfigException(name, value, "Not a number of type " + type);
        }
    }

    private static Object parseBoolean(String name, String trimmed) {
        if (trimmed.equalsIgnoreCase("true")) {
            return true;
        }
        if (trimmed.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(name, trimmed, "Expected value to be either true or false");
    }

    private static Object checkInstance(String name, Object value, Type type) {
        boolean ok =
                switch (type) {
                    case BOOLEAN -> value instanceof Boolean;
                    case INT -> value instanceof Integer;
                    case SHORT -> value instanceof Short;
                    case LONG -> value instanceof Long;
                    case DOUBLE -> value instanceof Double;
                    case STRING, CLASS -> false;
                    case PASSWORD -> value instanceof Password;
                    case LIST -> value instanceof List<?>;
                };
        if (!ok) {
            throw new ConfigException(name, value, "Expected a value of type " + type);
        }
        return value;
    }

    /** The text form of a parsed value, as DescribeConfigs shows it (lists comma-joined). */
    public static String toText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        if (value instanceof Password password) {
            return password.value();
        }
        return value.toString();
    }

    // ---- validators, named like Kafka's ----

    /** A numeric range; either bound may be null. Kafka: {@code ConfigDef.Range}. */
    public static final class Range implements Validator {
        private final Number min;
        private final Number max;

        private Range(Number min, Number max) {
            this.min = min;
            this.max = max;
        }

        public static Range atLeast(Number min) {
            return new Range(min, null);
        }

        public static Range between(Number min, Number max) {
            return new Range(min, max);
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "Value must be non-null");
            }
            double n = ((Number) value).doubleValue();
            if (min != null && n < min.doubleValue()) {
                throw new ConfigException(name, value, "Value must be at least " + min);
            }
            if (max != null && n > max.doubleValue()) {
                throw new ConfigException(name, value, "Value must be no more than " + max);
            }
        }

        @Override
        public String toString() {
            return min == null
                    ? "[...," + max + "]"
                    : max == null ? "[" + min + ",...]" : "[" + min + ",...," + max + "]";
        }
    }

    /** One of a fixed set of strings (case-sensitive, like Kafka's {@code ValidString}). */
    public static final class ValidString implements Validator {
        private final List<String> allowed;

        private ValidString(List<String> allowed) {
            this.allowed = allowed;
        }

        public static ValidString in(String... allowed) {
            return new ValidString(List.of(allowed));
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (!allowed.contains((String) value)) {
                throw new ConfigException(name, value, "String must be one of: " + String.join(", ", allowed));
            }
        }

        @Override
        public String toString() {
            return "[" + String.join(", ", allowed) + "]";
        }
    }

    /** One of a fixed set of strings, ignoring case (Kafka's {@code CaseInsensitiveValidString}). */
    public static final class CaseInsensitiveValidString implements Validator {
        private final List<String> allowed;

        private CaseInsensitiveValidString(List<String> allowed) {
            this.allowed = allowed;
        }

        public static CaseInsensitiveValidString in(String... allowed) {
            return new CaseInsensitiveValidString(List.of(allowed));
        }

        @Override
        public void ensureValid(String name, Object value) {
            String s = ((String) value).toUpperCase(Locale.ROOT);
            if (allowed.stream().noneMatch(a -> a.toUpperCase(Locale.ROOT).equals(s))) {
                throw new ConfigException(name, value, "String must be one of: " + String.join(", ", allowed));
            }
        }

        @Override
        public String toString() {
            return "(case insensitive) [" + String.join(", ", allowed) + "]";
        }
    }

    /** Every element of a list is one of a fixed set; duplicates are refused; empty as configured. */
    public static final class ValidList implements Validator {
        private final List<String> allowed;
        private final boolean allowEmpty;

        private ValidList(List<String> allowed, boolean allowEmpty) {
            this.allowed = allowed;
            this.allowEmpty = allowEmpty;
        }

        /** Any non-empty elements, no duplicates; an empty list is allowed when {@code allowEmpty}. */
        public static ValidList anyNonDuplicateValues(boolean allowEmpty) {
            return new ValidList(List.of(), allowEmpty);
        }

        public static ValidList in(boolean allowEmpty, String... allowed) {
            return new ValidList(List.of(allowed), allowEmpty);
        }

        @Override
        public void ensureValid(String name, Object value) {
            List<?> list = (List<?>) value;
            if (list.isEmpty() && !allowEmpty) {
                throw new ConfigException(name, "", "Empty list not allowed");
            }
            if (Set.copyOf(list).size() != list.size()) {
                throw new ConfigException(name, toText(list), "Values must not be duplicated");
            }
            for (Object element : list) {
                if (((String) element).isEmpty()) {
                    throw new ConfigException(name, toText(list), "Empty values are not allowed");
                }
                if (!allowed.isEmpty() && !allowed.contains((String) element)) {
                    throw new ConfigException(name, element, "String must be one of: " + String.join(", ", allowed));
                }
            }
        }

        @Override
        public String toString() {
            return allowed.isEmpty() ? "non-duplicate values" : "[" + String.join(", ", allowed) + "]";
        }
    }

    /** A string that is not empty (after trimming). */
    public static final class NonEmptyString implements Validator {
        private static final NonEmptyString INSTANCE = new NonEmptyString();

        public static NonEmptyString instance() {
            return INSTANCE;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && ((String) value).isEmpty()) {
                throw new ConfigException(name, value, "String must be non-empty");
            }
        }

        @Override
        public String toString() {
            return "non-empty string";
        }
    }

    /** All of the given validators, in order. */
    public static Validator allOf(Validator... validators) {
        List<Validator> list = new ArrayList<>(Arrays.asList(validators));
        return (name, value) -> {
            for (Validator v : list) {
                v.ensureValid(name, value);
            }
        };
    }
}

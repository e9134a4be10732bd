package io.fjord.common.config;

/**
 * The definition of one configuration key: its name, type, parsed default, validator, importance and
 * documentation. Immutable.
 *
 * @param name the key, exactly as Kafka spells it
 * @param type how the text value is parsed
 * @param defaultValue the parsed default; {@link ConfigDef#NO_DEFAULT} when the key is required;
 *     null when the key may stay unset
 * @param validator checks a parsed value; null when any value of the type is fine
 * @param importance how much a user should care
 * @param documentation one or two sentences for help texts
 */
public record ConfigKey(
        String name,
        ConfigDef.Type type,
        Object defaultValue,
        ConfigDef.Validator validator,
        ConfigDef.Importance importance,
        String documentation) {

    /** True when the key has a default (possibly null, meaning "unset"). */
    public boolean hasDefault() {
        return defaultValue != ConfigDef.NO_DEFAULT;
    }

    /** True when values must not be shown (passwords). */
    public boolean isSensitive() {
        return type == ConfigDef.Type.PASSWORD;
    }

    /**
     * Parses and validates {@code raw} (a value from a properties file or a request).
     *
     * @throws ConfigException naming this key when the text is not of the type or fails the validator
     */
    public Object parse(String raw) {
        Object value = ConfigDef.parseType(name, raw, type);
        if (validator != null) {
            validator.ensureValid(name, value);
        }
        return value;
    }

    /** The default as text (the form DescribeConfigs shows), or null. */
    public String defaultText() {
        return hasDefault() ? ConfigDef.toText(defaultValue) : null;
    }
}

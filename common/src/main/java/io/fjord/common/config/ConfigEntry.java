package io.fjord.common.config;

import java.util.List;

/**
 * One row of a DescribeConfigs answer: a configuration's effective value and where it came from.
 * Immutable.
 *
 * @param name the key
 * @param value the effective value as text; null when unset without default, or when sensitive
 * @param source where {@code value} came from
 * @param isDefault true when nobody set it ({@link ConfigSource#DEFAULT_CONFIG})
 * @param isSensitive true for passwords and secrets (the value is then always null)
 * @param readOnly true when it cannot be changed without a restart
 * @param synonyms every place the value could come from, highest precedence first (including the
 *     chosen one), for DescribeConfigs with {@code IncludeSynonyms}
 */
public record ConfigEntry(
        String name,
        String value,
        ConfigSource source,
        boolean isDefault,
        boolean isSensitive,
        boolean readOnly,
        List<Synonym> synonyms) {

    public ConfigEntry {
        synonyms = List.copyOf(synonyms);
    }

    /** One candidate source of a value, as DescribeConfigs lists it. */
    public record Synonym(String name, String value, ConfigSource source) {}
}

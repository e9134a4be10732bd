package io.fjord.common.config;

/**
 * A configuration key or value that cannot be accepted. The message always names the key, in Kafka's
 * words where Kafka has them: {@code Invalid value abc for configuration num.partitions: Not a number
 * of type INT}. Unchecked: a bad configuration is reported once, where it was read.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String name;

    /** A failure not tied to one value (for example an unknown key); {@code name} is the key at fault. */
    public ConfigException(String name, String message) {
        super(message);
        this.name = name;
    }

    /** {@code Invalid value <value> for configuration <name>[: <reason>]}. */
    public ConfigException(String name, Object value, String reason) {
        super("Invalid value " + value + " for configuration " + name + (reason == null ? "" : ": " + reason));
        this.name = name;
    }

    /** The configuration key at fault. */
    public String name() {
        return name;
    }
}

package io.fjord.common.config;

/**
 * The value of a {@link ConfigDef.Type#PASSWORD} key. {@link #toString()} never shows it, so a password
 * cannot leak into logs or DescribeConfigs by accident; call {@link #value()} where it is really needed.
 * Immutable.
 */
public final class Password {

    /** What {@link #toString()} prints instead of the secret. */
    public static final String HIDDEN = "[hidden]";

    private final String value;

    public Password(String value) {
        this.value = value;
    }

    /** The secret itself. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Password other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return HIDDEN;
    }
}

package io.fjord.protocol.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record header: a UTF-8 key (never null) and a value (null allowed). Immutable by convention: the
 * value array is not copied, callers must not change it after handing it over.
 */
public record Header(String key, byte[] value) {

    public Header {
        Objects.requireNonNull(key, "header key");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header other && key.equals(other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Header(key=" + key + ", value=" + (value == null ? "null" : value.length + " bytes") + ")";
    }
}

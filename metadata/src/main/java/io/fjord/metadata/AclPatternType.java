package io.fjord.metadata;

/**
 * How an ACL's resource name is matched, with Kafka's wire codes ({@code PatternType}): LITERAL names one resource
 * (or every resource of its type when the name is {@code *}), PREFIXED every resource whose name starts with it. ANY
 * and MATCH appear only in filters; UNKNOWN stands for any code this broker does not know.
 */
public enum AclPatternType {
    UNKNOWN(0),
    ANY(1),
    MATCH(2),
    LITERAL(3),
    PREFIXED(4);

    private static final AclPatternType[] BY_CODE = values();

    private final byte code;

    AclPatternType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The pattern type with {@code code}, UNKNOWN for a code this broker does not know. */
    public static AclPatternType forCode(byte code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}

package io.fjord.metadata;

/**
 * Whether an ACL allows or denies, with Kafka's wire codes ({@code AclPermissionType}). ANY appears only in filters;
 * UNKNOWN stands for any code this broker does not know.
 */
public enum AclPermission {
    UNKNOWN(0),
    ANY(1),
    DENY(2),
    ALLOW(3);

    private static final AclPermission[] BY_CODE = values();

    private final byte code;

    AclPermission(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The permission with {@code code}, UNKNOWN for a code this broker does not know. */
    public static AclPermission forCode(byte code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}

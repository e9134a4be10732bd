package io.fjord.metadata;

/**
 * The kind of resource an ACL is about, with Kafka's wire codes ({@code org.apache.kafka.common.resource.ResourceType}).
 * UNKNOWN stands for any code this broker does not know; ANY appears only in filters.
 */
public enum AclResourceType {
    UNKNOWN(0),
    ANY(1),
    TOPIC(2),
    GROUP(3),
    CLUSTER(4),
    TRANSACTIONAL_ID(5),
    DELEGATION_TOKEN(6),
    USER(7);

    private static final AclResourceType[] BY_CODE = values();

    private final byte code;

    AclResourceType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The type with {@code code}, UNKNOWN for a code this broker does not know. */
    public static AclResourceType forCode(byte code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}

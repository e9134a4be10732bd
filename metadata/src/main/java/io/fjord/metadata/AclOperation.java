package io.fjord.metadata;

/**
 * What an ACL allows or denies, with Kafka's wire codes ({@code org.apache.kafka.common.acl.AclOperation}). ALL in an
 * ACL stands for every operation; ANY appears only in filters; UNKNOWN stands for any code this broker does not know.
 * The code is also the operation's bit in the authorized-operations fields of Metadata, DescribeCluster and
 * DescribeGroups.
 */
public enum AclOperation {
    UNKNOWN(0),
    ANY(1),
    ALL(2),
    READ(3),
    WRITE(4),
    CREATE(5),
    DELETE(6),
    ALTER(7),
    DESCRIBE(8),
    CLUSTER_ACTION(9),
    DESCRIBE_CONFIGS(10),
    ALTER_CONFIGS(11),
    IDEMPOTENT_WRITE(12),
    CREATE_TOKENS(13),
    DESCRIBE_TOKENS(14),
    TWO_PHASE_COMMIT(15);

    private static final AclOperation[] BY_CODE = values();

    private final byte code;

    AclOperation(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The operation with {@code code}, UNKNOWN for a code this broker does not know. */
    public static AclOperation forCode(byte code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }

    /**
     * Whether an ALLOW ACL for this operation also allows {@code requested}: ALL allows everything, READ, WRITE, DELETE
     * and ALTER allow DESCRIBE, ALTER_CONFIGS allows DESCRIBE_CONFIGS (Kafka's StandardAuthorizerData). A DENY ACL
     * denies only its own operation, or everything for ALL.
     */
    public boolean allows(AclOperation requested) {
        if (this == ALL || this == requested) {
            return true;
        }
        return switch (requested) {
            case DESCRIBE -> this == READ || this == WRITE || this == DELETE || this == ALTER;
            case DESCRIBE_CONFIGS -> this == ALTER_CONFIGS;
            default -> false;
        };
    }
}

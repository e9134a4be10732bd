package io.fjord.metadata;

import java.util.Objects;

/**
 * One operation of an IncrementalAlterConfigs request. {@code value} is ignored for DELETE; for APPEND
 * and SUBTRACT it is a comma-separated list of items added to or removed from a list-valued config.
 * Immutable.
 */
public record AlterConfigOp(String name, OpType op, String value) {

    /** Kafka's op ids: SET 0, DELETE 1, APPEND 2, SUBTRACT 3. */
    public enum OpType {
        SET((byte) 0),
        DELETE((byte) 1),
        APPEND((byte) 2),
        SUBTRACT((byte) 3);

        private final byte id;

        OpType(byte id) {
            this.id = id;
        }

        public byte id() {
            return id;
        }

        /** The op with this id, or null. */
        public static OpType forId(byte id) {
            for (OpType op : values()) {
                if (op.id == id) {
                    return op;
                }
            }
            return null;
        }
    }

    public AlterConfigOp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
    }
}

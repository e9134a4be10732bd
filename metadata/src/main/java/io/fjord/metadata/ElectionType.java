package io.fjord.metadata;

/** The kind of an ElectLeaders request, with Kafka's wire values. */
public enum ElectionType {
    /** Make the first live in-sync replica of the replica list the leader. */
    PREFERRED((byte) 0),
    /** Elect any live replica when no in-sync replica is alive (may lose records). */
    UNCLEAN((byte) 1);

    private final byte value;

    ElectionType(byte value) {
        this.value = value;
    }

    public byte value() {
        return value;
    }

    /** The type with this wire value; null when there is none. */
    public static ElectionType forValue(byte value) {
        for (ElectionType type : values()) {
            if (type.value == value) {
                return type;
            }
        }
        return null;
    }
}

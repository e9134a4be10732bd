package io.fjord.metadata;

/**
 * The kinds of resources that carry configs in the metadata. The ids are Kafka's
 * {@code ConfigResource.Type} ids, so they can be passed through from DescribeConfigs/AlterConfigs.
 */
public enum ConfigResourceType {
    TOPIC((byte) 2),
    BROKER((byte) 4);

    private final byte id;

    ConfigResourceType(byte id) {
        this.id = id;
    }

    public byte id() {
        return id;
    }

    /** The type with this id, or null when there is none. */
    public static ConfigResourceType forId(byte id) {
        for (ConfigResourceType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        return null;
    }
}

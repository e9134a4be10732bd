package io.fjord.protocol.record;

/**
 * What the timestamps of a batch mean: bit 3 of the batch attributes. With {@link #LOG_APPEND_TIME}
 * every record of the batch carries the batch's {@code maxTimestamp}, stamped by the broker.
 */
public enum TimestampType {
    CREATE_TIME(0, "CreateTime"),
    LOG_APPEND_TIME(1, "LogAppendTime");

    private final int id;
    private final String title;

    TimestampType(int id, String title) {
        this.id = id;
        this.title = title;
    }

    public int id() {
        return id;
    }

    /** The name Kafka uses in configs ({@code message.timestamp.type}) and tools. */
    public String title() {
        return title;
    }

    /** The timestamp type that bit 3 of {@code attributes} encodes. */
    public static TimestampType fromAttributes(int attributes) {
        return (attributes & RecordBatchDescriptor.TIMESTAMP_TYPE_MASK) == 0 ? CREATE_TIME : LOG_APPEND_TIME;
    }

    /** The type with this config name ({@code CreateTime}, {@code LogAppendTime}). */
    public static TimestampType forTitle(String title) {
        for (TimestampType type : values()) {
            if (type.title.equals(title)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown timestamp type: " + title);
    }
}

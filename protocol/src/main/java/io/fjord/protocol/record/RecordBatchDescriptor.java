package io.fjord.protocol.record;

/**
 * The byte layout of a record batch v2 (magic 2), as it travels on the wire and lies in a segment file.
 * All integers are big-endian. The CRC is CRC-32C over the bytes from {@link #ATTRIBUTES_OFFSET} to the
 * end of the batch, so {@code baseOffset}, {@code batchLength}, {@code partitionLeaderEpoch} and
 * {@code magic} can be patched in place without recomputing it.
 *
 * <pre>
 * | offset | size | field                                                                    |
 * |--------|------|--------------------------------------------------------------------------|
 * |      0 |    8 | baseOffset                                                               |
 * |      8 |    4 | batchLength: bytes after this field                                      |
 * |     12 |    4 | partitionLeaderEpoch                                                     |
 * |     16 |    1 | magic = 2                                                                |
 * |     17 |    4 | crc (uint32, CRC-32C of bytes 21..end)                                   |
 * |     21 |    2 | attributes: bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control, |
 * |        |      |             6 delete horizon                                             |
 * |     23 |    4 | lastOffsetDelta                                                          |
 * |     27 |    8 | baseTimestamp                                                            |
 * |     35 |    8 | maxTimestamp                                                             |
 * |     43 |    8 | producerId                                                               |
 * |     51 |    2 | producerEpoch                                                            |
 * |     53 |    4 | baseSequence                                                             |
 * |     57 |    4 | recordCount                                                              |
 * |     61 |    - | records (varint-encoded, compressed as a whole when codec != 0)          |
 * </pre>
 */
public final class RecordBatchDescriptor {

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** The smallest valid batch: a header and no records. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    /** baseOffset + batchLength: the bytes before the part that {@code batchLength} counts. */
    public static final int LOG_OVERHEAD = BATCH_LENGTH_OFFSET + 4;

    public static final byte MAGIC_V2 = 2;

    public static final int COMPRESSION_CODEC_MASK = 0x07;
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    public static final int CONTROL_FLAG_MASK = 0x20;
    public static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    private RecordBatchDescriptor() {}
}

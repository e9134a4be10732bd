package io.fjord.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The frames of a {@link LocalMetadataLog} segment: one frame per committed batch. Stateless; any thread.
 *
 * <table>
 *   <caption>frame layout (big-endian)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4</td><td>length: bytes after the crc field (12 + records), at most maxBatchBytes</td></tr>
 *   <tr><td>4</td><td>4</td><td>crc32c of the {@code length} bytes after this field</td></tr>
 *   <tr><td>8</td><td>8</td><td>baseOffset: the offset of the first record (the previous frame's last + 1)</td></tr>
 *   <tr><td>16</td><td>4</td><td>recordCount, at least 1</td></tr>
 *   <tr><td>20</td><td>..</td><td>recordCount times: [size int32][{@link MetadataRecordSerde} bytes]</td></tr>
 * </table>
 */
final class MetadataLogFrames {

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int BASE_OFFSET_OFFSET = 8;
    static final int RECORD_COUNT_OFFSET = 16;
    static final int RECORDS_OFFSET = 20;
    /** The bytes of a frame before its records. */
    static final int HEADER_SIZE = RECORDS_OFFSET;
    /** The bytes before the part that {@code length} and the crc cover. */
    static final int CRC_COVERED_START = BASE_OFFSET_OFFSET;

    private MetadataLogFrames() {}

    static ByteBuffer encode(long baseOffset, List<MetadataRecord> records, int maxBatchBytes) {
        List<byte[]> encoded = new ArrayList<>(records.size());
        long length = RECORDS_OFFSET - CRC_COVERED_START;
        for (MetadataRecord record : records) {
            byte[] bytes = MetadataRecordSerde.write(record);
            encoded.add(bytes);
            length += 4 + bytes.length;
            if (length > maxBatchBytes) {
                throw new IllegalArgumentException("a metadata batch of " + records.size()
                        + " records exceeds the limit of " + maxBatchBytes + " bytes");
            }
        }
        ByteBuffer frame = ByteBuffer.allocate(CRC_COVERED_START + (int) length);
        frame.putInt(LENGTH_OFFSET, (int) length);
        frame.putLong(BASE_OFFSET_OFFSET, baseOffset);
        frame.putInt(RECORD_COUNT_OFFSET, records.size());
        frame.position(RECORDS_OFFSET);
        for (byte[] bytes : encoded) {
            frame.putInt(bytes.length).put(bytes);
        }
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), CRC_COVERED_START, (int) length);
        frame.putInt(CRC_OFFSET, (int) crc.getValue());
        frame.flip();
        return frame;
    }

    /** One decoded frame and the bytes it takes in the file. */
    record Frame(MetadataBatch batch, int sizeInBytes) {}

    /**
     * The batch in the frame at {@code position}, which must end by {@code limit} and start at {@code
     * expectedBaseOffset}; a frame that does not is reported as a {@link CorruptFrameException}.
     */
    static Frame readFrame(FileChannel channel, long position, long limit, long expectedBaseOffset, int maxBatchBytes)
            throws IOException {
        if (limit - position < HEADER_SIZE) {
            throw new CorruptFrameException("only " + (limit - position) + " byte(s) left, less than a frame header");
        }
        ByteBuffer header = ByteBuffer.allocate(CRC_COVERED_START);
        readFully(channel, header, position);
        int length = header.getInt(LENGTH_OFFSET);
        int expectedCrc = header.getInt(CRC_OFFSET);
        if (length < HEADER_SIZE - CRC_COVERED_START || length > maxBatchBytes) {
            throw new CorruptFrameException("frame length " + length + " is outside [12, " + maxBatchBytes + "]");
        }
        if (length > limit - position - CRC_COVERED_START) {
            throw new CorruptFrameException("frame of " + length + " bytes is torn: only "
                    + (limit - position - CRC_COVERED_START) + " present");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, position + CRC_COVERED_START);
        CRC32C crc = new CRC32C();
        crc.update(body.array(), 0, length);
        if ((int) crc.getValue() != expectedCrc) {
            throw new CorruptFrameException("crc mismatch: stored " + Integer.toHexString(expectedCrc) + ", computed "
                    + Integer.toHexString((int) crc.getValue()));
        }
        return new Frame(parseBody(body, expectedBaseOffset), CRC_COVERED_START + length);
    }

    private static MetadataBatch parseBody(ByteBuffer body, long expectedBaseOffset) {
        long baseOffset = body.getLong(BASE_OFFSET_OFFSET - CRC_COVERED_START);
        int count = body.getInt(RECORD_COUNT_OFFSET - CRC_COVERED_START);
        if (baseOffset != expectedBaseOffset) {
            throw new CorruptFrameException("frame base offset " + baseOffset + ", expected " + expectedBaseOffset);
        }
        body.position(RECORDS_OFFSET - CRC_COVERED_START);
        // Each record takes at least its 4-byte size plus one byte.
        if (count < 1 || (long) count * 5 > body.remaining()) {
            throw new CorruptFrameException("record count " + count + " does not fit " + body.remaining() + " bytes");
        }
        List<MetadataRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = body.remaining() >= 4 ? body.getInt() : -1;
            if (size < 0 || size > body.remaining()) {
                throw new CorruptFrameException("record " + i + " size " + size + " exceeds the frame");
            }
            ByteBuffer slice = body.slice();
            slice.limit(size);
            body.position(body.position() + size);
            try {
                records.add(MetadataRecordSerde.read(slice));
            } catch (MalformedMetadataRecordException e) {
                throw new CorruptFrameException("record " + i + ": " + e.getMessage());
            }
        }
        if (body.hasRemaining()) {
            throw new CorruptFrameException(body.remaining() + " trailing byte(s) after " + count + " records");
        }
        return new MetadataBatch(baseOffset, records);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new CorruptFrameException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
    }

    /** A frame that is torn, corrupt or out of sequence. */
    static final class CorruptFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptFrameException(String message) {
            super(message);
        }
    }
}

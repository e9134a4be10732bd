package io.fjord.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata snapshot file format, shared by the single-node {@link LocalMetadataLog} and fjord-raft's
 * snapshots: the records of a {@link MetadataImage} ({@link MetadataImage#toRecords()}) and the record
 * offset it stands at. Stateless; any thread.
 *
 * <table>
 *   <caption>file layout (big-endian)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4</td><td>magic {@link #MAGIC} ("FJMS")</td></tr>
 *   <tr><td>4</td><td>2</td><td>version, {@link #VERSION}</td></tr>
 *   <tr><td>6</td><td>8</td><td>record offset of the image (-1 when empty)</td></tr>
 *   <tr><td>14</td><td>4</td><td>record count</td></tr>
 *   <tr><td>18</td><td>..</td><td>count times: int32 size, then the {@link MetadataRecordSerde} bytes</td></tr>
 *   <tr><td>end - 4</td><td>4</td><td>CRC-32C of every byte before it</td></tr>
 * </table>
 */
public final class MetadataSnapshot {

    private static final Logger log = LoggerFactory.getLogger(MetadataSnapshot.class);

    public static final int MAGIC = 0x464A4D53;
    public static final short VERSION = 0;
    static final int VERSION_OFFSET = 4;
    static final int OFFSET_OFFSET = 6;
    static final int COUNT_OFFSET = 14;
    static final int RECORDS_OFFSET = 18;
    static final int CRC_SIZE = 4;
    /** A snapshot larger than this is refused on read (the image would not fit a node's heap anyway). */
    public static final long MAX_SNAPSHOT_BYTES = 1L << 30;

    /** The suffix of a snapshot being written; such a file is garbage once its writer is gone. */
    public static final String TMP_SUFFIX = ".tmp";

    private MetadataSnapshot() {}

    /** The bytes of the snapshot of {@code image}, CRC included, ready to write. */
    public static ByteBuffer encode(MetadataImage image) {
        List<MetadataRecord> records = image.toRecords();
        List<byte[]> encoded = new ArrayList<>(records.size());
        long size = RECORDS_OFFSET + CRC_SIZE;
        for (MetadataRecord record : records) {
            byte[] bytes = MetadataRecordSerde.write(record);
            encoded.add(bytes);
            size += 4 + bytes.length;
        }
        if (size > MAX_SNAPSHOT_BYTES) {
            throw new IllegalStateException("a metadata snapshot of " + records.size() + " records takes " + size
                    + " bytes, over the limit of " + MAX_SNAPSHOT_BYTES);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.putInt(MAGIC).putShort(VERSION).putLong(image.offset()).putInt(records.size());
        for (byte[] bytes : encoded) {
            buffer.putInt(bytes.length).put(bytes);
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        return buffer;
    }

    /**
     * Writes the snapshot of {@code image} to {@code file} atomically: into {@code file.tmp}, fsynced, then
     * renamed over {@code file} and the directory fsynced. A crash leaves either no {@code file} (and
     * perhaps a stale {@code .tmp}) or the whole snapshot.
     */
    public static void write(Path file, MetadataImage image) throws IOException {
        ByteBuffer bytes = encode(image);
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(directory);
    }

    /** The image in {@code file}; IOException if it is not a complete, intact snapshot. */
    public static MetadataImage read(Path file) throws IOException {
        long size = Files.size(file);
        if (size < RECORDS_OFFSET + CRC_SIZE || size > MAX_SNAPSHOT_BYTES) {
            throw new IOException("metadata snapshot " + file + " has an impossible size " + size);
        }
        byte[] bytes = Files.readAllBytes(file);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CRC_SIZE);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - CRC_SIZE);
        if (ByteBuffer.wrap(bytes).getInt(bytes.length - CRC_SIZE) != (int) crc.getValue()) {
            throw new IOException("metadata snapshot " + file + " fails its CRC");
        }
        if (in.getInt() != MAGIC || in.getShort() != VERSION) {
            throw new IOException("metadata snapshot " + file + " has an unknown magic or version");
        }
        try {
            long offset = in.getLong();
            int count = in.getInt();
            // Each record takes at least its 4-byte size plus one byte.
            if (count < 0 || (long) count * 5 > in.remaining()) {
                throw new IOException(
                        "metadata snapshot " + file + " claims " + count + " records in " + in.remaining() + " bytes");
            }
            MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
            for (int i = 0; i < count; i++) {
                int recordSize = in.getInt();
                if (recordSize < 0 || recordSize > in.remaining()) {
                    throw new IOException("metadata snapshot " + file + ": record " + i + " size " + recordSize
                            + " exceeds the " + in.remaining() + " bytes left");
                }
                ByteBuffer slice = in.slice(in.position(), recordSize);
                in.position(in.position() + recordSize);
                delta.replay(MetadataRecordSerde.read(slice));
            }
            if (in.hasRemaining()) {
                throw new IOException("metadata snapshot " + file + " has " + in.remaining() + " trailing bytes");
            }
            return delta.apply(offset);
        } catch (RuntimeException e) {
            // A malformed record, one the image contradicts, or a field cut short.
            throw new IOException("metadata snapshot " + file + " is corrupt: " + e, e);
        }
    }

    /** Fsyncs {@code directory} so renames and deletions in it survive a crash; best effort where unsupported. */
    static void fsyncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the files' own fsyncs still hold their contents.
            log.debug("Could not fsync directory {}", directory, e);
        }
    }
}

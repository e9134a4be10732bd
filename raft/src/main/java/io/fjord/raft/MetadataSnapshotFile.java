package io.fjord.raft;

import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.MetadataRecordSerde;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * One metadata snapshot file: the records of a {@link MetadataImage} ({@link MetadataImage#toRecords()})
 * and the record offset it stands at. Ratis names the file after the Raft term and index it covers and
 * keeps an MD5 file beside it, which it checks when it sends the snapshot to a follower. Stateless.
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
final class MetadataSnapshotFile {

    static final int MAGIC = 0x464A4D53;
    static final short VERSION = 0;
    static final int OFFSET_OFFSET = 6;
    static final int COUNT_OFFSET = 14;
    static final int RECORDS_OFFSET = 18;
    static final int CRC_SIZE = 4;
    /** A snapshot larger than this is refused on read (the image would not fit a node's heap anyway). */
    static final long MAX_SNAPSHOT_BYTES = 1L << 30;

    private MetadataSnapshotFile() {}

    /** Writes the snapshot via a temporary file and an atomic rename, fsynced, with its MD5 file. */
    static SingleFileSnapshotInfo write(Path file, MetadataImage image, TermIndex termIndex) throws IOException {
        List<MetadataRecord> records = image.toRecords();
        WireWriter out = new WireWriter().writeInt(MAGIC).writeShort(VERSION).writeLong(image.offset());
        out.writeInt(records.size());
        for (MetadataRecord record : records) {
            out.writeBytes(MetadataRecordSerde.write(record));
        }
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer bytes = ByteBuffer.allocate(body.length + CRC_SIZE).put(body).putInt((int) crc.getValue());
        bytes.flip();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var channel = java.nio.channels.FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        return new SingleFileSnapshotInfo(new FileInfo(file, md5), termIndex);
    }

    /** The image in {@code file}; IOException if it is not a complete, intact snapshot. */
    static MetadataImage read(Path file) throws IOException {
        long size = Files.size(file);
        if (size < RECORDS_OFFSET + CRC_SIZE || size > MAX_SNAPSHOT_BYTES) {
            throw new IOException("metadata snapshot " + file + " has an impossible size " + size);
        }
        byte[] bytes = Files.readAllBytes(file);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CRC_SIZE);
        int stored = ByteBuffer.wrap(bytes, bytes.length - CRC_SIZE, CRC_SIZE).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException("metadata snapshot " + file + " fails its CRC");
        }
        try {
            WireReader in = new WireReader(ByteBuffer.wrap(bytes, 0, bytes.length - CRC_SIZE));
            if (in.readInt() != MAGIC || in.readShort() != VERSION) {
                throw new IOException("metadata snapshot " + file + " has an unknown magic or version");
            }
            long offset = in.readLong();
            int count = in.readCount(4);
            MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
            for (int i = 0; i < count; i++) {
                delta.replay(MetadataRecordSerde.read(in.readBytes()));
            }
            in.expectEnd();
            return delta.apply(offset);
        } catch (RuntimeException e) {
            throw new IOException("metadata snapshot " + file + " is corrupt: " + e.getMessage(), e);
        }
    }
}

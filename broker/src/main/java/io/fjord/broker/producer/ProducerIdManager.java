package io.fjord.broker.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Hands out producer ids that are never reused, even across restarts and crashes: ids come in blocks,
 * and the end of the current block is made durable (written, fsynced, renamed into place) before any id
 * of it is handed out. A restart starts at the recorded end, skipping what was left of the block.
 *
 * <p>File layout ({@code producer-ids}, 16 bytes):
 *
 * <pre>
 * | offset | size | field                                  |
 * |--------|------|----------------------------------------|
 * |      0 |    4 | version = 1                            |
 * |      4 |    8 | blockEnd: first id not yet handed out  |
 * |     12 |    4 | CRC-32C of bytes 0..11                 |
 * </pre>
 *
 * <p>Thread-safe (synchronized; a block allocation fsyncs once every {@link #BLOCK_SIZE} ids).
 */
public final class ProducerIdManager {

    static final int BLOCK_SIZE = 1000;
    private static final int VERSION = 1;
    private static final int FILE_SIZE = 16;

    private final Path file;
    private long nextId;
    private long blockEnd;

    public ProducerIdManager(Path directory) {
        this.file = directory.resolve("producer-ids");
        long start = read();
        this.nextId = start;
        this.blockEnd = start;
    }

    public synchronized long nextProducerId() {
        if (nextId >= blockEnd) {
            write(blockEnd + BLOCK_SIZE);
            blockEnd += BLOCK_SIZE;
        }
        return nextId++;
    }

    private long read() {
        if (!Files.exists(file)) {
            return 0L;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
            if (buffer.remaining() != FILE_SIZE || buffer.getInt(0) != VERSION) {
                throw new IllegalStateException("unreadable producer id file " + file);
            }
            CRC32C crc = new CRC32C();
            crc.update(buffer.array(), 0, 12);
            if ((int) crc.getValue() != buffer.getInt(12)) {
                throw new IllegalStateException("producer id file " + file + " fails its checksum");
            }
            return buffer.getLong(4);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void write(long end) {
        ByteBuffer buffer = ByteBuffer.allocate(FILE_SIZE).putInt(VERSION).putLong(end);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 12);
        buffer.putInt((int) crc.getValue()).flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " into place", e);
        }
    }
}

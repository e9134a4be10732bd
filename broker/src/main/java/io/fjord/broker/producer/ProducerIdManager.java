package io.fjord.broker.producer;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out producer ids that no broker of the cluster ever hands out again (KIP-730): ids come in blocks
 * of 1000 that the active controller allocates in the metadata log ({@code ControllerApi#allocateProducerIds}).
 * This broker holds its current block and at most one more: once 90% of the current block is used it asks
 * for the next one in the background, so InitProducerId rarely waits. With no id at hand (the controller
 * is slow or unreachable) {@link #nextProducerId} fails with COORDINATOR_LOAD_IN_PROGRESS, as Kafka does,
 * and the client retries; a failed request is retried after {@link #retryBackoffMs} at the next demand.
 * Ids left in a block when the broker stops are never used: a restart asks for a new block.
 *
 * <p>Upgrade from the local file of earlier versions ({@code producer-ids} in the metadata directory):
 * its end (the first id this broker had not handed out) is passed as the floor of every block request,
 * so the controller starts the block there or above and the ids handed out before are never reused.
 * Once such a block is in hand the file is deleted. Its layout (16 bytes, big-endian):
 *
 * <pre>
 * | offset | size | field                                  |
 * |--------|------|----------------------------------------|
 * |      0 |    4 | version = 1                            |
 * |      4 |    8 | blockEnd: first id not yet handed out  |
 * |     12 |    4 | CRC-32C of bytes 0..11                 |
 * </pre>
 *
 * <p>Thread-safe (synchronized; the controller is only ever asked without blocking, one request at a
 * time, and its answer is applied under the same lock).
 */
public final class ProducerIdManager {

    private static final Logger log = LoggerFactory.getLogger(ProducerIdManager.class);

    public static final int BLOCK_SIZE = 1000;
    /** Ask for the next block once this many ids of the current one are used (90%). */
    static final int PREFETCH_AT = BLOCK_SIZE * 9 / 10;

    static final String LEGACY_FILE_NAME = "producer-ids";
    private static final int LEGACY_VERSION = 1;
    private static final int LEGACY_FILE_SIZE = 16;

    private final LongFunction<CompletableFuture<Long>> allocator;
    private final Time time;
    private final long retryBackoffMs;
    private final Path legacyFile;
    /** The end of the legacy file (0 without one): no block may start below it. */
    private final long floor;

    private final CompletableFuture<Void> firstBlock = new CompletableFuture<>();

    // Guarded by this. The current block is [blockEnd - BLOCK_SIZE, blockEnd).
    private long nextId;
    private long blockEnd;
    /** The prefetched block's first id, -1 if none. */
    private long prefetched = -1L;
    /** The end of the highest block received: a later block must start at or above it. */
    private long highestEnd;

    private boolean started;
    private boolean fetching;
    private long retryAfterNs;
    private boolean retryArmed;

    /**
     * A manager whose blocks come from {@code allocator} (floor -> first id of a new block, never blocking);
     * {@code metadataDir} is where a legacy {@code producer-ids} file may be.
     */
    public ProducerIdManager(
            LongFunction<CompletableFuture<Long>> allocator, Path metadataDir, Time time, long retryBackoffMs) {
        this.allocator = allocator;
        this.time = time;
        this.retryBackoffMs = retryBackoffMs;
        this.legacyFile = metadataDir.resolve(LEGACY_FILE_NAME);
        this.floor = readLegacyEnd(legacyFile);
        this.highestEnd = floor;
    }

    /**
     * Asks for the first block (call once the broker is registered: the controller refuses others); the
     * future completes once one is in hand and never fails. No block is asked for before.
     */
    public CompletableFuture<Void> start() {
        synchronized (this) {
            started = true;
            maybeFetch();
        }
        return firstBlock;
    }

    /**
     * A producer id no broker has handed out before. Throws an {@link ApiException}
     * COORDINATOR_LOAD_IN_PROGRESS (retriable) while no id is at hand; a block is then on its way.
     */
    public synchronized long nextProducerId() {
        if (nextId >= blockEnd) {
            maybeRollOver();
        }
        if (nextId >= blockEnd) {
            maybeFetch();
            maybeRollOver(); // the controller may have answered at once
        }
        if (nextId >= blockEnd) {
            throw new ApiException(
                    Errors.COORDINATOR_LOAD_IN_PROGRESS, "Waiting for a block of producer ids from the controller");
        }
        long id = nextId++;
        if (nextId - (blockEnd - BLOCK_SIZE) >= PREFETCH_AT && prefetched < 0) {
            maybeFetch();
        }
        return id;
    }

    private void maybeRollOver() {
        if (prefetched >= 0) {
            nextId = prefetched;
            blockEnd = prefetched + BLOCK_SIZE;
            prefetched = -1L;
        }
    }

    private void maybeFetch() {
        if (!started || fetching || (retryArmed && time.nanoseconds() - retryAfterNs < 0)) {
            return;
        }
        fetching = true;
        CompletableFuture<Long> reply;
        try {
            reply = allocator.apply(floor);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete(this::onBlock);
    }

    private synchronized void onBlock(Long first, Throwable error) {
        fetching = false;
        if (error != null) {
            retryArmed = true;
            retryAfterNs = time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(retryBackoffMs);
            log.warn("Could not get a block of producer ids from the controller: {}", error.toString());
            return;
        }
        if (first < highestEnd || first > Long.MAX_VALUE - BLOCK_SIZE) {
            // Never hand out an id twice, even if the controller's answer is wrong.
            log.error("The controller's producer id block at {} starts below {}; ignored", first, highestEnd);
            return;
        }
        retryArmed = false;
        highestEnd = first + BLOCK_SIZE;
        prefetched = first;
        if (nextId >= blockEnd) {
            maybeRollOver();
        }
        firstBlock.complete(null);
        if (floor > 0) {
            deleteLegacyFile();
        }
    }

    private void deleteLegacyFile() {
        try {
            if (Files.deleteIfExists(legacyFile)) {
                log.info("Producer ids now come from the controller (from {} on); deleted {}", floor, legacyFile);
            }
        } catch (IOException e) {
            log.warn("Could not delete {}; it is harmless, its end is below every new block", legacyFile, e);
        }
    }

    /** The first id the legacy file's owner had not handed out, 0 when there is no file. */
    static long readLegacyEnd(Path file) {
        if (!Files.exists(file)) {
            return 0L;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
            if (buffer.remaining() != LEGACY_FILE_SIZE || buffer.getInt(0) != LEGACY_VERSION) {
                throw new IllegalStateException("unreadable producer id file " + file);
            }
            CRC32C crc = new CRC32C();
            crc.update(buffer.array(), 0, 12);
            if ((int) crc.getValue() != buffer.getInt(12)) {
                throw new IllegalStateException("producer id file " + file + " fails its checksum");
            }
            long end = buffer.getLong(4);
            if (end < 0) {
                throw new IllegalStateException("producer id file " + file + " holds a negative end " + end);
            }
            return end;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

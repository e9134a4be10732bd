package io.fjord.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the page cache that the logs' own appends occupy near a budget, so that new appends reuse the memory of
 * the oldest ones instead of taking pages the kernel has not handed out for a while.
 *
 * <p>Why: on a virtual machine whose host takes back the memory its guest leaves free (virtio-balloon free page
 * reporting, common in cloud and microVM guests), the first write into each such page faults into the host; on
 * this project's 2-core benchmark VM that made the kernel's part of an append cost 3.5 s per GB once a few GB
 * had been written, against under 1 s when the pages freed a moment before were reused (bench/README, "What
 * limits"). On any machine, a page cache that grows until reclaim starts moves the work to reclaim instead.
 *
 * <p>How: appended bytes are counted per segment and handed over in chunks of {@value #CHUNK_BYTES} bytes (and
 * a rolled segment's rest). The newest half of the budget is left alone. Older chunks first get their writeback
 * started ({@code sync_file_range(SYNC_FILE_RANGE_WRITE)}, which does not wait), and once more than the whole
 * budget is tracked the oldest are dropped from the cache ({@code posix_fadvise(POSIX_FADV_DONTNEED)}). The
 * kernel drops only clean pages: a range not yet on disk stays cached, so nothing acknowledged is ever lost, and
 * a fetch of dropped data reads it back from disk. Data the logs read or load is not tracked; the kernel's own
 * reclaim still manages everything else.
 *
 * <p>Threads: {@link #onAppended} is called by a log's appender under that log's lock and only counts and queues;
 * the system calls run on this budget's own thread ({@code fjord-page-cache}), which loads the native calls on
 * its first chunk, so a broker that never fills half its budget never loads them. The queue holds at most
 * {@link #maxQueuedChunks()} chunks; past that, new chunks are not tracked (left to the kernel) until the thread
 * catches up. Errors (a segment deleted meanwhile, a failed call) are counted and logged at debug, never thrown.
 */
public final class PageCacheBudget implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageCacheBudget.class);

    /** Bytes of a segment handed over at a time: large enough that a call per chunk costs nothing. */
    static final int CHUNK_BYTES = 4 << 20;

    /** Tracks nothing: every page is left to the kernel. */
    public static final PageCacheBudget OFF = new PageCacheBudget(0L, CHUNK_BYTES, null);

    /** The budget when the configuration asks for the default: an eighth of the machine's memory. */
    public static final long DEFAULT_MEMORY_FRACTION = 8;

    /** The smallest automatic budget: on small machines an eighth of memory would be a few seconds of writes. */
    static final long MIN_AUTO_BUDGET_BYTES = 256L << 20;

    /** The system calls this class makes on a segment file, by path. */
    interface FileAdvice {
        /** Starts writing back the range's dirty pages without waiting for them. */
        void startWriteback(Path file, long offset, long length) throws IOException;

        /** Drops the range's clean pages from the page cache. */
        void dropCached(Path file, long offset, long length) throws IOException;
    }

    /** A segment range handed over; {@code segment}'s path is read when the call is made (it may be renamed). */
    private record Chunk(LogSegment segment, long offset, long length) {}

    private final long budgetBytes;
    private final int chunkBytes;
    private final FileAdvice injectedAdvice;
    private final Object lock = new Object();
    /** Chunks whose writeback has not been started, oldest first. Guarded by {@link #lock}. */
    private final ArrayDeque<Chunk> fresh = new ArrayDeque<>();
    /** Chunks whose writeback has been started, not yet dropped, oldest first. Guarded by {@link #lock}. */
    private final ArrayDeque<Chunk> writing = new ArrayDeque<>();

    private long freshBytes;
    private long writingBytes;
    private long untrackedChunks;
    private long failedCalls;
    private long droppedBytes;
    private boolean closed;
    private Thread worker;

    /**
     * @param budgetBytes the page cache appends may hold before the oldest is dropped; 0 tracks nothing
     * @param chunkBytes how many bytes of a segment are handed over at a time ({@value #CHUNK_BYTES} but in tests)
     * @param advice the calls to make, or null for the platform's (Linux only; elsewhere nothing is tracked)
     */
    PageCacheBudget(long budgetBytes, int chunkBytes, FileAdvice advice) {
        if (budgetBytes < 0 || chunkBytes <= 0) {
            throw new IllegalArgumentException(
                    "page cache budget must be >= 0 bytes in chunks > 0, got " + budgetBytes + " in " + chunkBytes);
        }
        this.budgetBytes = budgetBytes;
        this.chunkBytes = chunkBytes;
        this.injectedAdvice = advice;
    }

    /**
     * The budget a broker runs with.
     *
     * @param configuredBytes {@code fjord.page.cache.budget.bytes}: -1 for an eighth of the machine's memory
     *     (at least 256 MiB), 0 to leave the page cache to the kernel, else the budget in bytes
     */
    public static PageCacheBudget forBroker(long configuredBytes) {
        if (configuredBytes == 0 || !LibcFileAdvice.supported()) {
            return OFF;
        }
        long budget = configuredBytes > 0 ? configuredBytes : autoBudget(memTotalBytes());
        return budget == 0 ? OFF : new PageCacheBudget(budget, CHUNK_BYTES, null);
    }

    // Visible for testing
    static long autoBudget(long memTotalBytes) {
        if (memTotalBytes <= 0) {
            return 0L; // unknown memory: leave the cache to the kernel
        }
        return Math.max(MIN_AUTO_BUDGET_BYTES, memTotalBytes / DEFAULT_MEMORY_FRACTION);
    }

    /** MemTotal of /proc/meminfo in bytes, or -1 when it cannot be read. */
    private static long memTotalBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    String kb = line.substring("MemTotal:".length())
                            .replace("kB", "")
                            .trim();
                    return Long.parseLong(kb) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read MemTotal from /proc/meminfo", e);
        }
        return -1L;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** At most this many chunks wait for the thread: the budget's worth, twice over, plus some slack. */
    long maxQueuedChunks() {
        return 2 * (budgetBytes / chunkBytes) + 64;
    }

    /**
     * Counts what {@code segment} now holds past what was handed over before, handing over whole chunks, and
     * the rest too when {@code rolled} (the segment takes no more appends). Caller holds the segment's log lock.
     */
    void onAppended(LogSegment segment, boolean rolled) {
        if (budgetBytes == 0) {
            return;
        }
        long from = segment.pageCacheTrackedBytes();
        long size = segment.sizeInBytes();
        if (size < from) {
            segment.pageCacheTrackedBytes(size); // truncated: track appends from the new end
            return;
        }
        long ready = rolled ? size - from : (size - from) / chunkBytes * chunkBytes;
        if (ready <= 0) {
            return;
        }
        segment.pageCacheTrackedBytes(from + ready);
        boolean wake;
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (long off = from; off < from + ready; off += chunkBytes) {
                long length = Math.min(chunkBytes, from + ready - off);
                if (fresh.size() + writing.size() >= maxQueuedChunks()) {
                    untrackedChunks++;
                    continue;
                }
                fresh.addLast(new Chunk(segment, off, length));
                freshBytes += length;
            }
            wake = workDue();
            if (wake && worker == null) {
                worker = new Thread(this::run, "fjord-page-cache");
                worker.setDaemon(true);
                worker.start();
            }
            if (wake) {
                lock.notifyAll();
            }
        }
    }

    /** Guarded by {@link #lock}. */
    private boolean workDue() {
        return freshBytes > budgetBytes / 2 || freshBytes + writingBytes > budgetBytes;
    }

    private void run() {
        FileAdvice advice = injectedAdvice != null ? injectedAdvice : LibcFileAdvice.load();
        while (true) {
            Chunk chunk;
            boolean drop;
            synchronized (lock) {
                while (!closed && !workDue()) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    return;
                }
                if (freshBytes > budgetBytes / 2 || writing.isEmpty()) {
                    chunk = fresh.pollFirst();
                    freshBytes -= chunk.length();
                    writing.addLast(chunk);
                    writingBytes += chunk.length();
                    drop = false;
                } else {
                    chunk = writing.pollFirst();
                    writingBytes -= chunk.length();
                    droppedBytes += chunk.length();
                    drop = true;
                }
            }
            advise(advice, chunk, drop);
        }
    }

    private void advise(FileAdvice advice, Chunk chunk, boolean drop) {
        if (advice == null) {
            return;
        }
        Path file = chunk.segment().logPath();
        try {
            if (drop) {
                advice.dropCached(file, chunk.offset(), chunk.length());
            } else {
                advice.startWriteback(file, chunk.offset(), chunk.length());
            }
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                failedCalls++;
            }
            LOG.debug("page cache advice on " + file + " at " + chunk.offset() + " failed", e);
        }
    }

    /** Bytes whose pages were handed to the kernel to drop, since the start. */
    long droppedBytes() {
        synchronized (lock) {
            return droppedBytes;
        }
    }

    /** Bytes handed over and not yet dropped. */
    long trackedBytes() {
        synchronized (lock) {
            return freshBytes + writingBytes;
        }
    }

    /** Chunks left to the kernel because the queue was full, and calls that failed. */
    long skippedChunks() {
        synchronized (lock) {
            return untrackedChunks + failedCalls;
        }
    }

    /** Stops the thread and forgets every chunk; pages stay as they are. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            fresh.clear();
            writing.clear();
            freshBytes = 0;
            writingBytes = 0;
            lock.notifyAll();
            t = worker;
        }
        if (t != null) {
            try {
                t.join(5_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fjord.testkit.MockTime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageCacheBudgetTest {

    static final int CHUNK = 64 << 10;
    static final String VALUE = "x".repeat(16 << 10);

    @TempDir
    Path tmp;

    final MockTime time = new MockTime();
    final List<UnifiedLog> logs = new ArrayList<>();
    PageCacheBudget budget;

    /** The calls the budget made, in order: "W file offset length" (writeback) or "D ..." (drop). */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    final PageCacheBudget.FileAdvice recording = new PageCacheBudget.FileAdvice() {
        @Override
        public void startWriteback(Path file, long offset, long length) {
            calls.add("W " + file.getFileName() + " " + offset + " " + length);
        }

        @Override
        public void dropCached(Path file, long offset, long length) {
            calls.add("D " + file.getFileName() + " " + offset + " " + length);
        }
    };

    @AfterEach
    void close() {
        logs.forEach(UnifiedLog::close);
        if (budget != null) {
            budget.close();
        }
    }

    UnifiedLog open(String name, LogConfig config, PageCacheBudget pageCache) {
        UnifiedLog log = UnifiedLog.open(tmp.resolve(name), config, time).withPageCacheBudget(pageCache);
        logs.add(log);
        return log;
    }

    /** Appends batches of four 16 KiB records until the log holds at least {@code bytes}. */
    static void appendAtLeast(UnifiedLog log, long bytes, MockTime time) {
        long written = 0;
        while (written < bytes) {
            TestBatches batch = TestBatches.batch();
            for (int i = 0; i < 4; i++) {
                batch.record(time.milliseconds(), "k", VALUE);
            }
            ByteBuffer records = batch.build();
            written += records.remaining();
            log.appendAsLeader(records, 0);
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadlineNs);
            Thread.sleep(5);
        }
    }

    @Test
    void startsWritebackBehindHalfTheBudgetAndDropsTheOldestPastIt() throws Exception {
        budget = new PageCacheBudget(8L * CHUNK, CHUNK, recording);
        UnifiedLog log = open("topic-0", LogConfig.DEFAULT, budget);

        appendAtLeast(log, 20L * CHUNK, time);

        await(() -> budget.trackedBytes() <= 8L * CHUNK, "the thread brings the tracked bytes down to the budget");
        List<String> snapshot = List.copyOf(calls);
        List<String> writebacks =
                snapshot.stream().filter(c -> c.startsWith("W")).toList();
        List<String> drops = snapshot.stream().filter(c -> c.startsWith("D")).toList();
        // 20 whole chunks handed over: the newest 4 (half the budget) untouched, the older 16 written back,
        // the oldest 12 dropped; each in file order.
        assertThat(writebacks).hasSizeGreaterThanOrEqualTo(16);
        assertThat(drops).hasSizeGreaterThanOrEqualTo(12);
        for (int i = 0; i < drops.size(); i++) {
            assertThat(drops.get(i)).isEqualTo("D 00000000000000000000.log " + (long) i * CHUNK + " " + CHUNK);
            assertThat(snapshot.indexOf("W 00000000000000000000.log " + (long) i * CHUNK + " " + CHUNK))
                    .as("chunk %d is written back before it is dropped", i)
                    .isBetween(0, snapshot.indexOf(drops.get(i)));
        }
        assertThat(budget.droppedBytes()).isEqualTo((long) drops.size() * CHUNK);
        assertThat(budget.skippedChunks()).isZero();
    }

    @Test
    void aRolledSegmentHandsOverItsLastPartialChunk() throws Exception {
        budget = new PageCacheBudget(2L * CHUNK, CHUNK, recording);
        LogConfig config =
                LogConfig.builder().segmentBytes(3 * CHUNK + CHUNK / 2).build();
        UnifiedLog log = open("topic-0", config, budget);

        appendAtLeast(log, 12L * CHUNK, time);

        await(() -> budget.trackedBytes() <= 2L * CHUNK, "the thread catches up");
        List<String> snapshot = List.copyOf(calls);
        // Every rolled segment ends in a chunk shorter than CHUNK, handed over when the next segment started.
        long partial = snapshot.stream()
                .filter(c -> c.startsWith("W"))
                .filter(c -> !c.endsWith(" " + CHUNK))
                .count();
        long rolled = log.numberOfSegments() - 1;
        assertThat(rolled).isGreaterThanOrEqualTo(2);
        assertThat(partial).isEqualTo(rolled);
    }

    @Test
    void tracksNoMoreChunksThanItsQueueHoldsWhileItsThreadIsStuck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        PageCacheBudget.FileAdvice stuck = new PageCacheBudget.FileAdvice() {
            @Override
            public void startWriteback(Path file, long offset, long length) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public void dropCached(Path file, long offset, long length) {}
        };
        budget = new PageCacheBudget(2L * CHUNK, CHUNK, stuck);
        UnifiedLog log = open("topic-0", LogConfig.DEFAULT, budget);
        long limit = budget.maxQueuedChunks();

        appendAtLeast(log, (limit + 20) * CHUNK, time);

        assertThat(budget.trackedBytes()).isLessThanOrEqualTo((limit + 1) * CHUNK);
        assertThat(budget.skippedChunks()).isGreaterThanOrEqualTo(18);
        release.countDown();
        await(() -> budget.trackedBytes() <= 2L * CHUNK, "the thread catches up once released");
    }

    @Test
    void anOffBudgetTracksNothing() {
        UnifiedLog log = open("topic-0", LogConfig.DEFAULT, PageCacheBudget.OFF);
        appendAtLeast(log, 4L * CHUNK, time);
        assertThat(PageCacheBudget.OFF.trackedBytes()).isZero();
    }

    @Test
    void theAutomaticBudgetIsAnEighthOfMemoryAndAtLeast256MiB() {
        assertThat(PageCacheBudget.autoBudget(24L << 30)).isEqualTo(3L << 30);
        assertThat(PageCacheBudget.autoBudget(1L << 30)).isEqualTo(256L << 20);
        assertThat(PageCacheBudget.autoBudget(-1L)).isZero();
        assertThat(PageCacheBudget.forBroker(0L)).isSameAs(PageCacheBudget.OFF);
        assertThatThrownBy(() -> new PageCacheBudget(-1L, CHUNK, recording))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    /** Resident bytes of {@code file} in the page cache, from util-linux's fincore; -1 when it cannot tell. */
    static long residentBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        return p.waitFor() == 0 && out.matches("\\d+") ? Long.parseLong(out) : -1L;
    }

    @Test
    void theLibcCallsDropAFilesCleanPagesAndKeepItsBytes() throws Exception {
        assumeTrue(LibcFileAdvice.supported(), "Linux only");
        PageCacheBudget.FileAdvice libc = LibcFileAdvice.load();
        assertThat(libc).isNotNull();
        Path file = tmp.resolve("segment.log");
        byte[] bytes = new byte[8 << 20];
        new java.util.Random(7).nextBytes(bytes);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes));
            libc.startWriteback(file, 0, bytes.length);
            ch.force(false); // clean pages: the drop below may take them all
        }
        long before = residentBytes(file);
        assumeTrue(before > 0, "fincore sees the file's pages");

        libc.dropCached(file, 0, bytes.length);

        assertThat(residentBytes(file)).isLessThan(before / 4);
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThatThrownBy(() -> libc.dropCached(tmp.resolve("gone.log"), 0, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("gone.log");
    }

    @Test
    void aLogReadsBackEveryRecordAfterItsPagesWereDropped() throws Exception {
        assumeTrue(LibcFileAdvice.supported(), "Linux only");
        budget = new PageCacheBudget(4L * CHUNK, CHUNK, null);
        UnifiedLog log =
                open("topic-0", LogConfig.builder().segmentBytes(16 * CHUNK).build(), budget);

        appendAtLeast(log, 64L * CHUNK, time);
        log.flush();
        await(() -> budget.droppedBytes() >= 50L * CHUNK, "the oldest chunks are dropped");

        long end = log.logEndOffset();
        long offset = 0;
        while (offset < end) {
            FetchDataInfo read = log.read(offset, 1 << 20, end, true);
            List<String> values = TestBatches.values(read.records());
            assertThat(values).isNotEmpty().allMatch(VALUE::equals);
            offset += values.size();
        }
        assertThat(offset).isEqualTo(end);
    }
}

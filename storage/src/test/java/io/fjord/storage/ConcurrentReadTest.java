package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.testkit.MockTime;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadTest {

    @TempDir
    Path tmp;

    @Test
    void readersRunningWithAnAppenderAlwaysSeeWholeBatchesBelowTheLogEnd() throws Exception {
        MockTime time = new MockTime();
        LogConfig config =
                LogConfig.builder().segmentBytes(4096).indexIntervalBytes(256).build();
        UnifiedLog log = UnifiedLog.open(tmp.resolve("t-0"), config, time);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        // The writer appends its first batch, then waits until both readers have read once: however the threads
        // are scheduled, every reader reads while the appender runs.
        CountDownLatch readersStarted = new CountDownLatch(2);
        try {
            Future<?> writer = pool.submit(() -> {
                try {
                    for (int i = 0; i < 3000; i++) {
                        log.appendAsLeader(TestBatches.simple(1 + i % 3, time.milliseconds()), 0);
                        if (i == 0) {
                            assertThat(readersStarted.await(60, TimeUnit.SECONDS))
                                    .as("both readers read once")
                                    .isTrue();
                        }
                    }
                } finally {
                    done.set(true);
                }
                return null;
            });
            Runnable reader = () -> {
                Random random = new Random(1234);
                boolean started = false;
                while (!done.get()) {
                    long end = log.logEndOffset();
                    if (end == 0) {
                        continue;
                    }
                    try {
                        long offset = (long) (random.nextDouble() * end);
                        FileRecords records = log.read(offset, 2048, end, true).records();
                        List<Long> bases = TestBatches.baseOffsets(records);
                        assertThat(bases).isNotEmpty();
                        assertThat(bases.get(0)).isLessThanOrEqualTo(offset).isGreaterThan(offset - 3);
                        assertThat(bases).isSorted().allMatch(b -> b < end);
                        reads.incrementAndGet();
                    } finally {
                        if (!started) {
                            started = true;
                            readersStarted.countDown(); // also on a failed read: its error is reported below
                        }
                    }
                }
            };
            Future<?> r1 = pool.submit(reader);
            Future<?> r2 = pool.submit(reader);
            writer.get(60, TimeUnit.SECONDS);
            r1.get(60, TimeUnit.SECONDS);
            r2.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            log.close();
        }
        assertThat(reads.get()).as("reads while appending").isGreaterThanOrEqualTo(2);
    }
}

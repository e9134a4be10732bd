package io.fjord.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.Controller;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.LocalMetadataLog;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProducerIdManagerTest {

    private static final long BACKOFF_MS = 100;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();

    /** A controller whose answers the test gives: each request's floor and its pending reply. */
    private static final class FakeController {
        final List<Long> floors = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Long>> replies = new CopyOnWriteArrayList<>();
        long next;
        boolean answerAtOnce;

        CompletableFuture<Long> allocate(long floor) {
            floors.add(floor);
            CompletableFuture<Long> reply = new CompletableFuture<>();
            replies.add(reply);
            if (answerAtOnce) {
                answerLast();
            }
            return reply;
        }

        void answerLast() {
            long first = Math.max(next, floors.get(floors.size() - 1));
            next = first + ProducerIdManager.BLOCK_SIZE;
            replies.get(replies.size() - 1).complete(first);
        }
    }

    private ProducerIdManager manager(FakeController controller) {
        return new ProducerIdManager(controller::allocate, dir, time, BACKOFF_MS);
    }

    private static void assertLoadInProgress(ProducerIdManager manager) {
        assertThatThrownBy(manager::nextProducerId)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS));
    }

    @Test
    void asksForTheNextBlockOnceNinetyPercentOfTheCurrentOneIsUsed() {
        FakeController controller = new FakeController();
        controller.answerAtOnce = true;
        ProducerIdManager manager = manager(controller);
        assertThat(manager.start()).isDone();

        for (long id = 0; id < ProducerIdManager.PREFETCH_AT - 1; id++) {
            assertThat(manager.nextProducerId()).isEqualTo(id);
        }
        assertThat(controller.floors).hasSize(1);
        manager.nextProducerId();
        assertThat(controller.floors).as("the 900th id prefetches").hasSize(2);
        for (long id = ProducerIdManager.PREFETCH_AT; id < 2 * ProducerIdManager.BLOCK_SIZE; id++) {
            assertThat(manager.nextProducerId()).isEqualTo(id);
        }
        assertThat(controller.floors).hasSize(3);
    }

    @Test
    void answersLoadInProgressUntilTheControllerAnswersAndNeverAsksBeforeStart() {
        FakeController controller = new FakeController();
        ProducerIdManager manager = manager(controller);
        assertLoadInProgress(manager);
        assertThat(controller.floors).as("not registered yet: no request").isEmpty();

        CompletableFuture<Void> firstBlock = manager.start();
        assertLoadInProgress(manager);
        assertThat(controller.floors).as("one request in flight at a time").hasSize(1);
        assertThat(firstBlock).isNotDone();

        controller.next = 5000;
        controller.answerLast();
        assertThat(firstBlock).isDone();
        assertThat(manager.nextProducerId()).isEqualTo(5000L);
    }

    @Test
    void retriesAFailedRequestOnlyAfterTheBackoff() {
        FakeController controller = new FakeController();
        ProducerIdManager manager = manager(controller);
        manager.start();
        controller.replies.get(0).completeExceptionally(new ApiException(Errors.NOT_CONTROLLER, "no quorum"));

        assertLoadInProgress(manager);
        assertThat(controller.floors).hasSize(1);
        time.sleep(BACKOFF_MS);
        controller.answerAtOnce = true;
        assertThat(manager.nextProducerId()).isZero();
        assertThat(controller.floors).hasSize(2);
    }

    @Test
    void aBlockThatOverlapsOneAlreadyReceivedIsNeverUsed() {
        FakeController controller = new FakeController();
        ProducerIdManager manager = manager(controller);
        manager.start();
        controller.replies.get(0).complete(1000L);
        for (int i = 0; i < ProducerIdManager.PREFETCH_AT; i++) {
            manager.nextProducerId();
        }
        controller.replies.get(1).complete(1500L); // overlaps [1000, 2000): a broken controller

        for (int i = ProducerIdManager.PREFETCH_AT; i < ProducerIdManager.BLOCK_SIZE; i++) {
            manager.nextProducerId();
        }
        assertLoadInProgress(manager);
    }

    @Test
    void anUpgradedBrokerStartsPastItsLegacyFileAndThenDeletesIt() throws Exception {
        Path legacy = dir.resolve(ProducerIdManager.LEGACY_FILE_NAME);
        Files.write(legacy, legacyFile(7000L));
        FakeController controller = new FakeController();
        controller.answerAtOnce = true;
        ProducerIdManager manager = manager(controller);
        manager.start();

        assertThat(controller.floors).containsExactly(7000L);
        assertThat(manager.nextProducerId()).isEqualTo(7000L);
        assertThat(legacy).doesNotExist();
    }

    @Test
    void threadsRacingOverARealControllerGetDistinctIdsAcrossRestarts() throws Exception {
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        AtomicInteger loadInProgress = new AtomicInteger();
        for (int incarnation = 0; incarnation < 2; incarnation++) {
            try (LocalMetadataLog log = LocalMetadataLog.open(dir.resolve("metadata"));
                    Controller controller = Controller.start(
                            ControllerConfig.DEFAULT, log, ConfigValidator.ACCEPT_ALL, time, new Random(1))) {
                controller.ready().get(10, TimeUnit.SECONDS);
                controller
                        .registerBroker(1, new Uuid(1, incarnation), List.of(new Endpoint("P", "h", 1, "P")), null)
                        .get(10, TimeUnit.SECONDS);
                ProducerIdManager manager =
                        new ProducerIdManager(floor -> controller.allocateProducerIds(1, floor), dir, time, BACKOFF_MS);
                manager.start().get(10, TimeUnit.SECONDS);
                takeIds(manager, 4, 2500, ids, loadInProgress);
            }
        }
        System.out.println("20000 ids from 4 threads over two incarnations; " + loadInProgress.get()
                + " COORDINATOR_LOAD_IN_PROGRESS answers on the way");
        assertThat(ids).hasSize(20_000);
    }

    private void takeIds(ProducerIdManager manager, int threads, int perThread, Set<Long> ids, AtomicInteger waits)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(pool.submit(() -> {
                    for (int taken = 0; taken < perThread; ) {
                        try {
                            assertThat(ids.add(manager.nextProducerId())).isTrue();
                            taken++;
                        } catch (ApiException e) {
                            waits.incrementAndGet();
                            Thread.onSpinWait();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] legacyFile(long end) {
        ByteBuffer buffer = ByteBuffer.allocate(16).putInt(1).putLong(end);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 12);
        return buffer.putInt((int) crc.getValue()).array();
    }
}

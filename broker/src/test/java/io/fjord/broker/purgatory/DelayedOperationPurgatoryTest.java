package io.fjord.broker.purgatory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedOperationPurgatoryTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final DelayedOperationPurgatory<String> purgatory = new DelayedOperationPurgatory<>("test", timer, 100);

    {
        timer.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    /** Completes when its flag is set; counts completions and expirations. */
    private static final class FlagOperation extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger expirations = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);

        FlagOperation(long delayMs) {
            super(delayMs);
        }

        @Override
        public boolean tryComplete() {
            return ready.get() && forceComplete();
        }

        @Override
        protected void onExpiration() {
            expirations.incrementAndGet();
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
            done.countDown();
        }
    }

    @Test
    void anOperationThatCanCompleteAtOnceIsNeverWatched() {
        FlagOperation op = new FlagOperation(60_000);
        op.ready.set(true);
        assertThat(purgatory.tryCompleteElseWatch(op, List.of("a"))).isTrue();
        assertThat(op.completions).hasValue(1);
        assertThat(purgatory.watchedKeys()).isZero();
        assertThat(timer.getQueue()).isEmpty();
    }

    @Test
    void aKeyCheckCompletesTheWatchingOperationAndCancelsItsTimer() {
        FlagOperation op = new FlagOperation(60_000);
        assertThat(purgatory.tryCompleteElseWatch(op, List.of("a", "b"))).isFalse();
        assertThat(purgatory.watched()).isEqualTo(1);
        assertThat(timer.getQueue()).hasSize(1);

        assertThat(purgatory.checkAndComplete("a")).isZero();
        op.ready.set(true);
        assertThat(purgatory.checkAndComplete("c")).isZero();
        assertThat(purgatory.checkAndComplete("b")).isEqualTo(1);

        assertThat(op.completions).hasValue(1);
        assertThat(op.expirations).hasValue(0);
        assertThat(timer.getQueue()).as("the cancelled timer is removed").isEmpty();
        assertThat(purgatory.checkAndComplete("a")).isZero();
        assertThat(purgatory.watchedKeys()).isZero();
    }

    @Test
    void aCancelledAnswerCompletesTheWaitingOperationAndDropsItsTimer() {
        FlagOperation op = new FlagOperation(60_000);
        CompletableFuture<Object> answer = new CompletableFuture<>();
        purgatory.tryCompleteElseWatch(op, List.of("a"));
        op.completeWhenCancelled(answer);
        assertThat(op.isCompleted()).isFalse();

        answer.cancel(false);

        assertThat(op.completions).hasValue(1);
        assertThat(op.expirations).hasValue(0);
        assertThat(timer.getQueue()).isEmpty();
    }

    @Test
    void anAnswerCompletedNormallyLeavesTheOperationToItsOwnCompletion() {
        FlagOperation op = new FlagOperation(60_000);
        CompletableFuture<Object> answer = new CompletableFuture<>();
        purgatory.tryCompleteElseWatch(op, List.of("a"));
        op.completeWhenCancelled(answer);

        answer.complete("sent");

        assertThat(op.isCompleted()).isFalse();
        assertThat(timer.getQueue()).hasSize(1);
    }

    @Test
    void anOperationExpiresOnceAfterItsDelay() throws Exception {
        FlagOperation op = new FlagOperation(50);
        long startNs = System.nanoTime();
        purgatory.tryCompleteElseWatch(op, List.of("a"));
        assertThat(op.done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - startNs).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(op.expirations).hasValue(1);
        assertThat(op.completions).hasValue(1);

        op.ready.set(true);
        assertThat(purgatory.checkAndComplete("a")).isZero();
        assertThat(op.completions).hasValue(1);
        assertThat(purgatory.watchedKeys()).isZero();
    }

    @Test
    void completeAllCompletesEveryOperationOfTheKeysOnce() {
        FlagOperation first = new FlagOperation(60_000);
        FlagOperation second = new FlagOperation(60_000);
        FlagOperation other = new FlagOperation(60_000);
        purgatory.tryCompleteElseWatch(first, List.of("a"));
        purgatory.tryCompleteElseWatch(second, List.of("a", "b"));
        purgatory.tryCompleteElseWatch(other, List.of("c"));

        purgatory.completeAll(List.of("a", "b"));

        assertThat(first.completions).hasValue(1);
        assertThat(second.completions).hasValue(1);
        assertThat(other.completions).hasValue(0);
        assertThat(first.expirations).hasValue(0);
        assertThat(timer.getQueue()).hasSize(1);
        assertThat(purgatory.watched()).isEqualTo(1);
    }

    @Test
    void manyOperationsCompletedByKeyLeaveNoTimersOrWatchListsBehind() {
        for (int i = 0; i < 10_000; i++) {
            FlagOperation op = new FlagOperation(60_000);
            String key = "k" + (i % 7);
            purgatory.tryCompleteElseWatch(op, List.of(key));
            op.ready.set(true);
            purgatory.checkAndComplete(key);
        }
        assertThat(timer.getQueue()).isEmpty();
        assertThat(purgatory.watchedKeys()).isZero();
    }

    @Test
    void expiredOperationsOnKeysNobodyChecksArePurged() throws Exception {
        for (int i = 0; i < 250; i++) {
            FlagOperation op = new FlagOperation(1);
            purgatory.tryCompleteElseWatch(op, List.of("idle-" + i));
            op.done.await(5, TimeUnit.SECONDS);
        }
        assertThat(purgatory.watchedKeys()).as("purged every 100 adds").isLessThanOrEqualTo(100);
    }

    @Test
    void aWatchRacingWithTheRemovalOfAnEmptiedQueueIsNotLost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 2000; round++) {
                FlagOperation first = new FlagOperation(60_000);
                purgatory.tryCompleteElseWatch(first, List.of("p"));
                first.ready.set(true);
                FlagOperation second = new FlagOperation(60_000);
                CountDownLatch start = new CountDownLatch(1);
                var checker = pool.submit(() -> {
                    start.await();
                    return purgatory.checkAndComplete("p");
                });
                var watcher = pool.submit(() -> {
                    start.await();
                    return purgatory.tryCompleteElseWatch(second, List.of("p"));
                });
                start.countDown();
                checker.get();
                watcher.get();
                second.ready.set(true);
                purgatory.checkAndComplete("p");
                assertThat(second.completions).as("round %d", round).hasValue(1);
                assertThat(second.expirations).hasValue(0);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.fjord.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.CoordinatorLog;
import io.fjord.coordinator.CoordinatorLogEntry;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.testkit.MockTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionCoordinatorTest {

    private static final int PARTITIONS = 4;
    private static final TopicPartition DATA = new TopicPartition("data", 0);
    private static final TopicPartition MORE = new TopicPartition("data", 1);

    /** One marker request the coordinator made. */
    private record Marker(long producerId, short epoch, boolean commit, Set<TopicPartition> partitions) {}

    private final MockTime time = new MockTime();
    private final List<CoordinatorRecord> written = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Marker> markers = new ConcurrentLinkedQueue<>();
    /** Errors the next marker requests answer for every partition, one per request; then NONE. */
    private final ConcurrentLinkedQueue<Errors> markerErrors = new ConcurrentLinkedQueue<>();

    private final AtomicLong nextProducerId = new AtomicLong(1000);
    private ScheduledThreadPoolExecutor executor;
    private TransactionCoordinator coordinator;

    @BeforeEach
    void setUp() {
        executor = new ScheduledThreadPoolExecutor(1);
        coordinator = newCoordinator();
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(coordinator
                            .scheduleLoad(p, 5)
                            .run(List.<CoordinatorLogEntry>of().iterator()))
                    .isTrue();
        }
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private TransactionCoordinator newCoordinator() {
        CoordinatorLog log = new CoordinatorLog() {
            @Override
            public CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records) {
                written.addAll(records);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> appendTransactional(
                    int partition,
                    long producerId,
                    short producerEpoch,
                    io.fjord.common.VerificationGuard guard,
                    List<CoordinatorRecord> records) {
                throw new UnsupportedOperationException("the transaction coordinator writes no transactional batch");
            }
        };
        TransactionCoordinator.MarkerWriter writer = (pid, epoch, coordinatorEpoch, commit, partitions) -> {
            markers.add(new Marker(pid, epoch, commit, Set.copyOf(partitions)));
            Errors error = markerErrors.poll();
            Map<TopicPartition, Errors> out = new java.util.HashMap<>();
            partitions.forEach(tp -> out.put(tp, error == null ? Errors.NONE : error));
            return CompletableFuture.completedFuture(out);
        };
        return new TransactionCoordinator(
                new TransactionCoordinator.Config(PARTITIONS, 900_000, 604_800_000L, 10),
                log,
                nextProducerId::getAndIncrement,
                writer,
                "__consumer_offsets",
                group -> 7,
                time,
                executor);
    }

    @Test
    void aNewTransactionalIdGetsAProducerIdAndEachInitBumpsTheEpoch() throws Exception {
        TransactionCoordinator.InitResult first = init("app");
        assertThat(first.error()).isEqualTo(Errors.NONE);
        assertThat(first.producerId()).isEqualTo(1000);
        assertThat(first.producerEpoch()).isZero();
        TransactionCoordinator.InitResult second = init("app");
        assertThat(second.producerId()).isEqualTo(1000);
        assertThat(second.producerEpoch()).isEqualTo((short) 1);
        assertThat(coordinator
                        .addPartitions("app", 1000, (short) 0, Set.of(DATA))
                        .get(5, TimeUnit.SECONDS))
                .as("the first instance is fenced")
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.initProducerId("app", 0, -1, (short) -1).get())
                .extracting(TransactionCoordinator.InitResult::error)
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
    }

    @Test
    void aCommitIsDurableBeforeItsAnswerThenMarkersThenComplete() throws Exception {
        TransactionCoordinator.InitResult producer = init("app");
        assertThat(coordinator
                        .addPartitions("app", producer.producerId(), (short) 0, Set.of(DATA))
                        .get())
                .isEqualTo(Errors.NONE);
        assertThat(coordinator
                        .addOffsets("app", producer.producerId(), (short) 0, "group")
                        .get())
                .isEqualTo(Errors.NONE);
        assertThat(state("app")).isEqualTo(TransactionState.ONGOING);
        assertThat(coordinator
                        .endTxn("app", producer.producerId(), (short) 0, true)
                        .get())
                .isEqualTo(Errors.NONE);
        await(() -> state("app") == TransactionState.COMPLETE_COMMIT);
        assertThat(markers)
                .containsExactly(new Marker(
                        producer.producerId(),
                        (short) 0,
                        true,
                        Set.of(DATA, new TopicPartition("__consumer_offsets", 7))));
        List<TransactionState> states = written.stream()
                .map(r -> TransactionLogRecords.readValue(r.value()).state())
                .toList();
        assertThat(states)
                .containsExactly(
                        TransactionState.EMPTY,
                        TransactionState.ONGOING,
                        TransactionState.ONGOING,
                        TransactionState.PREPARE_COMMIT,
                        TransactionState.COMPLETE_COMMIT);
        assertThat(coordinator
                        .endTxn("app", producer.producerId(), (short) 0, true)
                        .get())
                .as("a retried commit")
                .isEqualTo(Errors.NONE);
        assertThat(coordinator
                        .endTxn("app", producer.producerId(), (short) 0, false)
                        .get())
                .isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void markersThatFailRetriablyAreWrittenAgain() throws Exception {
        TransactionCoordinator.InitResult producer = init("app");
        coordinator
                .addPartitions("app", producer.producerId(), (short) 0, Set.of(DATA, MORE))
                .get();
        markerErrors.add(Errors.NOT_LEADER_OR_FOLLOWER);
        markerErrors.add(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(coordinator
                        .endTxn("app", producer.producerId(), (short) 0, false)
                        .get())
                .isEqualTo(Errors.NONE);
        await(() -> state("app") == TransactionState.COMPLETE_ABORT);
        assertThat(markers).hasSize(3).allMatch(m -> !m.commit());
        assertThat(coordinator
                        .addPartitions("app", producer.producerId(), (short) 0, Set.of(DATA))
                        .get())
                .as("the next transaction starts")
                .isEqualTo(Errors.NONE);
    }

    @Test
    void anInitWhileATransactionIsOpenAbortsItWithTheNextEpoch() throws Exception {
        TransactionCoordinator.InitResult zombie = init("app");
        coordinator
                .addPartitions("app", zombie.producerId(), (short) 0, Set.of(DATA))
                .get();
        assertThat(coordinator
                        .initProducerId("app", 60_000, -1, (short) -1)
                        .get()
                        .error())
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        await(() -> state("app") == TransactionState.COMPLETE_ABORT);
        assertThat(markers).containsExactly(new Marker(zombie.producerId(), (short) 1, false, Set.of(DATA)));
        TransactionCoordinator.InitResult next = init("app");
        assertThat(next.producerEpoch()).isEqualTo((short) 2);
        assertThat(coordinator
                        .endTxn("app", zombie.producerId(), (short) 0, true)
                        .get())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        TransactionCoordinator.InitResult producer = init("app");
        coordinator
                .addPartitions("app", producer.producerId(), (short) 0, Set.of(DATA))
                .get();
        time.advanceMs(60_001);
        coordinator.abortTimedOutTransactions();
        await(() -> state("app") == TransactionState.COMPLETE_ABORT);
        assertThat(coordinator
                        .addPartitions("app", producer.producerId(), (short) 0, Set.of(DATA))
                        .get())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aNewCoordinatorFinishesTheTransactionsItFindsPrepared() throws Exception {
        TransactionCoordinator.InitResult producer = init("app");
        coordinator
                .addPartitions("app", producer.producerId(), (short) 0, Set.of(DATA))
                .get();
        // The old coordinator dies with PREPARE_COMMIT written and no marker yet.
        for (int i = 0; i < 1_000; i++) {
            markerErrors.add(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        coordinator.endTxn("app", producer.producerId(), (short) 0, true).get();
        coordinator.shutdown();
        List<CoordinatorLogEntry> log = new ArrayList<>();
        for (CoordinatorRecord record : written) {
            log.add(new CoordinatorLogEntry.Data(log.size(), CoordinatorLogEntry.NO_PRODUCER_ID, record));
        }
        markerErrors.clear();
        markers.clear();

        TransactionCoordinator successor = newCoordinator();
        coordinator = successor;
        for (int p = 0; p < PARTITIONS; p++) {
            successor.scheduleLoad(p, 6).run(log.iterator());
        }
        await(() -> state("app") == TransactionState.COMPLETE_COMMIT);
        assertThat(markers).contains(new Marker(producer.producerId(), (short) 0, true, Set.of(DATA)));
    }

    @Test
    void requestsForAPartitionNotLoadedHereOrStillLoadingAreTurnedAway() throws Exception {
        int partition = coordinator.partitionFor("app");
        coordinator.unloadPartition(partition);
        assertThat(coordinator
                        .initProducerId("app", 60_000, -1, (short) -1)
                        .get()
                        .error())
                .isEqualTo(Errors.NOT_COORDINATOR);
        coordinator.scheduleLoad(partition, 7);
        assertThat(coordinator
                        .initProducerId("app", 60_000, -1, (short) -1)
                        .get()
                        .error())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
    }

    @Test
    void recordsRoundTripInKafkasLayout() {
        TxnRecord record =
                new TxnRecord(42, (short) 3, 60_000, TransactionState.PREPARE_ABORT, Set.of(DATA, MORE), 1_000, 2_000);
        CoordinatorRecord bytes = TransactionLogRecords.record("app", record);
        assertThat(TransactionLogRecords.readKey(bytes.key())).isEqualTo("app");
        assertThat(TransactionLogRecords.readValue(bytes.value())).isEqualTo(record);
        assertThat(TransactionLogRecords.record("app", null).isTombstone()).isTrue();
    }

    @Test
    void verifyOnlyAnswersWhetherEachPartitionIsInTheOngoingTransactionAndChangesNothing() throws Exception {
        TransactionCoordinator.InitResult producer = init("app");
        long pid = producer.producerId();
        assertThat(coordinator.verifyPartitions("app", pid, (short) 0, Set.of(DATA)))
                .as("no transaction open yet")
                .containsExactly(Map.entry(DATA, Errors.TRANSACTION_ABORTABLE));
        coordinator.addPartitions("app", pid, (short) 0, Set.of(DATA)).get(5, TimeUnit.SECONDS);
        int writes = written.size();

        assertThat(coordinator.verifyPartitions("app", pid, (short) 0, Set.of(DATA, MORE)))
                .containsOnly(Map.entry(DATA, Errors.NONE), Map.entry(MORE, Errors.TRANSACTION_ABORTABLE));
        assertThat(written).as("verify-only writes nothing").hasSize(writes);
        assertThat(state("app")).isEqualTo(TransactionState.ONGOING);
        assertThat(coordinator.verifyPartitions("app", pid, (short) 1, Set.of(DATA)))
                .containsExactly(Map.entry(DATA, Errors.PRODUCER_FENCED));
        assertThat(coordinator.verifyPartitions("app", pid + 1, (short) 0, Set.of(DATA)))
                .containsExactly(Map.entry(DATA, Errors.INVALID_PRODUCER_ID_MAPPING));
        assertThat(coordinator.verifyPartitions("unknown", pid, (short) 0, Set.of(DATA)))
                .containsExactly(Map.entry(DATA, Errors.INVALID_PRODUCER_ID_MAPPING));
        assertThat(coordinator.verifyPartitions("", pid, (short) 0, Set.of(DATA)))
                .containsExactly(Map.entry(DATA, Errors.INVALID_REQUEST));

        assertThat(coordinator.endTxn("app", pid, (short) 0, false).get(5, TimeUnit.SECONDS))
                .isEqualTo(Errors.NONE);
        await(() -> state("app") == TransactionState.COMPLETE_ABORT);
        assertThat(coordinator.verifyPartitions("app", pid, (short) 0, Set.of(DATA)))
                .as("a late batch of the aborted transaction")
                .containsExactly(Map.entry(DATA, Errors.TRANSACTION_ABORTABLE));
    }

    @Test
    void verifyOnlyWhileTheOutcomeIsBeingWrittenIsConcurrentTransactions() throws Exception {
        TransactionCoordinator.InitResult producer = init("app");
        long pid = producer.producerId();
        coordinator.addPartitions("app", pid, (short) 0, Set.of(DATA)).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 10_000; i++) {
            markerErrors.add(Errors.NOT_LEADER_OR_FOLLOWER); // markers retried every 10 ms: PREPARE_ABORT lasts
        }
        assertThat(coordinator.endTxn("app", pid, (short) 0, false).get(5, TimeUnit.SECONDS))
                .isEqualTo(Errors.NONE);
        assertThat(state("app")).isEqualTo(TransactionState.PREPARE_ABORT);
        assertThat(coordinator.verifyPartitions("app", pid, (short) 0, Set.of(DATA)))
                .containsExactly(Map.entry(DATA, Errors.CONCURRENT_TRANSACTIONS));
        markerErrors.clear();
        await(() -> state("app") == TransactionState.COMPLETE_ABORT);
    }

    @Test
    void verifyOnlyForATransactionalIdOfAnotherCoordinatorIsNotCoordinator() {
        coordinator.unloadPartition(coordinator.partitionFor("app"));
        assertThat(coordinator.verifyPartitions("app", 1000, (short) 0, Set.of(DATA)))
                .containsExactly(Map.entry(DATA, Errors.NOT_COORDINATOR));
    }

    @Test
    void aFencedInstanceCannotRegainTheEpochWithAnExpectedEpochInit() throws Exception {
        // Instance A holds epoch 1 and aborts a transaction after an error that needs an epoch bump (KIP-360):
        // EndTxn(ABORT) with epoch 1 completes, then the Java client sends InitProducerId(expected pid/epoch 1).
        init("app");
        TransactionCoordinator.InitResult a = init("app");
        long pid = a.producerId();
        assertThat(a.producerEpoch()).isEqualTo((short) 1);
        coordinator.addPartitions("app", pid, (short) 1, Set.of(DATA)).get(5, TimeUnit.SECONDS);
        assertThat(coordinator.endTxn("app", pid, (short) 1, false).get(5, TimeUnit.SECONDS))
                .isEqualTo(Errors.NONE);
        await(() -> state("app") == TransactionState.COMPLETE_ABORT);
        // Before A's InitProducerId arrives, a new instance B starts (InitProducerId without an expected epoch)
        // and takes epoch 2: A is now a zombie.
        TransactionCoordinator.InitResult b = init("app");
        assertThat(b.producerEpoch()).isEqualTo((short) 2);
        // A's bump request: Kafka answers PRODUCER_FENCED (B's init set lastProducerEpoch to -1).
        TransactionCoordinator.InitResult zombie =
                coordinator.initProducerId("app", 60_000, pid, (short) 1).get(5, TimeUnit.SECONDS);
        assertThat(zombie.error())
                .as("the zombie got epoch %d, the epoch of the live instance", zombie.producerEpoch())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aLiveProducerWhoseTransactionalIdExpiredGetsANewProducerIdOnItsEpochBump() throws Exception {
        TransactionCoordinator.InitResult producer = init("app");
        long pid = producer.producerId();
        time.advanceMs(604_800_001); // transactional.id.expiration.ms passes with the producer idle
        coordinator.expireTransactionalIds();
        await(() -> state("app") == null);
        // The producer starts a transaction: INVALID_PRODUCER_ID_MAPPING, abortable (KIP-360), so the Java client
        // skips EndTxn and sends InitProducerId with its producer id and epoch.
        assertThat(coordinator
                        .addPartitions("app", pid, (short) 0, Set.of(DATA))
                        .get(5, TimeUnit.SECONDS))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        TransactionCoordinator.InitResult bumped =
                coordinator.initProducerId("app", 60_000, pid, (short) 0).get(5, TimeUnit.SECONDS);
        // Kafka: the metadata was just created (epoch -1), so the producer gets the new producer id at epoch 0.
        assertThat(bumped.error()).isEqualTo(Errors.NONE);
        assertThat(bumped.producerId()).isNotEqualTo(pid);
        assertThat(bumped.producerEpoch()).isZero();
    }

    @Test
    void aRetriedBumpThatRanOutOfEpochsGetsTheNewProducerIdAgain() throws Exception {
        // The id's producer is at the last epoch but one: its next bump takes a new producer id at epoch 0.
        long pid = 77;
        coordinator.shutdown();
        TxnRecord last = new TxnRecord(
                pid, (short) (Short.MAX_VALUE - 1), 60_000, TransactionState.COMPLETE_ABORT, Set.of(), -1, 0);
        List<CoordinatorLogEntry> log = List.of(new CoordinatorLogEntry.Data(
                0, CoordinatorLogEntry.NO_PRODUCER_ID, TransactionLogRecords.record("app", last)));
        coordinator = newCoordinator();
        for (int p = 0; p < PARTITIONS; p++) {
            coordinator.scheduleLoad(p, 6).run(log.iterator());
        }
        TransactionCoordinator.InitResult bumped = coordinator
                .initProducerId("app", 60_000, pid, last.producerEpoch())
                .get(5, TimeUnit.SECONDS);
        assertThat(bumped.error()).isEqualTo(Errors.NONE);
        assertThat(bumped.producerId()).isNotEqualTo(pid);
        assertThat(bumped.producerEpoch()).isZero();
        // The answer was lost and the producer sends the same request again: Kafka answers it the same way
        // (isValidProducerId case 3, the previous producer id with an exhausted epoch).
        TransactionCoordinator.InitResult retried = coordinator
                .initProducerId("app", 60_000, pid, last.producerEpoch())
                .get(5, TimeUnit.SECONDS);
        assertThat(retried).isEqualTo(bumped);
        // Any other epoch of the old producer id is a fenced instance.
        assertThat(coordinator
                        .initProducerId("app", 60_000, pid, (short) (Short.MAX_VALUE - 2))
                        .get(5, TimeUnit.SECONDS)
                        .error())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    private TransactionCoordinator.InitResult init(String id) throws Exception {
        TransactionCoordinator.InitResult result =
                coordinator.initProducerId(id, 60_000, -1, (short) -1).get(5, TimeUnit.SECONDS);
        assertThat(result.error()).isEqualTo(Errors.NONE);
        return result;
    }

    private TransactionState state(String id) {
        List<TransactionCoordinator.TxnView> out = new ArrayList<>();
        Errors error = coordinator.describe(id, out);
        return error == Errors.NONE ? out.get(0).record().state() : null;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}

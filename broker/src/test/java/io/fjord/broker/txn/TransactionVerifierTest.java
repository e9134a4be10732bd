package io.fjord.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.group.GroupHandlers;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.coordinator.CoordinatorLog;
import io.fjord.coordinator.CoordinatorLogEntry;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.TopicRecord;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.AddPartitionsToTxnRequest;
import io.fjord.protocol.message.AddPartitionsToTxnResponse;
import io.fjord.testkit.MockTime;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link TransactionVerifier} on fakes, without sockets: the metadata image names the coordinator broker (the
 * leader of {@code __transaction_state} partition 0, the only one); this broker's coordinator is a real {@link
 * TransactionCoordinator} on an in-memory log; broker 2 is a {@link FakeLink} whose requests wait in flight until
 * the test scripts their answer.
 */
class TransactionVerifierTest {

    private static final int LOCAL = 1;
    private static final int REMOTE = 2;
    private static final Uuid STATE_TOPIC_ID = new Uuid(5, 6);
    private static final TopicPartition DATA = new TopicPartition("data", 0);
    private static final TopicPartition MORE = new TopicPartition("data", 1);
    private static final TopicPartition OTHER = new TopicPartition("other", 0);
    private static final long TIMEOUT_S = 5;

    private final MockTime time = new MockTime();
    private final FakeLink link = new FakeLink();
    private final AtomicInteger linksMade = new AtomicInteger();
    private final AtomicReference<MetadataImage> image = new AtomicReference<>();
    private ScheduledThreadPoolExecutor executor;
    private TransactionCoordinator coordinator;
    private TransactionVerifier verifier;

    @BeforeEach
    void setUp() {
        executor = new ScheduledThreadPoolExecutor(1);
        coordinator = new TransactionCoordinator(
                new TransactionCoordinator.Config(1, 900_000, 604_800_000L, 10),
                new InMemoryLog(),
                new AtomicInteger(1000)::getAndIncrement,
                (producerId, epoch, coordinatorEpoch, commit, partitions) -> new CompletableFuture<>(),
                "__consumer_offsets",
                group -> 0,
                time,
                executor);
        assertThat(coordinator
                        .scheduleLoad(0, 0)
                        .run(List.<CoordinatorLogEntry>of().iterator()))
                .isTrue();
        coordinatorOn(REMOTE);
        verifier = newVerifier(2);
    }

    @AfterEach
    void tearDown() {
        verifier.close();
        executor.shutdownNow();
    }

    // ---- the local coordinator ----

    @Test
    void theLocalCoordinatorIsAskedDirectlyAndItsPartitionErrorsPassedOn() throws Exception {
        coordinatorOn(LOCAL);
        TransactionCoordinator.InitResult producer =
                coordinator.initProducerId("app", 60_000, -1, (short) -1).get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(coordinator
                        .addPartitions("app", producer.producerId(), producer.producerEpoch(), Set.of(DATA))
                        .get(TIMEOUT_S, TimeUnit.SECONDS))
                .isEqualTo(Errors.NONE);

        assertThat(answer(verifier.verify("app", producer.producerId(), producer.producerEpoch(), List.of(DATA))))
                .as("in the ongoing transaction")
                .isEmpty();
        assertThat(answer(verifier.verify("app", producer.producerId(), producer.producerEpoch(), List.of(DATA, MORE))))
                .as("not added to the transaction")
                .containsExactly(Map.entry(MORE, Errors.TRANSACTION_ABORTABLE));
        assertThat(answer(verifier.verify(
                        "app", producer.producerId(), (short) (producer.producerEpoch() - 1), List.of(DATA))))
                .as("the coordinator's PRODUCER_FENCED, as producers expect it here")
                .containsExactly(Map.entry(DATA, Errors.INVALID_PRODUCER_EPOCH));
        assertThat(answer(verifier.verify("app", producer.producerId() + 1, producer.producerEpoch(), List.of(DATA))))
                .containsExactly(Map.entry(DATA, Errors.INVALID_PRODUCER_ID_MAPPING));
        assertThat(linksMade).as("no connection for the local coordinator").hasValue(0);
    }

    // ---- a remote coordinator: the request and its answer ----

    @Test
    void aRemoteCoordinatorIsAskedWithVerifyOnlyAndItsAnswerPassedOn() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> answer =
                verifier.verify("app", 42L, (short) 3, List.of(DATA, MORE));

        AddPartitionsToTxnRequest request = link.nextRequest();
        assertThat(request.transactions()).singleElement().satisfies(txn -> {
            assertThat(txn.transactionalId()).isEqualTo("app");
            assertThat(txn.producerId()).isEqualTo(42L);
            assertThat(txn.producerEpoch()).isEqualTo((short) 3);
            assertThat(txn.verifyOnly()).isTrue();
            assertThat(txn.topics()).singleElement().satisfies(topic -> {
                assertThat(topic.name()).isEqualTo("data");
                assertThat(topic.partitions()).containsExactly(0, 1);
            });
        });
        assertThat(link.versionAsked).isEqualTo(ApiKeys.ADD_PARTITIONS_TO_TXN);
        link.answer(r -> response(Map.of("app", Map.of(DATA, Errors.NONE, MORE, Errors.TRANSACTION_ABORTABLE))));

        assertThat(answer(answer)).containsExactly(Map.entry(MORE, Errors.TRANSACTION_ABORTABLE));
        assertThat(linksMade).as("one connection per coordinator broker").hasValue(1);
    }

    @Test
    void theRemoteCoordinatorsProducerFencedIsToldAsInvalidProducerEpoch() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> answer = verifier.verify("app", 42L, (short) 3, List.of(DATA));
        link.nextRequest();
        link.answer(r -> response(Map.of("app", Map.of(DATA, Errors.PRODUCER_FENCED))));

        assertThat(answer(answer)).containsExactly(Map.entry(DATA, Errors.INVALID_PRODUCER_EPOCH));
    }

    @Test
    void aTopLevelErrorFailsEveryPartitionOfEveryTransactionInTheRequest() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> first = verifier.verify("first", 1L, (short) 0, List.of(DATA));
        link.nextRequest();
        CompletableFuture<Map<TopicPartition, Errors>> app =
                verifier.verify("app", 42L, (short) 3, List.of(DATA, MORE));
        CompletableFuture<Map<TopicPartition, Errors>> etl = verifier.verify("etl", 43L, (short) 0, List.of(OTHER));
        link.answer(r -> response(Map.of("first", Map.of(DATA, Errors.NONE))));
        assertThat(answer(first)).isEmpty();

        assertThat(link.nextRequest().transactions()).hasSize(2);
        link.answer(r -> response(Map.of()).setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));

        assertThat(answer(app))
                .containsOnly(
                        Map.entry(DATA, Errors.COORDINATOR_LOAD_IN_PROGRESS),
                        Map.entry(MORE, Errors.COORDINATOR_LOAD_IN_PROGRESS));
        assertThat(answer(etl)).containsOnly(Map.entry(OTHER, Errors.COORDINATOR_LOAD_IN_PROGRESS));
    }

    @Test
    void aPartitionOrATransactionTheAnswerLeavesOutIsANetworkException() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> first = verifier.verify("first", 1L, (short) 0, List.of(DATA));
        link.nextRequest();
        CompletableFuture<Map<TopicPartition, Errors>> app =
                verifier.verify("app", 42L, (short) 3, List.of(DATA, MORE));
        CompletableFuture<Map<TopicPartition, Errors>> etl = verifier.verify("etl", 43L, (short) 0, List.of(OTHER));
        link.answer(r -> response(Map.of("first", Map.of(DATA, Errors.NONE))));
        answer(first);

        link.nextRequest();
        link.answer(r -> response(Map.of("app", Map.of(DATA, Errors.NONE))));

        assertThat(answer(app)).containsExactly(Map.entry(MORE, Errors.NETWORK_EXCEPTION));
        assertThat(answer(etl)).containsExactly(Map.entry(OTHER, Errors.NETWORK_EXCEPTION));
    }

    @Test
    void aCoordinatorWithoutVerifyOnlyIsNotAskedAndThePartitionsPass() throws Exception {
        link.version = 3;

        assertThat(answer(verifier.verify("app", 42L, (short) 3, List.of(DATA))))
                .isEmpty();
        assertThat(link.requests).as("no AddPartitionsToTxn v3 request").isEmpty();
    }

    // ---- no coordinator to ask ----

    @Test
    void withoutALeaderOfTheTransactionStatePartitionTheAnswerIsCoordinatorNotAvailable() throws Exception {
        coordinatorOn(PartitionRecord.NO_LEADER);
        assertThat(answer(verifier.verify("app", 42L, (short) 3, List.of(DATA, MORE))))
                .containsOnly(
                        Map.entry(DATA, Errors.COORDINATOR_NOT_AVAILABLE),
                        Map.entry(MORE, Errors.COORDINATOR_NOT_AVAILABLE));

        image.set(MetadataImage.EMPTY);
        assertThat(answer(verifier.verify("app", 42L, (short) 3, List.of(DATA))))
                .as("before the transaction state topic exists")
                .containsExactly(Map.entry(DATA, Errors.COORDINATOR_NOT_AVAILABLE));
        assertThat(linksMade).hasValue(0);
    }

    @Test
    void aCoordinatorBrokerWithoutAnAddressIsCoordinatorNotAvailable() throws Exception {
        link.address = null;

        assertThat(answer(verifier.verify("app", 42L, (short) 3, List.of(DATA))))
                .containsExactly(Map.entry(DATA, Errors.COORDINATOR_NOT_AVAILABLE));
        assertThat(link.requests).isEmpty();
    }

    // ---- bounds and timeouts ----

    @Test
    void aRequestThatTimesOutAnswersNetworkExceptionAndTheNextVerificationAsksAgain() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> timedOut = verifier.verify("app", 42L, (short) 3, List.of(DATA));
        link.nextRequest();
        link.answer(r -> {
            throw new SocketTimeoutException("no answer within the socket timeout");
        });
        assertThat(answer(timedOut)).containsExactly(Map.entry(DATA, Errors.NETWORK_EXCEPTION));

        CompletableFuture<Map<TopicPartition, Errors>> retried = verifier.verify("app", 42L, (short) 3, List.of(DATA));
        link.nextRequest();
        link.answer(r -> response(Map.of("app", Map.of(DATA, Errors.NONE))));
        assertThat(answer(retried)).isEmpty();
    }

    @Test
    void aBrokerThatCannotBeReachedAnswersNetworkException() throws Exception {
        link.versionFailure = new IOException("connection refused");

        assertThat(answer(verifier.verify("app", 42L, (short) 3, List.of(DATA, MORE))))
                .containsOnly(Map.entry(DATA, Errors.NETWORK_EXCEPTION), Map.entry(MORE, Errors.NETWORK_EXCEPTION));
    }

    @Test
    void verificationsQueuedWhileARequestIsInFlightGoOutTogetherOneEntryPerTransactionalId() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> first = verifier.verify("first", 1L, (short) 0, List.of(DATA));
        link.nextRequest();
        CompletableFuture<Map<TopicPartition, Errors>> appData = verifier.verify("app", 42L, (short) 3, List.of(DATA));
        CompletableFuture<Map<TopicPartition, Errors>> appMore = verifier.verify("app", 42L, (short) 3, List.of(MORE));
        CompletableFuture<Map<TopicPartition, Errors>> etl = verifier.verify("etl", 43L, (short) 0, List.of(OTHER));
        assertThat(appData).as("waits for the request in flight").isNotDone();
        link.answer(r -> response(Map.of("first", Map.of(DATA, Errors.NONE))));
        answer(first);

        AddPartitionsToTxnRequest batched = link.nextRequest();
        assertThat(batched.transactions())
                .extracting(AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction::transactionalId)
                .containsExactly("app", "etl");
        assertThat(batched.transactions().get(0).topics())
                .singleElement()
                .satisfies(topic -> assertThat(topic.partitions()).containsExactly(0, 1));
        link.answer(r -> response(Map.of(
                "app", Map.of(DATA, Errors.NONE, MORE, Errors.TRANSACTION_ABORTABLE),
                "etl", Map.of(OTHER, Errors.NONE))));

        assertThat(answer(appData))
                .as("each caller hears of its own partitions")
                .isEmpty();
        assertThat(answer(appMore)).containsExactly(Map.entry(MORE, Errors.TRANSACTION_ABORTABLE));
        assertThat(answer(etl)).isEmpty();
    }

    @Test
    void ofTwoQueuedVerificationsOfATransactionalIdTheOlderEpochIsAnsweredInvalidProducerEpoch() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> first = verifier.verify("first", 1L, (short) 0, List.of(DATA));
        link.nextRequest();
        CompletableFuture<Map<TopicPartition, Errors>> older = verifier.verify("app", 42L, (short) 3, List.of(DATA));
        CompletableFuture<Map<TopicPartition, Errors>> newer = verifier.verify("app", 42L, (short) 4, List.of(MORE));
        assertThat(answer(older))
                .as("replaced at once by the newer epoch")
                .containsExactly(Map.entry(DATA, Errors.INVALID_PRODUCER_EPOCH));
        assertThat(answer(verifier.verify("app", 42L, (short) 3, List.of(DATA))))
                .as("a late one of the older epoch")
                .containsExactly(Map.entry(DATA, Errors.INVALID_PRODUCER_EPOCH));
        link.answer(r -> response(Map.of("first", Map.of(DATA, Errors.NONE))));
        answer(first);

        assertThat(link.nextRequest().transactions()).singleElement().satisfies(txn -> {
            assertThat(txn.producerEpoch()).isEqualTo((short) 4);
            assertThat(txn.topics().get(0).partitions()).containsExactly(1);
        });
        link.answer(r -> response(Map.of("app", Map.of(MORE, Errors.NONE))));
        assertThat(answer(newer)).isEmpty();
    }

    @Test
    void atMostMaxQueuedTransactionsWaitPerCoordinatorAndTheNextIsANetworkException() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> first = verifier.verify("first", 1L, (short) 0, List.of(DATA));
        link.nextRequest();
        CompletableFuture<Map<TopicPartition, Errors>> app = verifier.verify("app", 42L, (short) 3, List.of(DATA));
        CompletableFuture<Map<TopicPartition, Errors>> etl = verifier.verify("etl", 43L, (short) 0, List.of(OTHER));

        assertThat(answer(verifier.verify("third", 44L, (short) 0, List.of(MORE))))
                .as("past the bound of 2 transactional ids, answered at once and retriable")
                .containsExactly(Map.entry(MORE, Errors.NETWORK_EXCEPTION));
        CompletableFuture<Map<TopicPartition, Errors>> appMore = verifier.verify("app", 42L, (short) 3, List.of(MORE));
        assertThat(appMore)
                .as("joining a queued transactional id takes no room")
                .isNotDone();

        link.answer(r -> response(Map.of("first", Map.of(DATA, Errors.NONE))));
        answer(first);
        assertThat(link.nextRequest().transactions())
                .extracting(AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction::transactionalId)
                .containsExactly("app", "etl");
        link.answer(r -> response(
                Map.of("app", Map.of(DATA, Errors.NONE, MORE, Errors.NONE), "etl", Map.of(OTHER, Errors.NONE))));
        assertThat(answer(app)).isEmpty();
        assertThat(answer(appMore)).isEmpty();
        assertThat(answer(etl)).isEmpty();
    }

    @Test
    void closingAnswersEveryWaitingVerificationAndRefusesNewOnes() throws Exception {
        CompletableFuture<Map<TopicPartition, Errors>> inFlight =
                verifier.verify("first", 1L, (short) 0, List.of(DATA));
        link.nextRequest();
        CompletableFuture<Map<TopicPartition, Errors>> queued = verifier.verify("app", 42L, (short) 3, List.of(DATA));

        verifier.close();

        assertThat(answer(inFlight)).containsExactly(Map.entry(DATA, Errors.NETWORK_EXCEPTION));
        assertThat(answer(queued)).containsExactly(Map.entry(DATA, Errors.NETWORK_EXCEPTION));
        assertThat(answer(verifier.verify("app", 42L, (short) 3, List.of(DATA))))
                .containsExactly(Map.entry(DATA, Errors.NETWORK_EXCEPTION));
        assertThat(link.closed).isTrue();
    }

    // ---- helpers ----

    private TransactionVerifier newVerifier(int maxQueuedTransactions) {
        return new TransactionVerifier(image::get, coordinator, LOCAL, maxQueuedTransactions, brokerId -> {
            assertThat(brokerId).isEqualTo(REMOTE);
            linksMade.incrementAndGet();
            return link;
        });
    }

    /** The image with {@code __transaction_state} partition 0 led by {@code leader}. */
    private void coordinatorOn(int leader) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new TopicRecord(GroupHandlers.TRANSACTION_STATE_TOPIC, STATE_TOPIC_ID));
        delta.replay(new PartitionRecord(
                STATE_TOPIC_ID, 0, new int[] {LOCAL, REMOTE}, new int[] {LOCAL, REMOTE}, leader, 0, 0));
        image.set(delta.apply(0));
    }

    /** The verifier's answer; it never completes exceptionally. */
    private static Map<TopicPartition, Errors> answer(CompletableFuture<Map<TopicPartition, Errors>> future)
            throws Exception {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** A v4+ answer: each transactional id's partitions and their errors. */
    private static AddPartitionsToTxnResponse response(Map<String, Map<TopicPartition, Errors>> byTransaction) {
        AddPartitionsToTxnResponse response = new AddPartitionsToTxnResponse();
        byTransaction.forEach((transactionalId, errors) -> {
            AddPartitionsToTxnResponse.AddPartitionsToTxnResult result =
                    new AddPartitionsToTxnResponse.AddPartitionsToTxnResult().setTransactionalId(transactionalId);
            errors.forEach((tp, error) -> {
                AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult topic = result.topicResults().stream()
                        .filter(t -> t.name().equals(tp.topic()))
                        .findFirst()
                        .orElseGet(() -> {
                            AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult added =
                                    new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult().setName(tp.topic());
                            result.topicResults().add(added);
                            return added;
                        });
                topic.resultsByPartition()
                        .add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult()
                                .setPartitionIndex(tp.partition())
                                .setPartitionErrorCode(error.code()));
            });
            response.resultsByTransaction().add(result);
        });
        return response;
    }

    /** How the fake coordinator answers one request. */
    @FunctionalInterface
    private interface Answer {
        ApiMessage apply(AddPartitionsToTxnRequest request) throws IOException;
    }

    /**
     * Broker {@link #REMOTE} as the verifier's link: each request is recorded and waits, in flight, for the answer
     * the test gives with {@link #answer}; one not answered within {@link #TIMEOUT_S} times out as a socket would.
     */
    private static final class FakeLink implements BrokerLink {
        volatile InetSocketAddress address = InetSocketAddress.createUnresolved("broker-2", 9092);
        volatile short version = 5;
        volatile IOException versionFailure;
        volatile ApiKeys versionAsked;
        volatile boolean closed;
        final BlockingQueue<AddPartitionsToTxnRequest> requests = new LinkedBlockingQueue<>();
        final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

        @Override
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public short version(InetSocketAddress address, ApiKeys key) throws IOException {
            versionAsked = key;
            if (versionFailure != null) {
                throw versionFailure;
            }
            return version;
        }

        @Override
        public ApiMessage send(InetSocketAddress address, ApiKeys key, short version, ApiMessage request)
                throws IOException {
            assertThat(key).isEqualTo(ApiKeys.ADD_PARTITIONS_TO_TXN);
            assertThat(version).isEqualTo(this.version);
            requests.add((AddPartitionsToTxnRequest) request);
            Answer answer;
            try {
                answer = answers.poll(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("closed while in flight");
            }
            if (answer == null) {
                throw new SocketTimeoutException("no answer scripted");
            }
            return answer.apply((AddPartitionsToTxnRequest) request);
        }

        /** The next request sent, waiting in flight. */
        AddPartitionsToTxnRequest nextRequest() throws InterruptedException {
            AddPartitionsToTxnRequest request = requests.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertThat(request).as("a request within %d s", TIMEOUT_S).isNotNull();
            return request;
        }

        void answer(Answer answer) {
            answers.add(answer);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The coordinator's log, committed at once. */
    private static final class InMemoryLog implements CoordinatorLog {
        final List<CoordinatorRecord> written = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records) {
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
    }
}

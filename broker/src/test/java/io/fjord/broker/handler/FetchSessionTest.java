package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental fetch sessions (KIP-227) through the fetch handler of a broker that leads partitions 0-3 of
 * topic t, each holding 10 records: session creation, incremental add, alter and forget, epoch and id
 * errors, eviction, responses carrying only changed partitions, and a long poll over a session.
 */
class FetchSessionTest {

    private static final Uuid TOPIC_ID = LeaderTestContext.TOPIC_ID;
    private static final int PARTITIONS = 4;
    private static final long EVICTION_MS = 120_000;

    @TempDir
    Path dir;

    private LeaderTestContext ctx;
    private FetchSessionCache sessions;
    private FetchHandler handler;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        useCache(new FetchSessionCache(1000, EVICTION_MS, ctx.time, new Random(7)));
        int[] leaderOnly = {LeaderTestContext.LEADER};
        for (int p = 0; p < PARTITIONS; p++) {
            ctx.lead(p, leaderOnly, leaderOnly, 0);
            ctx.append(p, 10);
        }
    }

    private void useCache(FetchSessionCache cache) {
        sessions = cache;
        handler = ctx.handler(cache);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    /** A fetch of topic t naming {@code offsets} (partition -> fetch offset), forgetting {@code forgotten}. */
    private static FetchRequest request(
            int sessionId, int epoch, Map<Integer, Long> offsets, List<Integer> forgotten, short version) {
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic();
        if (version >= 13) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setTopic("t");
        }
        offsets.forEach((p, offset) -> topic.partitions()
                .add(new FetchRequest.FetchPartition()
                        .setPartition(p)
                        .setFetchOffset(offset)
                        .setPartitionMaxBytes(1 << 20)));
        FetchRequest request = new FetchRequest()
                .setReplicaId(-1)
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setMaxBytes(1 << 20)
                .setSessionId(sessionId)
                .setSessionEpoch(epoch)
                .setTopics(offsets.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(topic)));
        if (!forgotten.isEmpty()) {
            FetchRequest.ForgottenTopic gone = version >= 13
                    ? new FetchRequest.ForgottenTopic().setTopicId(TOPIC_ID)
                    : new FetchRequest.ForgottenTopic().setTopic("t");
            request.setForgottenTopicsData(new ArrayList<>(List.of(gone.setPartitions(new ArrayList<>(forgotten)))));
        }
        return request;
    }

    private CompletableFuture<?> send(FetchRequest request, short version) {
        return handler.handle(new RequestContext(ApiKeys.FETCH, version, 1, "test", 1L, null), request);
    }

    private FetchResponse fetch(int sessionId, int epoch, Map<Integer, Long> offsets, List<Integer> forgotten)
            throws Exception {
        return fetch(sessionId, epoch, offsets, forgotten, (short) 13);
    }

    private FetchResponse fetch(
            int sessionId, int epoch, Map<Integer, Long> offsets, List<Integer> forgotten, short version)
            throws Exception {
        return (FetchResponse) send(request(sessionId, epoch, offsets, forgotten, version), version)
                .get(10, TimeUnit.SECONDS);
    }

    private static Map<Integer, Long> all(long offset) {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            offsets.put(p, offset);
        }
        return offsets;
    }

    /** Partition index -> record bytes, of the partitions the response carries. */
    private static Map<Integer, Integer> carried(FetchResponse response) {
        Map<Integer, Integer> bytes = new TreeMap<>();
        for (FetchResponse.FetchableTopicResponse topic : response.responses()) {
            for (FetchResponse.PartitionData data : topic.partitions()) {
                bytes.put(data.partitionIndex(), data.records().sizeInBytes());
            }
        }
        return bytes;
    }

    /** Opens a session over every partition and moves every fetch offset to the log end (10). */
    private int steadySession() throws Exception {
        FetchResponse first = fetch(0, 0, all(0), List.of());
        int id = first.sessionId();
        fetch(id, 1, all(10), List.of());
        return id;
    }

    @Test
    void aFullFetchWithEpochZeroOpensASessionAndCarriesEveryPartition() throws Exception {
        FetchResponse response = fetch(0, 0, all(0), List.of());

        assertThat(response.sessionId()).isPositive();
        assertThat(carried(response)).hasSize(PARTITIONS).allSatisfy((p, bytes) -> assertThat(bytes)
                .isPositive());
        assertThat(sessions.size()).isEqualTo(1);
    }

    @Test
    void aSessionlessFetchGetsSessionIdZeroAndOpensNoSession() throws Exception {
        FetchResponse response = fetch(0, -1, all(0), List.of());

        assertThat(response.sessionId()).isZero();
        assertThat(carried(response)).hasSize(PARTITIONS);
        assertThat(sessions.size()).isZero();
    }

    @Test
    void anIncrementalFetchCarriesOnlyPartitionsWithNews() throws Exception {
        int id = steadySession();

        FetchResponse quiet = fetch(id, 2, Map.of(), List.of());
        ctx.append(2, 5);
        FetchResponse afterAppend = fetch(id, 3, Map.of(), List.of());

        assertThat(quiet.errorCode()).isZero();
        assertThat(quiet.sessionId()).isEqualTo(id);
        assertThat(carried(quiet)).as("nothing changed").isEmpty();
        assertThat(carried(afterAppend).keySet()).containsExactly(2);
        assertThat(carried(afterAppend).get(2)).isPositive();
    }

    @Test
    void aPartitionReadFromANewFetchOffsetIsCarriedButAMaxBytesChangeAloneIsNot() throws Exception {
        int id = steadySession();

        FetchResponse response = fetch(id, 2, Map.of(1, 4L, 3, 10L), List.of());

        assertThat(carried(response).keySet()).containsExactly(1);
        assertThat(carried(response).get(1)).as("read from the new offset").isPositive();
    }

    @Test
    void aFetchOffsetMovedPastTheRecordsJustReadIsNoNews() throws Exception {
        int id = steadySession();
        ctx.append(2, 5);

        FetchResponse read = fetch(id, 2, Map.of(), List.of());
        FetchResponse caughtUp = fetch(id, 3, Map.of(2, 15L), List.of());

        assertThat(carried(read).keySet()).containsExactly(2);
        assertThat(carried(caughtUp))
                .as("the new offset is the log end and the high watermark is the one last sent (Kafka omits it too)")
                .isEmpty();
    }

    @Test
    void partitionsAddedIncrementallyAreReadAndCarried() throws Exception {
        FetchResponse first = fetch(0, 0, Map.of(0, 10L), List.of());

        FetchResponse added = fetch(first.sessionId(), 1, Map.of(3, 0L), List.of());

        assertThat(carried(first).keySet()).containsExactly(0);
        assertThat(carried(added).keySet()).containsExactly(3);
        assertThat(carried(added).get(3)).isPositive();
    }

    @Test
    void forgottenPartitionsLeaveTheSession() throws Exception {
        int id = steadySession();

        fetch(id, 2, Map.of(), List.of(0, 1));
        ctx.append(0, 5);
        ctx.append(1, 5);
        ctx.append(3, 5);
        FetchResponse response = fetch(id, 3, Map.of(), List.of());

        assertThat(carried(response).keySet()).containsExactly(3);
    }

    @Test
    void anIncrementalFetchThatForgetsEveryPartitionClosesTheSession() throws Exception {
        int id = steadySession();

        FetchResponse emptied = fetch(id, 2, Map.of(), List.of(0, 1, 2, 3));
        FetchResponse after = fetch(id, 3, Map.of(), List.of());

        assertThat(emptied.errorCode()).isZero();
        assertThat(emptied.sessionId()).as("answered sessionless").isZero();
        assertThat(carried(emptied)).isEmpty();
        assertThat(sessions.size()).isZero();
        assertThat(after.errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
    }

    @Test
    void aWrongEpochFailsWithInvalidFetchSessionEpochAndKeepsTheSession() throws Exception {
        int id = steadySession();

        FetchResponse stale = fetch(id, 1, Map.of(), List.of());
        FetchResponse next = fetch(id, 2, Map.of(), List.of());

        assertThat(stale.errorCode()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH.code());
        assertThat(stale.sessionId()).isZero();
        assertThat(next.errorCode()).isZero();
    }

    @Test
    void anUnknownSessionFailsWithFetchSessionIdNotFound() throws Exception {
        FetchResponse response = fetch(12345, 1, Map.of(), List.of());

        assertThat(response.errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
    }

    @Test
    void theFinalEpochClosesTheSessionAndFetchesSessionless() throws Exception {
        int id = steadySession();

        FetchResponse closing = fetch(id, -1, all(10), List.of());
        FetchResponse after = fetch(id, 2, Map.of(), List.of());

        assertThat(closing.sessionId()).isZero();
        assertThat(carried(closing)).hasSize(PARTITIONS);
        assertThat(after.errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        assertThat(sessions.size()).isZero();
    }

    @Test
    void switchingBetweenTopicIdsAndNamesInASessionFailsWithTopicIdError() throws Exception {
        int id = steadySession();

        FetchResponse response = fetch(id, 2, Map.of(), List.of(), (short) 12);

        assertThat(response.errorCode()).isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR.code());
    }

    @Test
    void namedTopicSessionsBeforeV13WorkIncrementallyToo() throws Exception {
        FetchResponse first = fetch(0, 0, all(10), List.of(), (short) 12);
        ctx.append(1, 3);

        FetchResponse next = fetch(first.sessionId(), 1, Map.of(), List.of(), (short) 12);

        assertThat(next.responses().get(0).topic()).isEqualTo("t");
        assertThat(carried(next).keySet()).containsExactly(1);
    }

    @Test
    void aFullCacheAnswersSessionlessUntilTheIdleSessionMayBeEvicted() throws Exception {
        useCache(new FetchSessionCache(1, EVICTION_MS, ctx.time, new Random(7)));
        int first = fetch(0, 0, all(0), List.of()).sessionId();

        FetchResponse refused = fetch(0, 0, all(0), List.of());
        ctx.time.advanceMs(EVICTION_MS);
        FetchResponse stillRefused = fetch(0, 0, all(0), List.of());
        ctx.time.advanceMs(1);
        FetchResponse evicting = fetch(0, 0, all(0), List.of());

        assertThat(first).isPositive();
        assertThat(refused.sessionId()).as("cache full of active sessions").isZero();
        assertThat(carried(refused)).hasSize(PARTITIONS);
        assertThat(stillRefused.sessionId())
                .as("idle for exactly the eviction time")
                .isZero();
        assertThat(evicting.sessionId()).isPositive().isNotEqualTo(first);
        assertThat(fetch(first, 1, Map.of(), List.of()).errorCode())
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
    }

    /** Fetches of {@code count} partitions of t, as a session holds them. */
    private static List<FetchHandler.PartitionFetch> partitions(int count) {
        List<FetchHandler.PartitionFetch> fetches = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            fetches.add(new FetchHandler.PartitionFetch("t", TOPIC_ID, p, 0, 1 << 20, -1, -1, -1));
        }
        return fetches;
    }

    @Test
    void aReplicasSessionEvictsTheSmallestConsumerSessionFromAFullCache() {
        FetchSessionCache cache = new FetchSessionCache(2, EVICTION_MS, ctx.time, new Random(7));
        FetchSession small = cache.create(false, true, partitions(1));
        FetchSession large = cache.create(false, true, partitions(3));

        assertThat(cache.create(false, true, partitions(4)))
                .as("a consumer may evict only sessions older than the eviction time")
                .isNull();
        FetchSession replica = cache.create(true, true, partitions(1));

        assertThat(replica).isNotNull();
        assertThat(cache.get(small.id())).isNull();
        assertThat(cache.get(large.id())).isSameAs(large);
        assertThat(cache.create(true, true, partitions(1)))
                .as("the other replica's session is worth as much, the consumer's is newer than the eviction time")
                .isNotNull();
        assertThat(cache.get(large.id())).isNull();
        assertThat(cache.create(true, true, partitions(1)))
                .as("two replicas' sessions, neither older than the eviction time")
                .isNull();
    }

    @Test
    void aLargerSessionEvictsASmallerOneOlderThanTheEvictionTimeThoughItIsInUse() {
        FetchSessionCache cache = new FetchSessionCache(1, EVICTION_MS, ctx.time, new Random(7));
        FetchSession busy = cache.create(false, true, partitions(2));
        ctx.time.advanceMs(EVICTION_MS + 1);
        busy.update(1, List.of(), List.of(), ctx.time.milliseconds());

        assertThat(cache.create(false, true, partitions(2)))
                .as("the same size is not worth more")
                .isNull();
        assertThat(cache.create(false, true, partitions(3))).isNotNull();
        assertThat(cache.get(busy.id())).isNull();
    }

    @Test
    void idleSessionsStayWhileTheCacheHasRoom() throws Exception {
        int first = fetch(0, 0, all(0), List.of()).sessionId();
        ctx.time.advanceMs(10 * EVICTION_MS);

        fetch(0, 0, all(0), List.of());

        assertThat(fetch(first, 1, all(10), List.of()).errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void aLongPollOverASessionWakesOnAnySessionPartitionAndCarriesOnlyIt() throws Exception {
        int id = steadySession();
        FetchRequest poll = request(id, 2, Map.of(), List.of(), (short) 13).setMaxWaitMs(60_000);

        CompletableFuture<?> answer = send(poll, (short) 13);
        assertThat(answer).isNotDone();
        ctx.append(3, 2);

        FetchResponse response = (FetchResponse) answer.get(10, TimeUnit.SECONDS);
        assertThat(carried(response).keySet()).containsExactly(3);
    }

    @Test
    void aPartitionOfAnUnknownTopicIdDoesNotCutALongPollShortAsInKafka() throws Exception {
        FetchRequest poll =
                request(0, -1, Map.of(0, 10L), List.of(), (short) 13).setMaxWaitMs(60_000);
        poll.topics()
                .add(new FetchRequest.FetchTopic()
                        .setTopicId(new Uuid(9, 9))
                        .setPartitions(new ArrayList<>(List.of(new FetchRequest.FetchPartition()
                                .setPartition(0)
                                .setPartitionMaxBytes(1 << 20)))));

        CompletableFuture<?> answer = send(poll, (short) 13);
        assertThat(answer).isNotDone(); // Kafka waits on the known partitions; the unknown one is answered with them
        ctx.append(0, 2);

        FetchResponse response = (FetchResponse) answer.get(10, TimeUnit.SECONDS);
        assertThat(response.responses().get(0).partitions().get(0).records().sizeInBytes())
                .isPositive();
        assertThat(response.responses().get(1).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
    }
}

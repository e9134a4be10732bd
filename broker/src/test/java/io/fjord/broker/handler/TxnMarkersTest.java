package io.fjord.broker.handler;

import static io.fjord.broker.handler.LeaderTestContext.LEADER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclPatternType;
import io.fjord.metadata.AclPermission;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.AclsImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.WriteTxnMarkersRequest;
import io.fjord.protocol.message.WriteTxnMarkersResponse;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-transaction markers written through {@link TxnMarkerWriter} (what WriteTxnMarkers does) and read
 * back by a read_committed fetch: each marker is answered once committed, with an error per partition,
 * and markers committed to {@code __consumer_offsets} reach the listener.
 */
class TxnMarkersTest {

    static final int FOLLOWER = 2;
    static final long PRODUCER = 42;
    static final TopicPartition T0 = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    LeaderTestContext ctx;
    final List<String> told = new ArrayList<>();
    TxnMarkerWriter writer;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        writer = new TxnMarkerWriter(
                ctx.replicas,
                (tp, producerId, committed) -> {
                    synchronized (told) {
                        told.add(tp + "/" + producerId + "/" + committed);
                    }
                },
                Runnable::run);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    static MemoryRecords txnBatch(int sequence, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE)
                .producer(PRODUCER, (short) 0, sequence)
                .transactional(true);
        for (String value : values) {
            builder.append(1_700_000_000_000L, null, value.getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.of(builder.build());
    }

    Map<TopicPartition, Errors> write(short epoch, boolean commit, TopicPartition... partitions) throws Exception {
        return writer.writeMarkers(PRODUCER, epoch, 0, commit, List.of(partitions))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMarkerIsAnsweredOnlyOnceTheInSyncFollowerHasIt() throws Exception {
        ctx.lead(0, new int[] {LEADER, FOLLOWER}, new int[] {LEADER, FOLLOWER}, 1);
        Partition partition = ctx.replicas.partition(T0);
        partition.appendAsLeader(txnBatch(0, "a"), (short) -1);
        partition.updateFollowerFetchState(FOLLOWER, 1, 0);

        CompletableFuture<Map<TopicPartition, Errors>> written =
                writer.writeMarkers(PRODUCER, (short) 0, 0, true, List.of(T0));
        assertThat(written).isNotDone();
        assertThat(partition.lastStableOffset()).isZero();

        partition.updateFollowerFetchState(FOLLOWER, 2, 0);
        assertThat(written.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(T0, Errors.NONE));
        assertThat(partition.lastStableOffset()).isEqualTo(2);
    }

    @Test
    void eachPartitionGetsItsOwnError() throws Exception {
        ctx.lead(0, new int[] {LEADER}, new int[] {LEADER}, 1);
        ctx.replicas.applyPartition(
                new TopicPartition("t", 1),
                LeaderTestContext.TOPIC_ID,
                LogConfig.DEFAULT,
                new PartitionRegistration(new int[] {LEADER, FOLLOWER}, new int[] {LEADER}, LEADER, 0, 1),
                2);
        ctx.replicas.partition(T0).appendAsLeader(txnBatch(0, "a"), (short) -1);
        write((short) 3, false, T0);

        Map<TopicPartition, Errors> errors =
                write((short) 2, true, T0, new TopicPartition("t", 1), new TopicPartition("gone", 0));

        assertThat(errors)
                .containsEntry(T0, Errors.INVALID_PRODUCER_EPOCH)
                .containsEntry(new TopicPartition("t", 1), Errors.NOT_ENOUGH_REPLICAS)
                .containsEntry(new TopicPartition("gone", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void withAclsOnlyAPrincipalWithClusterActionWritesMarkers() throws Exception {
        ctx.lead(0, new int[] {LEADER}, new int[] {LEADER}, 1);
        ctx.replicas.partition(T0).appendAsLeader(txnBatch(0, "a"), (short) -1);
        AclsImage acls = new AclsImage(Map.of(
                new Uuid(9, 9),
                new AclBinding(
                        AclResourceType.CLUSTER,
                        AclBinding.CLUSTER_NAME,
                        AclPatternType.LITERAL,
                        "User:broker",
                        "*",
                        AclOperation.CLUSTER_ACTION,
                        AclPermission.ALLOW)));
        WriteTxnMarkersHandler handler = new WriteTxnMarkersHandler(writer, Authorizer.of(Set.of(), false, () -> acls));
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest();
        WriteTxnMarkersRequest.WritableTxnMarker marker = new WriteTxnMarkersRequest.WritableTxnMarker()
                .setProducerId(PRODUCER)
                .setProducerEpoch((short) 0)
                .setTransactionResult(true);
        marker.topics()
                .add(new WriteTxnMarkersRequest.WritableTxnMarkerTopic()
                        .setName(T0.topic())
                        .setPartitionIndexes(new ArrayList<>(List.of(T0.partition()))));
        request.markers().add(marker);

        for (String principal : List.of("User:alice", "User:broker")) {
            RequestContext context =
                    new RequestContext(ApiKeys.WRITE_TXN_MARKERS, (short) 1, 1, "test", 1L, null, null, principal);
            WriteTxnMarkersResponse response =
                    (WriteTxnMarkersResponse) handler.handle(context, request).get(10, TimeUnit.SECONDS);
            short error = response.markers()
                    .get(0)
                    .topics()
                    .get(0)
                    .partitions()
                    .get(0)
                    .errorCode();
            if (principal.equals("User:alice")) {
                assertThat(error).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
                assertThat(ctx.replicas.partition(T0).lastStableOffset())
                        .as("no marker written")
                        .isZero();
            } else {
                assertThat(error).isEqualTo(Errors.NONE.code());
                assertThat(ctx.replicas.partition(T0).lastStableOffset()).isEqualTo(2);
            }
        }
    }

    @Test
    void markersCommittedToTheOffsetsTopicReachTheListener() throws Exception {
        TopicPartition offsets = new TopicPartition("__consumer_offsets", 3);
        ctx.replicas.applyPartition(
                offsets,
                new Uuid(5, 6),
                LogConfig.DEFAULT,
                new PartitionRegistration(new int[] {LEADER}, new int[] {LEADER}, LEADER, 0, 1),
                1);
        ctx.lead(0, new int[] {LEADER}, new int[] {LEADER}, 1);

        assertThat(write((short) 0, true, offsets, T0)).containsEntry(offsets, Errors.NONE);

        assertThat(told).containsExactly("__consumer_offsets-3/42/true");
    }

    @Test
    void aReadCommittedFetchStopsAtTheOpenTransactionAndNamesTheAbortedOne() throws Exception {
        ctx.lead(0, new int[] {LEADER}, new int[] {LEADER}, 1);
        Partition partition = ctx.replicas.partition(T0);
        partition.appendAsLeader(txnBatch(0, "aborted"), (short) -1); // 0
        write((short) 0, false, T0); // 1
        partition.appendAsLeader(LeaderTestContext.batch(1), (short) -1); // 2
        partition.appendAsLeader(txnBatch(1, "open"), (short) -1); // 3

        FetchResponse.PartitionData committed = fetch((byte) 1);
        FetchResponse.PartitionData uncommitted = fetch((byte) 0);

        assertThat(committed.highWatermark()).isEqualTo(4);
        assertThat(committed.lastStableOffset()).isEqualTo(3);
        assertThat(committed.abortedTransactions())
                .extracting(FetchResponse.AbortedTransaction::producerId, FetchResponse.AbortedTransaction::firstOffset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(PRODUCER, 0L));
        assertThat(uncommitted.lastStableOffset()).isEqualTo(3);
        assertThat(uncommitted.abortedTransactions()).isNull();
        assertThat(uncommitted.records().sizeInBytes())
                .isGreaterThan(committed.records().sizeInBytes());
    }

    private FetchResponse.PartitionData fetch(byte isolationLevel) throws Exception {
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic("t");
        topic.partitions()
                .add(new FetchRequest.FetchPartition()
                        .setPartition(0)
                        .setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20));
        FetchRequest request = new FetchRequest()
                .setReplicaId(-1)
                .setIsolationLevel(isolationLevel)
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setMaxBytes(1 << 20)
                .setTopics(List.of(topic));
        FetchHandler handler = ctx.handler(new FetchSessionCache(10, 0, ctx.time, new java.util.Random(1)));
        FetchResponse response = (FetchResponse)
                handler.handle(new RequestContext(ApiKeys.FETCH, (short) 12, 1, "test", 1L, null), request)
                        .get(10, TimeUnit.SECONDS);
        return response.responses().get(0).partitions().get(0);
    }
}

package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.DescribeProducersRequest;
import io.fjord.protocol.message.DescribeProducersResponse;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DescribeProducers answers from every replica this broker hosts, as Kafka does: {@code kafka-transactions.sh
 * find-hanging --broker-id N} asks broker N about each partition with a replica there, and takes
 * NOT_LEADER_OR_FOLLOWER from it as a failure of the whole command.
 */
class DescribeProducersHandlerTest {

    private static final long PRODUCER_ID = 7L;
    private static final short PRODUCER_EPOCH = 3;

    @TempDir
    Path dir;

    @Test
    void aFollowerDescribesTheOpenTransactionInItsOwnLog() throws Exception {
        try (LeaderTestContext context = new LeaderTestContext(dir)) {
            context.follow(0, 2, new int[] {2, LeaderTestContext.LEADER});
            context.replicas
                    .partition(new TopicPartition("t", 0))
                    .appendAsFollower(transactionalBatch(0L, 0, "a", "b"));

            DescribeProducersResponse.PartitionResponse partition = describe(context, 0);

            assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
            assertThat(partition.activeProducers()).singleElement().satisfies(producer -> {
                assertThat(producer.producerId()).isEqualTo(PRODUCER_ID);
                assertThat(producer.producerEpoch()).isEqualTo(PRODUCER_EPOCH);
                assertThat(producer.lastSequence()).isEqualTo(1);
                assertThat(producer.coordinatorEpoch()).isEqualTo(-1);
                assertThat(producer.currentTxnStartOffset()).isZero();
            });
        }
    }

    @Test
    void aLeaderDescribesTheOpenTransactionInItsLog() throws Exception {
        try (LeaderTestContext context = new LeaderTestContext(dir)) {
            context.lead(0, new int[] {LeaderTestContext.LEADER}, new int[] {LeaderTestContext.LEADER}, 0);
            context.append(0, 2);
            context.replicas
                    .partition(new TopicPartition("t", 0))
                    .appendAsLeader(transactionalBatch(0L, 0, "a"), (short) 1);

            DescribeProducersResponse.PartitionResponse partition = describe(context, 0);

            assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
            assertThat(partition.activeProducers()).singleElement().satisfies(producer -> assertThat(
                            producer.currentTxnStartOffset())
                    .isEqualTo(2L));
        }
    }

    private static DescribeProducersResponse.PartitionResponse describe(LeaderTestContext context, int partition)
            throws Exception {
        DescribeProducersRequest request = new DescribeProducersRequest();
        request.topics()
                .add(new DescribeProducersRequest.TopicRequest()
                        .setName("t")
                        .setPartitionIndexes(new ArrayList<>(List.of(partition))));
        DescribeProducersResponse response = (DescribeProducersResponse) new DescribeProducersHandler(context.replicas)
                .handle(null, request)
                .get();
        return response.topics().get(0).partitions().get(0);
    }

    /** A transactional batch of the producer at {@code baseSequence}, at {@code baseOffset} as a leader gave it. */
    private static MemoryRecords transactionalBatch(long baseOffset, int baseSequence, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE)
                .baseOffset(baseOffset)
                .producer(PRODUCER_ID, PRODUCER_EPOCH, baseSequence)
                .transactional(true)
                .partitionLeaderEpoch(0);
        for (String value : values) {
            builder.append(1_700_000_000_000L, null, value.getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.of(builder.build());
    }
}

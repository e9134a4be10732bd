package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Produce to a compacted partition t-0 led here: a batch refused for some of its records answers, as Kafka's
 * RecordValidationException does, the partition error with every refused record in record_errors (v8+), so the Java
 * producer fails those records with their own message and the batch's others with a generic error.
 */
class ProduceRecordErrorsTest {

    @TempDir
    Path dir;

    private LeaderTestContext ctx;
    private ProduceHandler handler;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        int[] leaderOnly = {LeaderTestContext.LEADER};
        ctx.replicas.applyPartition(
                new TopicPartition("t", 0),
                LeaderTestContext.TOPIC_ID,
                LogConfig.builder().cleanupPolicy("compact").build(),
                new PartitionRegistration(leaderOnly, leaderOnly, LeaderTestContext.LEADER, 0, 0),
                1);
        handler =
                new ProduceHandler(ctx.replicas, LeaderTestContext.TOPIC_T, null, Runnable::run, Authorizer.allowAll());
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private ProduceResponse.PartitionProduceResponse produce(MemoryRecords records) throws Exception {
        ProduceRequest request = new ProduceRequest()
                .setAcks((short) 1)
                .setTimeoutMs(1000)
                .setTopicData(new ArrayList<>(List.of(new ProduceRequest.TopicProduceData()
                        .setName("t")
                        .setPartitionData(new ArrayList<>(List.of(new ProduceRequest.PartitionProduceData()
                                .setIndex(0)
                                .setRecords(records)))))));
        ProduceResponse response = (ProduceResponse)
                handler.handle(new RequestContext(ApiKeys.PRODUCE, (short) 11, 1, "test", 1L, null), request)
                        .get(10, TimeUnit.SECONDS);
        return response.responses().get(0).partitionResponses().get(0);
    }

    private MemoryRecords batch(String... keys) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (String key : keys) {
            builder.append(
                    ctx.time.milliseconds(),
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.of(builder.build());
    }

    @Test
    void aNullKeyOnACompactedTopicNamesTheRecordInRecordErrors() throws Exception {
        ProduceResponse.PartitionProduceResponse answer = produce(batch("a", null, "c"));
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(answer.baseOffset()).isEqualTo(-1L);
        assertThat(answer.logStartOffset())
                .as("a refusal by the log names its start, as in Kafka")
                .isZero();
        assertThat(answer.recordErrors()).hasSize(1);
        assertThat(answer.recordErrors().get(0).batchIndex()).isEqualTo(1);
        assertThat(answer.recordErrors().get(0).batchIndexErrorMessage())
                .isEqualTo("Compacted topic cannot accept message without key in topic partition t-0.");
        assertThat(answer.errorMessage()).startsWith("One or more records have been rejected due to 1 record errors");
    }

    @Test
    void aBatchRefusedAsAWholeHasNoRecordErrors() throws Exception {
        ProduceResponse.PartitionProduceResponse ok = produce(batch("a", "b"));
        assertThat(Errors.forCode(ok.errorCode())).isEqualTo(Errors.NONE);
        assertThat(ok.recordErrors()).isEmpty();
    }
}

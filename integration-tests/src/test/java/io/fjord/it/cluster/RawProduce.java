package io.fjord.it.cluster;

import io.fjord.common.Errors;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * One Produce v9 of one record, sent to one broker chosen by the test (not the one the client's metadata
 * names), answered with the partition's error code: how the cluster tests ask a particular broker
 * whether it would take a write. Stateless.
 */
final class RawProduce {

    private RawProduce() {}

    /** Sends {@code key=value} to partition {@code partition} of {@code topic} at {@code port} with {@code acks}. */
    static Errors send(int port, String topic, int partition, short acks, String key, String value, int timeoutMs)
            throws IOException {
        ProduceRequest request = new ProduceRequest().setAcks(acks).setTimeoutMs(timeoutMs);
        ProduceRequest.TopicProduceData data = new ProduceRequest.TopicProduceData().setName(topic);
        data.partitionData()
                .add(new ProduceRequest.PartitionProduceData()
                        .setIndex(partition)
                        .setRecords(io.fjord.protocol.MemoryRecords.of(MemoryRecords.withRecords(
                                        Compression.NONE,
                                        new SimpleRecord(
                                                key.getBytes(StandardCharsets.UTF_8),
                                                value.getBytes(StandardCharsets.UTF_8)))
                                .buffer())));
        request.topicData().add(data);
        try (RawKafkaClient client = new RawKafkaClient(new InetSocketAddress("127.0.0.1", port))) {
            ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, (short) 9, request);
            return Errors.forCode(
                    response.responses().get(0).partitionResponses().get(0).errorCode());
        }
    }
}

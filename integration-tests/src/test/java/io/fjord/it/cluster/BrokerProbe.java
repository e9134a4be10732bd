package io.fjord.it.cluster;

import io.fjord.common.Errors;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Single requests to one broker chosen by the test, over a fresh socket, bypassing the Java client's
 * choice of node: a Produce v9 of one record (does this broker take the write?) and a Metadata v12 (what
 * does this broker believe about a partition?), so a frozen or dead broker elsewhere never delays the
 * answer. Stateless.
 */
final class BrokerProbe {

    /** A partition as one broker's metadata shows it. */
    record PartitionView(int leader, Set<Integer> isr) {}

    private static final short METADATA_VERSION = 12;

    private BrokerProbe() {}

    /** The partition as the broker at {@code port} sees it; empty if it does not know the partition. */
    static Optional<PartitionView> partition(int port, String topic, int partition) throws IOException {
        return Optional.ofNullable(partitions(port, topic).get(partition));
    }

    /** The brokers the broker at {@code port} lists (the unfenced ones) and the partitions of a topic, by index. */
    record TopicView(Set<Integer> liveBrokers, Map<Integer, PartitionView> partitions) {}

    /** Every partition of {@code topic} as the broker at {@code port} sees it, by partition index. */
    static Map<Integer, PartitionView> partitions(int port, String topic) throws IOException {
        return topic(port, topic).partitions();
    }

    /** The live brokers and every partition of {@code topic}, as the broker at {@code port} sees them. */
    static TopicView topic(int port, String topic) throws IOException {
        MetadataRequest request = new MetadataRequest()
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(topic)))
                .setAllowAutoTopicCreation(false);
        Map<Integer, PartitionView> views = new TreeMap<>();
        Set<Integer> liveBrokers = new TreeSet<>();
        try (RawKafkaClient client = new RawKafkaClient(new InetSocketAddress("127.0.0.1", port))) {
            MetadataResponse response = (MetadataResponse) client.send(ApiKeys.METADATA, METADATA_VERSION, request);
            for (MetadataResponse.MetadataResponseBroker broker : response.brokers()) {
                liveBrokers.add(broker.nodeId());
            }
            for (MetadataResponse.MetadataResponseTopic t : response.topics()) {
                if (!topic.equals(t.name())) {
                    continue;
                }
                for (MetadataResponse.MetadataResponsePartition p : t.partitions()) {
                    views.put(p.partitionIndex(), new PartitionView(p.leaderId(), Set.copyOf(p.isrNodes())));
                }
            }
        }
        return new TopicView(liveBrokers, views);
    }

    /** Sends {@code key=value} to partition {@code partition} of {@code topic} at {@code port} with {@code acks}. */
    static Errors produce(int port, String topic, int partition, short acks, String key, String value, int timeoutMs)
            throws IOException {
        return produceAnswer(
                        port, topic, partition, acks, key, value, timeoutMs, RawKafkaClient.DEFAULT_READ_TIMEOUT_MS)
                .error();
    }

    /** A produce's answer for its partition: the error and the broker's message. */
    record ProduceAnswer(Errors error, String message) {}

    /**
     * As {@link #produce}, with the broker's error message; the answer is awaited up to {@code readTimeoutMs} (a
     * frozen broker answers only once thawed).
     */
    static ProduceAnswer produceAnswer(
            int port,
            String topic,
            int partition,
            short acks,
            String key,
            String value,
            int timeoutMs,
            int readTimeoutMs)
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
        try (RawKafkaClient client = new RawKafkaClient(new InetSocketAddress("127.0.0.1", port), readTimeoutMs)) {
            ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, (short) 9, request);
            ProduceResponse.PartitionProduceResponse answer =
                    response.responses().get(0).partitionResponses().get(0);
            return new ProduceAnswer(Errors.forCode(answer.errorCode()), answer.errorMessage());
        }
    }
}

package io.fjord.it.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.ProduceRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over a real socket: pipelined requests whose handlers finish out of order (long-poll fetches that end
 * by timeout, instant ApiVersions and Metadata, acks=0 produces that answer nothing) get their responses
 * in request order, with nothing for the acks=0 ones.
 */
class PipelinedRequestsIT {

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(dataDir, Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("pipe", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void responsesComeBackInRequestOrderAndAcksZeroProducesAnswerNothing() throws Exception {
        List<Integer> expected = new ArrayList<>();
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            for (int id = 1; id <= 40; id++) {
                switch (id % 4) {
                    case 0 -> client.sendOnly(ApiKeys.FETCH, (short) 12, slowFetch(), id);
                    case 1 ->
                        client.sendOnly(
                                ApiKeys.API_VERSIONS,
                                (short) 3,
                                new ApiVersionsRequest()
                                        .setClientSoftwareName("it")
                                        .setClientSoftwareVersion("1"),
                                id);
                    case 2 -> client.sendOnly(ApiKeys.PRODUCE, (short) 9, acksZeroProduce(), id);
                    default -> client.sendOnly(ApiKeys.METADATA, (short) 12, new MetadataRequest(), id);
                }
                if (id % 4 != 2) {
                    expected.add(id);
                }
            }
            List<Integer> received = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                ByteBuffer frame = client.readFrame();
                received.add(frame.getInt(0));
            }
            assertThat(received).containsExactlyElementsOf(expected);
        }
    }

    private static FetchRequest slowFetch() {
        FetchRequest request = new FetchRequest()
                .setReplicaId(-1)
                .setMaxWaitMs(150)
                .setMinBytes(1 << 20)
                .setMaxBytes(1 << 20)
                .setSessionEpoch(-1);
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic("pipe");
        topic.partitions()
                .add(new FetchRequest.FetchPartition()
                        .setPartition(0)
                        .setFetchOffset(0)
                        .setCurrentLeaderEpoch(-1)
                        .setLastFetchedEpoch(-1)
                        .setLogStartOffset(-1)
                        .setPartitionMaxBytes(1 << 20));
        request.topics().add(topic);
        return request;
    }

    private static ProduceRequest acksZeroProduce() {
        ByteBuffer batch = MemoryRecords.withRecords(
                        Compression.NONE, new SimpleRecord(System.currentTimeMillis(), null, new byte[10]))
                .buffer();
        ProduceRequest request = new ProduceRequest().setAcks((short) 0).setTimeoutMs(10_000);
        ProduceRequest.TopicProduceData topic = new ProduceRequest.TopicProduceData().setName("pipe");
        topic.partitionData()
                .add(new ProduceRequest.PartitionProduceData()
                        .setIndex(0)
                        .setRecords(io.fjord.protocol.MemoryRecords.of(batch)));
        request.topicData().add(topic);
        return request;
    }
}

package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataBatch;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.RegisterBrokerRecord;
import io.fjord.metadata.TopicRecord;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Metadata answers with the addresses of the listener the request came in on: broker 1 listens on INTERNAL and
 * EXTERNAL, broker 2 (mid-way through a rolling change) on INTERNAL only.
 */
class MetadataHandlerListenersTest {

    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    private MetadataHandler handler;

    @BeforeEach
    void setUp() {
        MetadataLoader loader = new MetadataLoader();
        loader.onReplayComplete(-1);
        loader.onCommit(new MetadataBatch(
                0,
                List.of(
                        new RegisterBrokerRecord(
                                1,
                                Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg"),
                                List.of(
                                        new Endpoint("INTERNAL", "10.0.0.1", 9092, "PLAINTEXT"),
                                        new Endpoint("EXTERNAL", "kafka-1.example.com", 29092, "PLAINTEXT")),
                                null,
                                false,
                                false),
                        new RegisterBrokerRecord(
                                2,
                                Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAw"),
                                List.of(new Endpoint("INTERNAL", "10.0.0.2", 9092, "PLAINTEXT")),
                                null,
                                false,
                                false),
                        new TopicRecord("orders", TOPIC_ID),
                        new PartitionRecord(
                                TOPIC_ID, 0, new int[] {1, 2}, new int[] {1, 2}, 1, 0, 0, new int[0], new int[0]),
                        new PartitionRecord(
                                TOPIC_ID, 1, new int[] {2, 1}, new int[] {2, 1}, 2, 0, 0, new int[0], new int[0]))));
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "listeners", "INTERNAL://10.0.0.1:9092,EXTERNAL://10.0.0.1:29092",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"));
        handler = new MetadataHandler(new MetadataView(loader, config, "cluster", () -> 1), null);
    }

    @Test
    void aClientOnInternalSeesInternalAddresses() throws Exception {
        MetadataResponse response = metadata("INTERNAL", (short) 12);
        assertThat(response.brokers())
                .extracting(b -> b.nodeId() + "@" + b.host() + ":" + b.port())
                .containsExactlyInAnyOrder("1@10.0.0.1:9092", "2@10.0.0.2:9092");
        assertThat(response.topics().get(0).partitions())
                .extracting(MetadataResponse.MetadataResponsePartition::errorCode)
                .containsOnly(Errors.NONE.code());
    }

    @Test
    void aBrokerWithoutTheListenerIsLeftOutAndItsPartitionsSayListenerNotFound() throws Exception {
        MetadataResponse response = metadata("EXTERNAL", (short) 12);
        assertThat(response.brokers())
                .extracting(b -> b.nodeId() + "@" + b.host() + ":" + b.port())
                .containsExactly("1@kafka-1.example.com:29092");
        List<MetadataResponse.MetadataResponsePartition> partitions =
                response.topics().get(0).partitions();
        assertThat(partitions.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(partitions.get(1).errorCode()).isEqualTo(Errors.LISTENER_NOT_FOUND.code());
        assertThat(partitions.get(1).leaderId())
                .as("not a broker the answer leaves out")
                .isEqualTo(-1);

        assertThat(metadata("EXTERNAL", (short) 5)
                        .topics()
                        .get(0)
                        .partitions()
                        .get(1)
                        .errorCode())
                .as("before v6 the client knows no LISTENER_NOT_FOUND")
                .isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
    }

    private MetadataResponse metadata(String listener, short version) throws Exception {
        RequestContext context = new RequestContext(ApiKeys.METADATA, version, 1, "test", 1, null, listener);
        MetadataRequest request = new MetadataRequest()
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("orders")))
                .setAllowAutoTopicCreation(false);
        return (MetadataResponse) handler.handle(context, request).get();
    }
}

package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclsImage;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ClusterImage;
import io.fjord.metadata.ConfigurationsImage;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.ProducerIdsImage;
import io.fjord.metadata.ScramImage;
import io.fjord.metadata.TopicsImage;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-951: a produce (v10+) or fetch (v16+) that gets NOT_LEADER_OR_FOLLOWER names the partition's current leader and
 * epoch, and the response carries that leader's endpoint on the request's listener, as Kafka's getCurrentLeader
 * answers; clients then go to the new leader without waiting for a metadata refresh. Broker 1 follows t-0, led by
 * broker 2 (epoch 0), which is registered with one endpoint.
 */
class CurrentLeaderTest {

    @TempDir
    Path dir;

    private LeaderTestContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        ctx.replicas.onMetadataImage(new MetadataImage(
                0L,
                TopicsImage.EMPTY,
                ConfigurationsImage.EMPTY,
                new ClusterImage(Map.of(
                        2,
                        new BrokerRegistration(
                                2,
                                new Uuid(7, 7),
                                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 1, "PLAINTEXT")),
                                "rack-b",
                                false))),
                ProducerIdsImage.EMPTY,
                ScramImage.EMPTY,
                AclsImage.EMPTY));
        ctx.follow(0, 2, new int[] {LeaderTestContext.LEADER, 2});
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private ProduceResponse produce(short version) throws Exception {
        ProduceRequest request = new ProduceRequest()
                .setAcks((short) -1)
                .setTimeoutMs(1000)
                .setTopicData(new ArrayList<>(List.of(new ProduceRequest.TopicProduceData()
                        .setName("t")
                        .setPartitionData(new ArrayList<>(List.of(new ProduceRequest.PartitionProduceData()
                                .setIndex(0)
                                .setRecords(LeaderTestContext.batch(1))))))));
        ProduceHandler handler =
                new ProduceHandler(ctx.replicas, LeaderTestContext.TOPIC_T, null, Runnable::run, Authorizer.allowAll());
        return (ProduceResponse)
                handler.handle(new RequestContext(ApiKeys.PRODUCE, version, 1, "test", 1L, null), request)
                        .get(10, TimeUnit.SECONDS);
    }

    /** A fetch of t-0 by replica 3 (not a replica of it: a follower fetch that must go to the leader). */
    private FetchResponse fetch(short version) throws Exception {
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopicId(LeaderTestContext.TOPIC_ID);
        if (version < 13) {
            topic.setTopic("t");
        }
        topic.partitions().add(new FetchRequest.FetchPartition().setPartition(0).setPartitionMaxBytes(1 << 20));
        FetchRequest request = new FetchRequest()
                .setReplicaId(3)
                .setReplicaState(new FetchRequest.ReplicaState().setReplicaId(3))
                .setMaxWaitMs(0)
                .setMaxBytes(1 << 20)
                .setSessionEpoch(-1)
                .setTopics(new ArrayList<>(List.of(topic)));
        FetchHandler handler = ctx.handler(new FetchSessionCache(10, 1000, ctx.time, new Random(1)));
        return (FetchResponse) handler.handle(new RequestContext(ApiKeys.FETCH, version, 1, "test", 1L, null), request)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aProduceToAFollowerNamesTheLeaderAndItsEndpoint() throws Exception {
        ProduceResponse response = produce((short) 11);
        ProduceResponse.PartitionProduceResponse partition =
                response.responses().get(0).partitionResponses().get(0);
        assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.currentLeader().leaderId()).isEqualTo(2);
        assertThat(partition.currentLeader().leaderEpoch()).isZero();
        assertThat(response.nodeEndpoints()).hasSize(1);
        ProduceResponse.NodeEndpoint node = response.nodeEndpoints().get(0);
        assertThat(node.nodeId()).isEqualTo(2);
        assertThat(node.host()).isEqualTo("127.0.0.1");
        assertThat(node.port()).isEqualTo(1);
        assertThat(node.rack()).isEqualTo("rack-b");
    }

    @Test
    void aProduceBeforeV10NamesNoLeader() throws Exception {
        ProduceResponse response = produce((short) 9);
        ProduceResponse.PartitionProduceResponse partition =
                response.responses().get(0).partitionResponses().get(0);
        assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.currentLeader().leaderId()).isEqualTo(-1);
        assertThat(response.nodeEndpoints()).isEmpty();
    }

    @Test
    void aFetchFromAFollowerNamesTheLeaderAndItsEndpoint() throws Exception {
        FetchResponse response = fetch((short) 17);
        FetchResponse.PartitionData partition =
                response.responses().get(0).partitions().get(0);
        assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.currentLeader().leaderId()).isEqualTo(2);
        assertThat(partition.currentLeader().leaderEpoch()).isZero();
        assertThat(response.nodeEndpoints())
                .extracting(FetchResponse.NodeEndpoint::nodeId, FetchResponse.NodeEndpoint::host)
                .containsExactly(tuple(2, "127.0.0.1"));
    }

    @Test
    void aFetchBeforeV16NamesNoLeader() throws Exception {
        FetchResponse response = fetch((short) 15);
        FetchResponse.PartitionData partition =
                response.responses().get(0).partitions().get(0);
        assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.currentLeader().leaderId()).isEqualTo(-1);
        assertThat(response.nodeEndpoints()).isEmpty();
    }
}

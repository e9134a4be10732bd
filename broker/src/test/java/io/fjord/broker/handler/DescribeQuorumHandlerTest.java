package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.config.QuorumVoter;
import io.fjord.metadata.QuorumDescription;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.DescribeQuorumRequest;
import io.fjord.protocol.message.DescribeQuorumResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DescribeQuorumHandlerTest {

    static final QuorumDescription QUORUM = new QuorumDescription(
            2,
            5,
            77,
            List.of(
                    new QuorumDescription.Replica(1, 77, 1_000, 1_000),
                    new QuorumDescription.Replica(2, 78, 1_001, 1_001)),
            List.of(new QuorumDescription.Replica(4, 70, 990, -1)));

    final AtomicInteger asked = new AtomicInteger();

    DescribeQuorumHandler handler(CompletableFuture<QuorumDescription> answer) {
        return new DescribeQuorumHandler(
                () -> {
                    asked.incrementAndGet();
                    return answer;
                },
                List.of(new QuorumVoter(1, "c1", 9093), new QuorumVoter(2, "c2", 9094)),
                "CONTROLLER",
                io.fjord.broker.security.Authorizer.allowAll());
    }

    static DescribeQuorumRequest request(String topic, int... partitions) {
        DescribeQuorumRequest.TopicData data = new DescribeQuorumRequest.TopicData().setTopicName(topic);
        for (int p : partitions) {
            data.partitions().add(new DescribeQuorumRequest.PartitionData().setPartitionIndex(p));
        }
        return new DescribeQuorumRequest().setTopics(new ArrayList<>(List.of(data)));
    }

    static DescribeQuorumResponse send(DescribeQuorumHandler handler, DescribeQuorumRequest request) {
        return (DescribeQuorumResponse) handler.describeQuorum(
                        new RequestContext(ApiKeys.DESCRIBE_QUORUM, (short) 2, 1, "test", 1L, null), request)
                .join();
    }

    @Test
    void theMetadataPartitionIsDescribedWithTheVotersEndpoints() {
        DescribeQuorumResponse response =
                send(handler(CompletableFuture.completedFuture(QUORUM)), request("__cluster_metadata", 0));

        DescribeQuorumResponse.PartitionData partition =
                response.topics().get(0).partitions().get(0);
        assertThat(response.topics().get(0).topicName()).isEqualTo("__cluster_metadata");
        assertThat(partition.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(partition.leaderId()).isEqualTo(2);
        assertThat(partition.leaderEpoch()).isEqualTo(5);
        assertThat(partition.highWatermark()).isEqualTo(77);
        assertThat(partition.currentVoters())
                .extracting(r -> r.replicaId() + ":" + r.logEndOffset() + ":" + r.lastCaughtUpTimestamp())
                .containsExactly("1:77:1000", "2:78:1001");
        assertThat(partition.observers())
                .extracting(r -> r.replicaId() + ":" + r.logEndOffset() + ":" + r.lastCaughtUpTimestamp())
                .containsExactly("4:70:-1");
        assertThat(response.nodes())
                .extracting(n -> n.nodeId() + " " + n.listeners().get(0).name() + "://"
                        + n.listeners().get(0).host() + ":"
                        + n.listeners().get(0).port())
                .containsExactly("1 CONTROLLER://c1:9093", "2 CONTROLLER://c2:9094");
    }

    @Test
    void anyOtherPartitionIsUnknownAndTheQuorumIsNotAsked() {
        DescribeQuorumHandler handler = handler(CompletableFuture.completedFuture(QUORUM));

        for (DescribeQuorumRequest request :
                List.of(request("orders", 0), request("__cluster_metadata", 1), request("__cluster_metadata", 0, 1))) {
            DescribeQuorumResponse response = send(handler, request);
            assertThat(response.topics().get(0).partitions()).isNotEmpty().allSatisfy(p -> assertThat(p.errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        }
        assertThat(asked).hasValue(0);
    }

    @Test
    void aQuorumWithoutALeaderAnswersThePartitionWithItsError() {
        DescribeQuorumResponse response = send(
                handler(CompletableFuture.failedFuture(
                        new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "Node 3 does not lead the metadata quorum."))),
                request("__cluster_metadata", 0));

        DescribeQuorumResponse.PartitionData partition =
                response.topics().get(0).partitions().get(0);
        assertThat(partition.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(partition.errorMessage()).isEqualTo("Node 3 does not lead the metadata quorum.");
    }
}

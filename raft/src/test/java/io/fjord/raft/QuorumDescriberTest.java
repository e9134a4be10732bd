package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.metadata.QuorumDescription;
import io.fjord.metadata.QuorumDescription.Replica;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuorumDescriberTest {

    @Test
    void raftIndexesBecomeEndOffsetsAndOnlyReplicasHoldingTheCommittedLogAreCaughtUp() {
        QuorumDescription quorum = QuorumDescriber.describe(
                2,
                7,
                101, // next index: the leader holds entries up to 100
                98, // committed up to 98
                List.of(1, 2, 3),
                List.of(4, 5),
                List.of(
                        new QuorumDescriber.Follower(1, 100, 20),
                        new QuorumDescriber.Follower(3, 90, 1_500),
                        new QuorumDescriber.Follower(4, 98, 30)),
                10_000,
                new HashMap<>(Map.of(3, 7_000L)));

        assertThat(quorum.leaderId()).isEqualTo(2);
        assertThat(quorum.leaderEpoch()).isEqualTo(7);
        assertThat(quorum.highWatermark()).isEqualTo(99);
        assertThat(quorum.voters())
                .containsExactly(
                        new Replica(1, 101, 9_980, 9_980),
                        new Replica(2, 101, 10_000, 10_000),
                        new Replica(3, 91, 8_500, 7_000)); // lagging: when it was last seen caught up
        // observer 5 has no appender yet: unknown, as Kafka reports a replica it has not heard from
        assertThat(quorum.observers()).containsExactly(new Replica(4, 99, 9_970, 9_970), new Replica(5, -1, -1, -1));
    }

    @Test
    void aFollowerThatHasNotAnsweredThisLeaderHasNoLogEndOffsetNorFetchTime() {
        QuorumDescription quorum = QuorumDescriber.describe(
                1,
                3,
                11,
                10,
                List.of(1, 2),
                List.of(),
                List.of(new QuorumDescriber.Follower(2, -1, 5)),
                100,
                new HashMap<>());

        assertThat(quorum.voters()).containsExactly(new Replica(1, 11, 100, 100), new Replica(2, -1, -1, -1));
    }

    @Test
    void aFollowerThatFallsBehindKeepsTheTimeItWasLastCaughtUp() {
        Map<Integer, Long> lastCaughtUp = new HashMap<>();
        List<Integer> voters = List.of(1, 2);
        QuorumDescriber.describe(
                1, 3, 11, 10, voters, List.of(), List.of(new QuorumDescriber.Follower(2, 10, 0)), 1_000, lastCaughtUp);
        QuorumDescription later = QuorumDescriber.describe(
                1, 3, 21, 20, voters, List.of(), List.of(new QuorumDescriber.Follower(2, 12, 0)), 2_000, lastCaughtUp);

        assertThat(later.voters().get(1)).isEqualTo(new Replica(2, 13, 2_000, 1_000));
    }

    @Test
    void theDescriptionSurvivesTheQueryReply() {
        QuorumDescription quorum = new QuorumDescription(
                3,
                9,
                42,
                List.of(new Replica(3, 42, 5, 5), new Replica(1, -1, -1, -1)),
                List.of(new Replica(4, 40, 4, -1)));

        assertThat(CommandCodec.decodeDescribeQuorumReply(CommandCodec.describeQuorumReply(quorum)))
                .isEqualTo(quorum);
        assertThat(CommandCodec.isDescribeQuorum(CommandCodec.encodeDescribeQuorum()))
                .isTrue();
        assertThat(CommandCodec.isDescribeQuorum(CommandCodec.encodeHeartbeat(1, new io.fjord.common.Uuid(1, 2))))
                .isFalse();
    }
}

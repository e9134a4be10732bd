package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.metadata.QuorumDescription;
import io.fjord.metadata.QuorumDescription.Replica;
import java.util.List;
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
                10_000);

        assertThat(quorum.leaderId()).isEqualTo(2);
        assertThat(quorum.leaderEpoch()).isEqualTo(7);
        assertThat(quorum.highWatermark()).isEqualTo(99);
        assertThat(quorum.voters())
                .containsExactly(
                        new Replica(1, 101, 9_980, 9_980),
                        new Replica(2, 101, 10_000, 10_000),
                        new Replica(3, 91, 8_500, -1));
        // observer 5 has no appender yet: unknown, as Kafka reports a replica it has not heard from
        assertThat(quorum.observers()).containsExactly(new Replica(4, 99, 9_970, 9_970), new Replica(5, -1, -1, -1));
    }

    @Test
    void aFollowerWhoseMatchIndexIsUnknownHasNoLogEndOffset() {
        QuorumDescription quorum = QuorumDescriber.describe(
                1, 3, 11, 10, List.of(1, 2), List.of(), List.of(new QuorumDescriber.Follower(2, -1, 5)), 100);

        assertThat(quorum.voters()).containsExactly(new Replica(1, 11, 100, 100), new Replica(2, -1, 95, -1));
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

package io.fjord.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.protocol.message.AlterPartitionReassignmentsRequest;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.ProduceResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What happens to fields a version lacks, and to tagged fields, when writing. */
class VersionRulesTest {
    @Test
    void anIgnorableFieldThatTheVersionLacksIsDroppedSilently() {
        JoinGroupRequest withReason = new JoinGroupRequest().setGroupId("g").setReason("because");
        JoinGroupRequest without = new JoinGroupRequest().setGroupId("g");
        assertThat(KafkaCodec.writeOurs(withReason, (short) 7)).isEqualTo(KafkaCodec.writeOurs(without, (short) 7));
    }

    @Test
    void aNonIgnorableFieldWithANonDefaultValueThatTheVersionLacksCannotBeWritten() {
        AlterPartitionReassignmentsRequest request =
                new AlterPartitionReassignmentsRequest().setAllowReplicationFactorChange(false);
        assertThatThrownBy(() -> KafkaCodec.writeOurs(request, (short) 0))
                .isInstanceOf(UnsupportedVersionException.class)
                .hasMessageContaining("AllowReplicationFactorChange");
        request.setAllowReplicationFactorChange(true);
        assertThat(KafkaCodec.writeOurs(request, (short) 0)).isNotEmpty();
    }

    @Test
    void aTaggedFieldAtItsDefaultIsNotWritten() {
        ProduceResponse.PartitionProduceResponse partition = new ProduceResponse.PartitionProduceResponse();
        ProduceResponse response = new ProduceResponse()
                .setResponses(new ArrayList<>(List.of(new ProduceResponse.TopicProduceResponse()
                        .setName("t")
                        .setPartitionResponses(new ArrayList<>(List.of(partition))))));
        int withoutLeader = response.size((short) 10);
        partition.setCurrentLeader(
                new ProduceResponse.LeaderIdAndEpoch().setLeaderId(3).setLeaderEpoch(5));
        assertThat(response.size((short) 10)).isGreaterThan(withoutLeader);
        assertThat(KafkaCodec.writeOurs(response, (short) 10)).hasSize(response.size((short) 10));
    }
}

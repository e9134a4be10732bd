package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replication admin APIs through the official Admin client against one broker: ElectLeaders
 * (preferred and unclean), AlterPartitionReassignments and ListPartitionReassignments.
 */
class ReplicationAdminIT extends AdminITBase {

    @BeforeAll
    static void start() {
        startBroker(Map.of());
    }

    @Test
    void electingThePreferredLeaderOfAPartitionItAlreadyLeadsIsNotNeeded() throws Exception {
        createTopic("elect", 2, Map.of());
        TopicPartition p0 = new TopicPartition("elect", 0);
        TopicPartition missing = new TopicPartition("elect", 7);
        for (ElectionType type : ElectionType.values()) {
            Map<TopicPartition, Optional<Throwable>> results =
                    admin.electLeaders(type, Set.of(p0, missing)).partitions().get(15, TimeUnit.SECONDS);
            assertThat(results.get(p0)).containsInstanceOf(ElectionNotNeededException.class);
            assertThat(results.get(missing)).containsInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void electingEveryPartitionReportsNoneWhenAllAreLedByTheirPreferredReplica() throws Exception {
        createTopic("elect-all", 3, Map.of());
        assertThat(admin.electLeaders(ElectionType.PREFERRED, null).partitions().get(15, TimeUnit.SECONDS))
                .isEmpty();
    }
}

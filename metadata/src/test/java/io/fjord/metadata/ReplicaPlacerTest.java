package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {

    private static final List<Integer> BROKERS = List.of(0, 1, 2, 3, 4, 5);
    private static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "a", 2, "b", 3, "b", 4, "c", 5, "c");

    private static List<int[]> place(long seed, int count, int replicationFactor) {
        return new ReplicaPlacer(new Random(seed)).place(BROKERS, RACKS, 0, count, replicationFactor);
    }

    @Test
    void theBrokerListAlternatesRacks() {
        assertThat(ReplicaPlacer.rackAlternated(BROKERS, RACKS)).containsExactly(0, 2, 4, 1, 3, 5);
    }

    @Test
    void everyPartitionSpansAsManyRacksAsItHasReplicasAndLeadersSpreadEvenly() {
        for (long seed = 0; seed < 20; seed++) {
            List<int[]> assignments = place(seed, 12, 3);
            Map<Integer, Integer> leaders = new HashMap<>();
            for (int[] replicas : assignments) {
                Set<String> racks = new HashSet<>();
                Arrays.stream(replicas).forEach(b -> racks.add(RACKS.get(b)));
                assertThat(racks)
                        .as("seed %d: %s", seed, Arrays.toString(replicas))
                        .hasSize(3);
                assertThat(Arrays.stream(replicas).distinct().count()).isEqualTo(3);
                leaders.merge(replicas[0], 1, Integer::sum);
            }
            assertThat(leaders.values()).as("seed %d", seed).containsOnly(2);
        }
    }

    @Test
    void twoReplicasLandOnTwoRacksAndMoreReplicasThanRacksStillUseDistinctBrokers() {
        for (int[] replicas : place(3, 10, 2)) {
            assertThat(RACKS.get(replicas[0])).isNotEqualTo(RACKS.get(replicas[1]));
        }
        for (int[] replicas : place(3, 10, 5)) {
            assertThat(Arrays.stream(replicas).distinct().count()).isEqualTo(5);
        }
    }

    @Test
    void theSameSeedGivesTheSamePlacement() {
        assertThat(place(9, 8, 3)).containsExactlyElementsOf(place(9, 8, 3));
    }

    @Test
    void brokersWithoutRacksGetTheRackUnawareRoundRobin() {
        List<int[]> unaware = new ReplicaPlacer(new Random(4)).place(BROKERS, 0, 6, 2);
        List<int[]> partlyRacked = new ReplicaPlacer(new Random(4)).place(BROKERS, Map.of(0, "a"), 0, 6, 2);
        assertThat(partlyRacked).containsExactlyElementsOf(unaware);
    }

    @Test
    void theControllerPlacesNewTopicsRackAwareOverEligibleBrokersOnly() {
        MetadataImage image = new TestImages()
                .broker(0, "a", false)
                .broker(1, "a", false)
                .broker(2, "b", false)
                .broker(3, "b", true)
                .build();
        ControllerLogic logic =
                new ControllerLogic(ControllerConfig.DEFAULT, ConfigValidator.ACCEPT_ALL, new Random(2));
        MetadataImage after = TestImages.apply(
                image,
                logic.createTopics(image, List.of(CreatableTopic.of("r", 6, 2)), false)
                        .records());
        for (PartitionRegistration p : after.topics().topic("r").partitions().values()) {
            int[] replicas = p.replicas();
            assertThat(replicas).doesNotContain(3).contains(2);
        }
    }
}

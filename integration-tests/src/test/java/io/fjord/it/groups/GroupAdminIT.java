package io.fjord.it.groups;

import static io.fjord.it.groups.GroupClients.consumer;
import static io.fjord.it.groups.GroupClients.pollRecords;
import static io.fjord.it.groups.GroupClients.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java Admin client's group operations against live groups of both protocols: listing with a state
 * filter, describing members and their assignments, listing / altering / deleting a group's offsets (refused
 * while members use them, as Kafka does), deleting groups, removing members.
 */
class GroupAdminIT extends GroupBrokerTest {

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void listsGroupsByStateAndDescribesMembersWithTheirAssignments(String protocol) throws Exception {
        String topic = "admin-describe-" + protocol;
        String active = "admin-active-" + protocol;
        String empty = "admin-empty-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 4);
        GroupClients.produce(broker.bootstrap(), topic, 4, 0, 20);
        leaveEmptyGroupWithOffsets(empty, topic, protocol, 20);
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        try (Admin admin = GroupClients.admin(broker.bootstrap())) {
            for (int i = 0; i < 2; i++) {
                KafkaConsumer<String, String> c = consumer(broker.bootstrap(), active, protocol);
                c.subscribe(List.of(topic));
                members.add(c);
            }
            pollUntil(
                    members, () -> members.stream().allMatch(c -> c.assignment().size() == 2), 60_000);
            pollUntil(members, () -> describe(admin, active).groupState() == GroupState.STABLE, 30_000);

            assertThat(groupIds(admin, Set.of(GroupState.STABLE)))
                    .contains(active)
                    .doesNotContain(empty);
            assertThat(groupIds(admin, Set.of(GroupState.EMPTY)))
                    .contains(empty)
                    .doesNotContain(active);
            assertThat(groupIds(admin, Set.of())).contains(active, empty);

            ConsumerGroupDescription d = describe(admin, active);
            assertThat(d.type()).isEqualTo(protocol.equals("classic") ? GroupType.CLASSIC : GroupType.CONSUMER);
            assertThat(d.coordinator().port()).isEqualTo(broker.address().getPort());
            assertThat(d.members()).hasSize(2);
            Set<String> memberIds = new HashSet<>();
            Set<TopicPartition> assigned = new HashSet<>();
            for (MemberDescription m : d.members()) {
                memberIds.add(m.consumerId());
                assertThat(m.assignment().topicPartitions()).hasSize(2);
                assigned.addAll(m.assignment().topicPartitions());
            }
            assertThat(memberIds).hasSize(2);
            assertThat(assigned).hasSize(4).allMatch(tp -> tp.topic().equals(topic));
            assertThat(describe(admin, empty).groupState()).isEqualTo(GroupState.EMPTY);
            assertThat(describe(admin, empty).members()).isEmpty();
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void listsAltersAndDeletesOffsetsAndDeletesGroupsOnlyWhenNoMemberUsesThem(String protocol) throws Exception {
        String topic = "admin-offsets-" + protocol;
        String group = "admin-offsets-" + protocol;
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        GroupClients.createTopic(broker.bootstrap(), topic, 2);
        GroupClients.produce(broker.bootstrap(), topic, 2, 0, 20);
        try (Admin admin = GroupClients.admin(broker.bootstrap())) {
            try (KafkaConsumer<String, String> member = consumer(broker.bootstrap(), group, protocol)) {
                member.subscribe(List.of(topic));
                pollRecords(member, 20, 60_000);
                member.commitSync(Map.of(p0, new OffsetAndMetadata(7, "seven"), p1, new OffsetAndMetadata(9)));

                assertThat(offsets(admin, group)).isEqualTo(Map.of(p0, 7L, p1, 9L));
                assertThat(admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get()
                                .get(p0)
                                .metadata())
                        .isEqualTo("seven");
                assertCause(
                        () -> admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(1)))
                                .all()
                                .get(),
                        UnknownMemberIdException.class);
                assertCause(
                        () -> admin.deleteConsumerGroupOffsets(group, Set.of(p0))
                                .all()
                                .get(),
                        GroupSubscribedToTopicException.class);
                assertCause(
                        () -> admin.deleteConsumerGroups(List.of(group)).all().get(), GroupNotEmptyException.class);
            }
            // The member left: the group is empty and its offsets are the admin's to change.
            admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(2)))
                    .all()
                    .get();
            assertThat(offsets(admin, group)).isEqualTo(Map.of(p0, 2L, p1, 9L));
            admin.deleteConsumerGroupOffsets(group, Set.of(p1)).all().get();
            assertThat(offsets(admin, group)).isEqualTo(Map.of(p0, 2L));
            try (KafkaConsumer<String, String> next = consumer(broker.bootstrap(), group, protocol)) {
                next.subscribe(List.of(topic));
                Map<Integer, Long> firstOffsets = new java.util.TreeMap<>();
                pollRecords(next, 18, 60_000).forEach(r -> firstOffsets.putIfAbsent(r.partition(), r.offset()));
                assertThat(firstOffsets)
                        .as("p0 resumes at the altered offset, p1 (deleted) at earliest")
                        .isEqualTo(Map.of(0, 2L, 1, 0L));
            }

            admin.deleteConsumerGroups(List.of(group)).all().get();
            assertThat(groupIds(admin, Set.of())).doesNotContain(group);
            assertThat(offsets(admin, group)).isEmpty();
            assertCause(() -> admin.deleteConsumerGroups(List.of(group)).all().get(), GroupIdNotFoundException.class);
        }
    }

    @Test
    void removesStaticMembersByInstanceIdAndAllMembersAtOnce() throws Exception {
        String topic = "admin-remove";
        String group = "admin-remove";
        GroupClients.createTopic(broker.bootstrap(), topic, 3);
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        try (Admin admin = GroupClients.admin(broker.bootstrap())) {
            for (String instance : List.of("a", "b", "c")) {
                Properties props = GroupClients.consumerProps(broker.bootstrap(), group, "classic", "earliest");
                props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
                KafkaConsumer<String, String> c = new KafkaConsumer<>(props);
                c.subscribe(List.of(topic));
                members.add(c);
            }
            pollUntil(
                    members, () -> members.stream().allMatch(c -> c.assignment().size() == 1), 60_000);
            pollUntil(members, () -> describe(admin, group).groupState() == GroupState.STABLE, 30_000);

            // The consumers stop polling, so nobody rejoins while the test looks.
            admin.removeMembersFromConsumerGroup(
                            group, new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove("a"))))
                    .all()
                    .get();
            assertThat(instanceIds(describe(admin, group))).containsExactlyInAnyOrder("b", "c");

            admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions())
                    .all()
                    .get();
            ConsumerGroupDescription after = describe(admin, group);
            assertThat(after.members()).isEmpty();
            assertThat(after.groupState()).isEqualTo(GroupState.EMPTY);
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    private void leaveEmptyGroupWithOffsets(String group, String topic, String protocol, int records) {
        try (KafkaConsumer<String, String> c = consumer(broker.bootstrap(), group, protocol)) {
            c.subscribe(List.of(topic));
            assertThat(pollRecords(c, records, 60_000)).hasSize(records);
            c.commitSync();
        }
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> groupIds(Admin admin, Set<GroupState> states) throws Exception {
        return admin.listConsumerGroups(new ListConsumerGroupsOptions().inGroupStates(states)).all().get().stream()
                .map(ConsumerGroupListing::groupId)
                .collect(Collectors.toSet());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static Set<String> instanceIds(ConsumerGroupDescription d) {
        return d.members().stream().map(m -> m.groupInstanceId().orElse("?")).collect(Collectors.toSet());
    }

    private static void assertCause(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Class<? extends Throwable> cause) {
        assertThatThrownBy(call).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(cause);
    }
}

package io.fjord.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.ResponseHeader;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.SyncGroupResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What a hostile or broken group client gets, over raw sockets: commits for an unknown partition, from an
 * unknown member or with a stale generation / member epoch get Kafka's error codes and change nothing; a
 * thousand members that join one group and never heartbeat do not disturb a Java consumer of another group
 * on the same coordinator partition.
 */
class GroupBadInputIT extends GroupBrokerTest {

    private static final short JOIN_V5 = 5;
    private static final short SYNC_V3 = 3;
    private static final short HEARTBEAT_V4 = 4;
    private static final short COMMIT_V8 = 8;
    private static final short COMMIT_V9 = 9;
    private static final int STORM_MEMBERS = 1000;
    /**
     * The storm members' session and rebalance timeouts. Generation 1 is the first member alone; the
     * generation of all the others completes when it expires (it never rejoins), or at the rebalance timeout:
     * every JoinGroup must arrive before then, on however loaded a machine.
     */
    private static final int STORM_SESSION_MS = 15_000;

    @Test
    void classicCommitsForAnUnknownPartitionMemberOrGenerationGetKafkasErrors() throws Exception {
        String topic = "bad-classic";
        String group = "bad-classic";
        GroupClients.createTopic(broker.bootstrap(), topic, 2);
        try (RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            JoinGroupResponse first = join(raw, group, topic, "");
            assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
            String memberId = first.memberId();
            JoinGroupResponse gen1 = join(raw, group, topic, memberId);
            assertThat(Errors.forCode(gen1.errorCode())).isEqualTo(Errors.NONE);
            assertThat(Errors.forCode(
                            sync(raw, group, gen1.generationId(), memberId).errorCode()))
                    .isEqualTo(Errors.NONE);
            assertThat(commit(raw, COMMIT_V8, group, gen1.generationId(), memberId, topic, 0, 5))
                    .isEqualTo(Errors.NONE);

            // The leader rejoins: generation 2, and generation 1 is now stale.
            JoinGroupResponse gen2 = join(raw, group, topic, memberId);
            assertThat(gen2.generationId()).isEqualTo(gen1.generationId() + 1);
            assertThat(commit(raw, COMMIT_V8, group, gen2.generationId(), memberId, topic, 0, 6))
                    .as("commit while the generation awaits its assignment")
                    .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
            assertThat(Errors.forCode(
                            sync(raw, group, gen2.generationId(), memberId).errorCode()))
                    .isEqualTo(Errors.NONE);

            assertThat(commit(raw, COMMIT_V8, group, gen1.generationId(), memberId, topic, 0, 7))
                    .as("stale generation")
                    .isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(commit(raw, COMMIT_V8, group, gen2.generationId(), "ghost", topic, 0, 7))
                    .as("unknown member")
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(commit(raw, COMMIT_V8, group, gen2.generationId(), memberId, topic, 99, 7))
                    .as("unknown partition")
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(commit(raw, COMMIT_V8, group, gen2.generationId(), memberId, "no-such-topic", 0, 7))
                    .as("unknown topic")
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(commit(raw, COMMIT_V8, "no-such-group", 3, "ghost", topic, 0, 7))
                    .as("unknown group, v8")
                    .isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(commit(raw, COMMIT_V9, "no-such-group", 3, "ghost", topic, 0, 7))
                    .as("unknown group, v9")
                    .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
            assertThat(heartbeat(raw, group, gen1.generationId(), memberId)).isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(heartbeat(raw, group, gen2.generationId(), "ghost")).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(heartbeat(raw, group, gen2.generationId(), memberId)).isEqualTo(Errors.NONE);

            OffsetCommitRequest tooLarge = commitRequest(group, gen2.generationId(), memberId, topic, 0, 8);
            tooLarge.topics().get(0).partitions().get(0).setCommittedMetadata("m".repeat(4097));
            assertThat(commitError(raw, COMMIT_V8, tooLarge))
                    .as("metadata over offset.metadata.max.bytes")
                    .isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE);

            assertThat(Errors.forCode(join(raw, group, topic, memberId, 500).errorCode()))
                    .as("session timeout under group.min.session.timeout.ms")
                    .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
            JoinGroupRequest otherType = joinRequest(group, topic, "", 30_000).setProtocolType("connect");
            assertThat(Errors.forCode(
                            ((JoinGroupResponse) raw.send(ApiKeys.JOIN_GROUP, JOIN_V5, otherType)).errorCode()))
                    .as("a member of another protocol type")
                    .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
            assertThat(Errors.forCode(join(raw, "", topic, "", 30_000).errorCode()))
                    .as("empty group id")
                    .isEqualTo(Errors.INVALID_GROUP_ID);

            assertThat(committed(group)).as("only the good commit landed").isEqualTo(Map.of(0, 5L));
        }
    }

    @Test
    void consumerProtocolCommitsWithAStaleEpochOrUnknownMemberGetKafkasErrors() throws Exception {
        String topic = "bad-consumer";
        String group = "bad-consumer";
        GroupClients.createTopic(broker.bootstrap(), topic, 2);
        try (RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            String memberId = UUID.randomUUID().toString();
            ConsumerGroupHeartbeatResponse joined = (ConsumerGroupHeartbeatResponse) raw.send(
                    ApiKeys.CONSUMER_GROUP_HEARTBEAT,
                    (short) 1,
                    new ConsumerGroupHeartbeatRequest()
                            .setGroupId(group)
                            .setMemberId(memberId)
                            .setMemberEpoch(0)
                            .setRebalanceTimeoutMs(30_000)
                            .setSubscribedTopicNames(List.of(topic))
                            .setTopicPartitions(List.of()));
            assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
            int epoch = joined.memberEpoch();
            assertThat(epoch).isPositive();

            assertThat(commit(raw, COMMIT_V9, group, epoch, memberId, topic, 1, 11))
                    .isEqualTo(Errors.NONE);
            assertThat(commit(raw, COMMIT_V9, group, epoch - 1, memberId, topic, 1, 12))
                    .as("older member epoch")
                    .isEqualTo(Errors.STALE_MEMBER_EPOCH);
            assertThat(commit(raw, COMMIT_V9, group, epoch, "ghost", topic, 1, 12))
                    .as("unknown member")
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(commit(raw, COMMIT_V9, group, epoch, memberId, topic, 42, 12))
                    .as("unknown partition")
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(commit(raw, COMMIT_V8, group, epoch, memberId, topic, 1, 12))
                    .as("a KIP-848 member must commit with v9+")
                    .isEqualTo(Errors.UNSUPPORTED_VERSION);
            assertThat(commit(raw, COMMIT_V9, group, -1, "", topic, 1, 12))
                    .as("an admin commit while the group has members")
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(committed(group)).isEqualTo(Map.of(1, 11L));
        }
    }

    /**
     * A thousand raw members join one classic group and never heartbeat or sync (so the group rebalances,
     * times them out and churns), on the same {@code __consumer_offsets} partition as a Java consumer's
     * group that is consuming and committing meanwhile: that consumer is never rebalanced, reads every
     * record and its poll-and-commit loop never stalls.
     */
    @Test
    void aThousandMembersThatNeverHeartbeatDoNotDisturbAnotherGroup() throws Exception {
        String victimTopic = "victim";
        String victimGroup = "victim-group";
        String stormGroup = stormGroupOnSamePartitionAs(victimGroup, "storm-");
        GroupClients.createTopic(broker.bootstrap(), victimTopic, 2);
        GroupClients.createTopic(broker.bootstrap(), "storm", 1);

        RebalanceCounts rebalances = new RebalanceCounts();
        try (KafkaConsumer<String, String> victim = GroupClients.consumer(broker.bootstrap(), victimGroup, "classic")) {
            victim.subscribe(List.of(victimTopic), rebalances);
            GroupClients.pollUntil(List.of(victim), () -> victim.assignment().size() == 2, 60_000);

            List<RawKafkaClient> stormMembers = new ArrayList<>();
            Thread producer = new Thread(() -> produceSlowly(victimTopic, 200, 50));
            try {
                long stormStartMs = System.currentTimeMillis();
                for (int i = 0; i < STORM_MEMBERS; i++) {
                    RawKafkaClient member = new RawKafkaClient(broker.address());
                    stormMembers.add(member);
                    JoinGroupRequest join = joinRequest(stormGroup, "storm", "", STORM_SESSION_MS)
                            .setRebalanceTimeoutMs(STORM_SESSION_MS);
                    member.sendOnly(ApiKeys.JOIN_GROUP, (short) 3, join, 1);
                }
                producer.start();
                VictimRun run = consumeAndCommit(victim, 200);
                int largestGeneration = largestStormGeneration(stormMembers);
                long joinedMs = System.currentTimeMillis() - stormStartMs;
                // None of them syncs or heartbeats: the coordinator must time every one of them out.
                try (Admin admin = GroupClients.admin(broker.bootstrap())) {
                    GroupClients.pollUntil(List.of(victim), () -> stormMembersLeft(admin, stormGroup) == 0, 60_000);
                }
                long stormMs = System.currentTimeMillis() - stormStartMs;
                System.out.printf(
                        "storm: %d members, largest generation %d members (answers read at %d ms), all expired by %d ms;"
                                + " victim read %d records, max poll+commit %d ms%n",
                        STORM_MEMBERS, largestGeneration, joinedMs, stormMs, run.received(), run.maxLoopMs());

                assertThat(run.received()).as("victim read every record").isEqualTo(200);
                assertThat(largestGeneration)
                        .as("the storm group formed a generation of (nearly) all its members")
                        .isGreaterThanOrEqualTo(STORM_MEMBERS - 1);
                assertThat(rebalances.assignments.get())
                        .as("victim assigned once, never rebalanced, even while the storm expired")
                        .isEqualTo(1);
                assertThat(rebalances.revocations.get())
                        .as("victim never lost a partition")
                        .isZero();
                assertVictimNeverStalledForASession(run);
            } finally {
                producer.join();
                for (RawKafkaClient m : stormMembers) {
                    m.close();
                }
            }
        }
    }

    /**
     * The KIP-848 variant: a thousand members join with ConsumerGroupHeartbeat (each join bumps the group
     * epoch and reruns the server-side assignor over all members), then go silent and are fenced after the
     * session timeout, while a KIP-848 Java consumer of another group on the same partition keeps working.
     */
    @Test
    void aThousandKip848MembersThatGoSilentDoNotDisturbAnotherGroup() throws Exception {
        String victimTopic = "victim-848";
        String victimGroup = "victim-848-group";
        String stormGroup = stormGroupOnSamePartitionAs(victimGroup, "storm-848-");
        GroupClients.createTopic(broker.bootstrap(), victimTopic, 2);
        GroupClients.createTopic(broker.bootstrap(), "storm-848", 10);
        RebalanceCounts rebalances = new RebalanceCounts();
        try (KafkaConsumer<String, String> victim =
                GroupClients.consumer(broker.bootstrap(), victimGroup, "consumer")) {
            victim.subscribe(List.of(victimTopic), rebalances);
            GroupClients.pollUntil(List.of(victim), () -> victim.assignment().size() == 2, 60_000);

            long stormStartMs = System.currentTimeMillis();
            int joined = joinKip848Storm(stormGroup, "storm-848", 20, STORM_MEMBERS / 20);
            long joinedMs = System.currentTimeMillis() - stormStartMs;
            Thread producer = new Thread(() -> produceSlowly(victimTopic, 200, 50));
            producer.start();
            VictimRun run = consumeAndCommit(victim, 200);
            producer.join();
            try (Admin admin = GroupClients.admin(broker.bootstrap())) {
                GroupClients.pollUntil(List.of(victim), () -> stormMembersLeft(admin, stormGroup) == 0, 60_000);
            }
            long stormMs = System.currentTimeMillis() - stormStartMs;
            System.out.printf(
                    "kip-848 storm: %d joined in %d ms, all fenced by %d ms; victim read %d, max poll+commit %d ms%n",
                    joined, joinedMs, stormMs, run.received(), run.maxLoopMs());
            assertThat(joined).isEqualTo(STORM_MEMBERS);
            assertThat(run.received()).as("victim read every record").isEqualTo(200);
            assertThat(rebalances.revocations.get())
                    .as("victim never lost a partition")
                    .isZero();
            assertVictimNeverStalledForASession(run);
        }
    }

    /**
     * A poll-and-commit round as long as the victim's session would have cost it its membership (its
     * heartbeats wait on the same coordinator); shorter stalls are the machine's, not the storm's.
     */
    private static void assertVictimNeverStalledForASession(VictimRun run) {
        assertThat(run.maxLoopMs())
                .as("victim's slowest poll+commit, session timeout %d ms", GroupClients.SESSION_TIMEOUT_MS)
                .isLessThan(GroupClients.SESSION_TIMEOUT_MS);
    }

    /** Counts a consumer's non-empty revocations and its assignment callbacks; read after polling stops. */
    private static final class RebalanceCounts implements ConsumerRebalanceListener {
        final AtomicInteger assignments = new AtomicInteger();
        final AtomicInteger revocations = new AtomicInteger();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                revocations.incrementAndGet();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignments.incrementAndGet();
        }
    }

    /** What the victim consumer did: records read, and its slowest poll-and-commit round. */
    private record VictimRun(int received, long maxLoopMs) {}

    /** Polls {@code victim}, committing what each poll returned, until {@code count} records or 60 s. */
    private static VictimRun consumeAndCommit(KafkaConsumer<String, String> victim, int count) {
        long maxLoopMs = 0;
        int received = 0;
        long deadlineMs = System.currentTimeMillis() + 60_000;
        while (received < count && System.currentTimeMillis() < deadlineMs) {
            long startNs = System.nanoTime();
            ConsumerRecords<String, String> records = victim.poll(Duration.ofMillis(100));
            received += records.count();
            if (!records.isEmpty()) {
                victim.commitSync();
            }
            maxLoopMs = Math.max(maxLoopMs, (System.nanoTime() - startNs) / 1_000_000);
        }
        return new VictimRun(received, maxLoopMs);
    }

    /** Joins {@code sockets * perSocket} KIP-848 members, pipelined per socket; returns how many got NONE. */
    private static int joinKip848Storm(String group, String topic, int sockets, int perSocket) throws IOException {
        List<RawKafkaClient> clients = new ArrayList<>();
        short version = 1;
        try {
            for (int s = 0; s < sockets; s++) {
                RawKafkaClient client = new RawKafkaClient(broker.address());
                clients.add(client);
                for (int i = 0; i < perSocket; i++) {
                    client.sendOnly(
                            ApiKeys.CONSUMER_GROUP_HEARTBEAT,
                            version,
                            new ConsumerGroupHeartbeatRequest()
                                    .setGroupId(group)
                                    .setMemberId(UUID.randomUUID().toString())
                                    .setMemberEpoch(0)
                                    .setRebalanceTimeoutMs(5_000)
                                    .setSubscribedTopicNames(List.of(topic))
                                    .setTopicPartitions(List.of()),
                            i + 1);
                }
            }
            int ok = 0;
            for (RawKafkaClient client : clients) {
                for (int i = 0; i < perSocket; i++) {
                    ByteBufferReadable in = new ByteBufferReadable(client.readFrame());
                    new ResponseHeader(in, ApiKeys.CONSUMER_GROUP_HEARTBEAT.responseHeaderVersion(version));
                    if (new ConsumerGroupHeartbeatResponse(in, version).errorCode() == Errors.NONE.code()) {
                        ok++;
                    }
                }
            }
            return ok;
        } finally {
            for (RawKafkaClient client : clients) {
                client.close();
            }
        }
    }

    /** One record every {@code gapMs}, so the victim consumes throughout the storm. */
    private static void produceSlowly(String topic, int count, long gapMs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i)).get();
                Thread.sleep(gapMs);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int stormMembersLeft(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get()
                    .get(group)
                    .members()
                    .size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads the storm members' JoinGroup answers; returns the largest member list a leader got. */
    private static int largestStormGeneration(List<RawKafkaClient> members) throws IOException {
        int largest = 0;
        for (RawKafkaClient m : members) {
            ByteBuffer frame = m.readFrame();
            ByteBufferReadable in = new ByteBufferReadable(frame);
            new ResponseHeader(in, ApiKeys.JOIN_GROUP.responseHeaderVersion((short) 3));
            JoinGroupResponse response = new JoinGroupResponse(in, (short) 3);
            largest = Math.max(largest, response.members().size());
        }
        return largest;
    }

    private static String stormGroupOnSamePartitionAs(String group, String prefix) {
        int partitions = Integer.parseInt(GroupClients.BROKER_SETTINGS.get("offsets.topic.num.partitions"));
        int target = GroupCoordinator.partitionFor(group, partitions);
        for (int i = 0; ; i++) {
            String candidate = prefix + i;
            if (GroupCoordinator.partitionFor(candidate, partitions) == target) {
                return candidate;
            }
        }
    }

    private static JoinGroupRequest joinRequest(String group, String topic, String memberId, int sessionTimeoutMs) {
        return new JoinGroupRequest()
                .setGroupId(group)
                .setSessionTimeoutMs(sessionTimeoutMs)
                .setRebalanceTimeoutMs(5_000)
                .setMemberId(memberId)
                .setProtocolType("consumer")
                .setProtocols(List.of(new JoinGroupRequest.JoinGroupRequestProtocol()
                        .setName("range")
                        .setMetadata(subscription(topic))));
    }

    private static JoinGroupResponse join(RawKafkaClient raw, String group, String topic, String memberId)
            throws IOException {
        return join(raw, group, topic, memberId, 30_000);
    }

    private static JoinGroupResponse join(
            RawKafkaClient raw, String group, String topic, String memberId, int sessionTimeoutMs) throws IOException {
        return (JoinGroupResponse)
                raw.send(ApiKeys.JOIN_GROUP, JOIN_V5, joinRequest(group, topic, memberId, sessionTimeoutMs));
    }

    private static SyncGroupResponse sync(RawKafkaClient raw, String group, int generation, String memberId)
            throws IOException {
        return (SyncGroupResponse) raw.send(
                ApiKeys.SYNC_GROUP,
                SYNC_V3,
                new SyncGroupRequest()
                        .setGroupId(group)
                        .setGenerationId(generation)
                        .setMemberId(memberId)
                        .setAssignments(List.of(new SyncGroupRequest.SyncGroupRequestAssignment()
                                .setMemberId(memberId)
                                .setAssignment(new byte[0]))));
    }

    private static Errors heartbeat(RawKafkaClient raw, String group, int generation, String memberId)
            throws IOException {
        HeartbeatResponse response = (HeartbeatResponse) raw.send(
                ApiKeys.HEARTBEAT,
                HEARTBEAT_V4,
                new HeartbeatRequest()
                        .setGroupId(group)
                        .setGenerationId(generation)
                        .setMemberId(memberId));
        return Errors.forCode(response.errorCode());
    }

    private static Errors commit(
            RawKafkaClient raw,
            short version,
            String group,
            int generationOrEpoch,
            String memberId,
            String topic,
            int partition,
            long offset)
            throws IOException {
        return commitError(raw, version, commitRequest(group, generationOrEpoch, memberId, topic, partition, offset));
    }

    private static OffsetCommitRequest commitRequest(
            String group, int generationOrEpoch, String memberId, String topic, int partition, long offset) {
        return new OffsetCommitRequest()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(generationOrEpoch)
                .setMemberId(memberId)
                .setTopics(List.of(new OffsetCommitRequest.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequest.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)))));
    }

    private static Errors commitError(RawKafkaClient raw, short version, OffsetCommitRequest request)
            throws IOException {
        OffsetCommitResponse response = (OffsetCommitResponse) raw.send(ApiKeys.OFFSET_COMMIT, version, request);
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    private static Map<Integer, Long> committed(String group) throws Exception {
        try (Admin admin = GroupClients.admin(broker.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<Integer, Long> out = new java.util.TreeMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    /** ConsumerProtocolSubscription v0: version, one topic, no user data. */
    private static byte[] subscription(String topic) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + 2 + name.length + 4);
        b.putShort((short) 0).putInt(1).putShort((short) name.length).put(name).putInt(-1);
        return b.array();
    }
}

package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.assignment;
import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** TxnOffsetCommit and the life of transactional offsets (KIP-98, KIP-447): pending, committed, aborted, replayed. */
class TransactionalOffsetTest {

    private static final String GROUP = "etl";
    private static final long PRODUCER = 4000L;
    private static final short EPOCH = 0;

    private final GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
    private final int offsetsPartition;

    TransactionalOffsetTest() {
        ctx.topics.create("orders", 4);
        offsetsPartition = ctx.coordinator.partitionFor(GROUP);
    }

    private CompletableFuture<TxnOffsetCommitResponse> txnCommitAsync(
            long producerId, String memberId, int generation, String instanceId, int partition, long offset, short v) {
        TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic topic =
                new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic()
                        .setPartitions(List.of(new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)
                                .setCommittedLeaderEpoch(3)
                                .setCommittedMetadata("txn")));
        if (v >= 6) {
            topic.setTopicId(ctx.topics.topicId("orders"));
        } else {
            topic.setName("orders");
        }
        TxnOffsetCommitRequest request = new TxnOffsetCommitRequest()
                .setTransactionalId("txn-" + producerId)
                .setGroupId(GROUP)
                .setProducerId(producerId)
                .setProducerEpoch(EPOCH)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setGroupInstanceId(instanceId)
                .setTopics(List.of(topic));
        return ctx.coordinator.txnOffsetCommit(request, v);
    }

    private short txnCommit(String memberId, int generation, String instanceId, int partition, long offset, short v) {
        TxnOffsetCommitResponse response =
                done(txnCommitAsync(PRODUCER, memberId, generation, instanceId, partition, offset, v));
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    /** A TxnOffsetCommit v3 of the producer outside any group membership, as sendOffsetsToTransaction of a plain producer. */
    private short txnCommit(long producerId, int partition, long offset) {
        TxnOffsetCommitResponse response = done(txnCommitAsync(producerId, "", -1, null, partition, offset, (short) 3));
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    private OffsetFetchResponse.OffsetFetchResponsePartitions fetched(int partition, boolean requireStable) {
        return ctx.fetch(GROUP, "orders", List.of(partition), requireStable)
                .topics()
                .get(0)
                .partitions()
                .get(0);
    }

    /** Writes the producer's end marker to the group's partition and tells the coordinator, as the broker does. */
    private void endTransaction(long producerId, boolean commit) {
        ctx.log.appendMarker(offsetsPartition, producerId, commit);
        ctx.coordinator.completeTransaction(offsetsPartition, producerId, commit);
    }

    @Test
    void pendingOffsetsAreInvisibleAndUnstableUntilTheTransactionCommits() {
        ctx.commit(GROUP, "", -1, "orders", 1, 7);
        assertThat(txnCommit(PRODUCER, 0, 10)).isEqualTo(Errors.NONE.code());

        assertThat(fetched(0, false).committedOffset()).isEqualTo(-1);
        assertThat(fetched(0, false).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetched(0, true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(fetched(1, true).committedOffset())
                .as("only the partition with a pending offset is unstable")
                .isEqualTo(7);

        endTransaction(PRODUCER, true);

        OffsetFetchResponse.OffsetFetchResponsePartitions committed = fetched(0, true);
        assertThat(committed.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(committed.committedOffset()).isEqualTo(10);
        assertThat(committed.committedLeaderEpoch()).isEqualTo(3);
        assertThat(committed.metadata()).isEqualTo("txn");
    }

    @Test
    void aDeletedTopicsPendingOffsetIsNotCommittedByTheTransactionLater() {
        assertThat(txnCommit(PRODUCER, 0, 10)).isEqualTo(Errors.NONE.code());

        ctx.topics.delete("orders");
        ctx.coordinator.onTopicsDeleted(Set.of("orders"));
        ctx.topics.create("orders", 4);
        endTransaction(PRODUCER, true);

        // Kafka's onPartitionsDeleted tombstones pending transactional offsets too, and the tombstone drops them:
        // the topic created again under the name has no committed offset from the old one.
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(-1);
        ctx.restart();
        assertThat(ctx.fetchOffset(GROUP, "orders", 0))
                .as("the replay decides the same")
                .isEqualTo(-1);
    }

    @Test
    void anAbortDropsThePendingOffsetsAndKeepsTheCommittedOne() {
        ctx.commit(GROUP, "", -1, "orders", 0, 5);
        txnCommit(PRODUCER, 0, 10);
        assertThat(fetched(0, false).committedOffset()).isEqualTo(5);

        endTransaction(PRODUCER, false);

        assertThat(fetched(0, true).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetched(0, true).committedOffset()).isEqualTo(5);
    }

    @Test
    void aPlainCommitWrittenAfterTheTransactionalOffsetWinsWhenTheTransactionCommits() {
        txnCommit(PRODUCER, 0, 10);
        ctx.commit(GROUP, "", -1, "orders", 0, 7);
        ctx.commit(GROUP, "", -1, "orders", 1, 7);
        txnCommit(PRODUCER, 1, 20);

        endTransaction(PRODUCER, true);

        assertThat(ctx.fetchOffset(GROUP, "orders", 0))
                .as("written after the transaction's")
                .isEqualTo(7);
        assertThat(ctx.fetchOffset(GROUP, "orders", 1))
                .as("written before the transaction's")
                .isEqualTo(20);
        ctx.restart();
        assertThat(ctx.fetchOffset(GROUP, "orders", 0))
                .as("the replay decides the same")
                .isEqualTo(7);
        assertThat(ctx.fetchOffset(GROUP, "orders", 1)).isEqualTo(20);
    }

    @Test
    void transactionsOfDifferentProducersEndSeparately() {
        txnCommit(PRODUCER, 0, 10);
        txnCommit(PRODUCER + 1, 1, 11);

        endTransaction(PRODUCER + 1, true);

        assertThat(fetched(1, true).committedOffset()).isEqualTo(11);
        assertThat(fetched(0, true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        endTransaction(PRODUCER, false);
        assertThat(fetched(0, true).committedOffset()).isEqualTo(-1);
    }

    @Test
    void aFailedWriteLeavesNothingPending() {
        ctx.log.holdCommits();
        CompletableFuture<TxnOffsetCommitResponse> response = txnCommitAsync(PRODUCER, "", -1, null, 0, 10, (short) 3);
        assertThat(fetched(0, true).errorCode())
                .as("pending from the write on")
                .isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        ctx.log.failPending(new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "leadership moved"));

        assertThat(done(response).topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(fetched(0, true).errorCode()).isEqualTo(Errors.NONE.code());
        endTransaction(PRODUCER, true);
        assertThat(fetched(0, true).committedOffset()).isEqualTo(-1);
    }

    @Test
    void theReplayKeepsOpenTransactionsPendingAndAppliesTheirMarkersInLogOrder() {
        ctx.commit(GROUP, "", -1, "orders", 0, 1);
        txnCommit(PRODUCER, 0, 10);
        endTransaction(PRODUCER, false);
        txnCommit(PRODUCER, 1, 20);
        endTransaction(PRODUCER, true);
        txnCommit(PRODUCER, 2, 30); // the producer's next transaction, still open

        ctx.restart();

        assertThat(fetched(0, true).committedOffset()).as("aborted").isEqualTo(1);
        assertThat(fetched(1, true).committedOffset()).as("committed").isEqualTo(20);
        assertThat(fetched(2, true).errorCode()).as("open").isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(fetched(2, false).committedOffset()).isEqualTo(-1);

        endTransaction(PRODUCER, true);
        assertThat(fetched(2, true).committedOffset()).isEqualTo(30);
        ctx.restart();
        assertThat(fetched(2, true).committedOffset()).isEqualTo(30);
    }

    @Test
    void aTransactionThatEndsWhileThePartitionLoadsIsAppliedAfterTheReplay() {
        txnCommit(PRODUCER, 0, 10);
        List<CoordinatorLogEntry> beforeTheMarker = ctx.log.entries(offsetsPartition);
        ctx.coordinator.unloadPartition(offsetsPartition);
        PartitionLoad load = ctx.coordinator.scheduleLoad(offsetsPartition);

        endTransaction(PRODUCER, true); // the load read the log before the marker

        assertThat(load.run(beforeTheMarker.iterator())).isTrue();
        assertThat(fetched(0, true).committedOffset()).isEqualTo(10);
    }

    @Test
    void aClassicGroupChecksTheMemberAndGenerationOnlyWhenTheCommitNamesThem() {
        JoinGroupResponse join = done(ctx.joinDynamic(GROUP));
        done(ctx.sync(GROUP, join.memberId(), join.generationId(), List.of(assignment(join.memberId(), "orders"))));
        String member = join.memberId();
        int generation = join.generationId();

        assertThat(txnCommit(member, generation, null, 0, 1, (short) 3)).isEqualTo(Errors.NONE.code());
        assertThat(txnCommit(member, generation + 1, null, 0, 2, (short) 3))
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(txnCommit("stranger", generation, null, 0, 3, (short) 3)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(txnCommit(member, generation, "instance-1", 0, 4, (short) 3))
                .as("an instance id the group does not know")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(txnCommit("", -1, null, 0, 5, (short) 2))
                .as("v0-v2 carry no member, and a group with members accepts them")
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void aStaticMemberWithAnotherMemberIdIsFenced() {
        JoinGroupResponse join = done(ctx.join(GroupCoordinatorTestContext.joinRequest(GROUP, "", "instance-1")));
        done(ctx.sync(GROUP, join.memberId(), join.generationId(), List.of(assignment(join.memberId(), "orders"))));

        assertThat(txnCommit("old-incarnation", join.generationId(), "instance-1", 0, 1, (short) 3))
                .isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(txnCommit(join.memberId(), join.generationId(), "instance-1", 0, 1, (short) 3))
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void aMissingGroupTakesOffsetsWithoutAGenerationOnly() {
        assertThat(txnCommit("member", 3, null, 0, 1, (short) 3)).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(txnCommit("member", 3, null, 0, 1, (short) 6)).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(txnCommit("", -1, null, 0, 1, (short) 3)).isEqualTo(Errors.NONE.code());
    }

    @Test
    void aConsumerGroupMemberMustCommitAtItsCurrentEpoch() {
        ConsumerGroupHeartbeatResponse joined = done(ctx.coordinator.consumerGroupHeartbeat(
                new ConsumerGroupHeartbeatRequest()
                        .setGroupId(GROUP)
                        .setMemberId("member-a")
                        .setMemberEpoch(0)
                        .setRebalanceTimeoutMs(30_000)
                        .setSubscribedTopicNames(List.of("orders"))
                        .setTopicPartitions(List.of()),
                (short) 1,
                "client",
                "/10.0.0.1"));
        int epoch = joined.memberEpoch();

        assertThat(txnCommit("member-a", epoch, null, 0, 1, (short) 4)).isEqualTo(Errors.NONE.code());
        assertThat(txnCommit("member-a", epoch - 1, null, 0, 2, (short) 4)).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(txnCommit("member-a", epoch - 1, null, 0, 2, (short) 6)).isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
        assertThat(txnCommit("member-a", epoch + 1, null, 0, 2, (short) 6))
                .isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(txnCommit("member-b", epoch, null, 0, 2, (short) 4)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(txnCommit("", -1, null, 0, 2, (short) 2))
                .as("no member named (v0-v2, a producer's metadata from the group id alone): accepted, as in Kafka")
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void requestErrorsComePerPartitionOrForTheGroup() {
        TxnOffsetCommitRequest request = new TxnOffsetCommitRequest()
                .setGroupId("")
                .setProducerId(PRODUCER)
                .setTopics(List.of(new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic()
                        .setName("orders")
                        .setPartitions(List.of(
                                new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition().setPartitionIndex(0)))));
        assertThat(done(ctx.coordinator.txnOffsetCommit(request, (short) 3))
                        .topics()
                        .get(0)
                        .partitions()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.INVALID_GROUP_ID.code());

        assertThat(txnCommit(PRODUCER, 9, 1))
                .as("no such partition")
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void deletingTheGroupDeletesItsPendingOffsetsToo() {
        txnCommit(PRODUCER, 0, 10);
        assertThat(done(ctx.coordinator.deleteGroups(
                                new DeleteGroupsRequest().setGroupsNames(List.of(GROUP)), (short) 2))
                        .results()
                        .get(0)
                        .errorCode())
                .as("open transactions do not keep an empty group from being deleted, as in Kafka")
                .isEqualTo(Errors.NONE.code());

        assertThat(fetched(0, true).errorCode()).isEqualTo(Errors.NONE.code());
        endTransaction(PRODUCER, true);
        assertThat(fetched(0, true).committedOffset()).isEqualTo(-1);
        ctx.restart();
        assertThat(fetched(0, true).committedOffset()).as("the replay agrees").isEqualTo(-1);
    }

    @Test
    void offsetDeleteRemovesAPendingOffset() {
        ctx.commit(GROUP, "", -1, "orders", 0, 5);
        txnCommit(PRODUCER, 0, 10);
        done(ctx.coordinator.offsetDelete(
                new OffsetDeleteRequest()
                        .setGroupId(GROUP)
                        .setTopics(List.of(new OffsetDeleteRequest.OffsetDeleteRequestTopic()
                                .setName("orders")
                                .setPartitions(List.of(
                                        new OffsetDeleteRequest.OffsetDeleteRequestPartition().setPartitionIndex(0))))),
                (short) 0));
        endTransaction(PRODUCER, true);
        assertThat(fetched(0, true).committedOffset()).isEqualTo(-1);
    }

    @Test
    void anOffsetWithAPendingTransactionDoesNotExpireNorDoesItsGroup() {
        ctx.commit(GROUP, "", -1, "orders", 0, 5);
        txnCommit(PRODUCER, 0, 10);
        ctx.advance(ctx.config.offsetsRetentionMs() + ctx.config.offsetsRetentionCheckIntervalMs());
        assertThat(fetched(0, false).committedOffset()).isEqualTo(5);
        assertThat(done(ctx.coordinator.listGroups(new ListGroupsRequest(), (short) 5)).groups().stream()
                        .map(ListGroupsResponse.ListedGroup::groupId))
                .containsExactly(GROUP);

        endTransaction(PRODUCER, true);
        assertThat(fetched(0, true).committedOffset()).isEqualTo(10);
    }

    @Test
    void withoutATransactionTheSameOffsetExpires() {
        ctx.commit(GROUP, "", -1, "orders", 0, 5);
        ctx.advance(ctx.config.offsetsRetentionMs() + ctx.config.offsetsRetentionCheckIntervalMs());
        assertThat(fetched(0, false).committedOffset()).isEqualTo(-1);
    }
}

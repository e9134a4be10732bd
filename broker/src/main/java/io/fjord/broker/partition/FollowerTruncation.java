package io.fjord.broker.partition;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.ListOffsetsRequest;
import io.fjord.protocol.message.ListOffsetsResponse;
import io.fjord.storage.EpochEndOffset;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a follower cuts its log so that it never keeps a record the leader does not have (Kafka's
 * AbstractFetcherThread truncation rules). On a diverging epoch (E, end) from the leader: if the local
 * log knows E, truncate to min(end, where E ends locally); if not, truncate to where the largest local
 * epoch below E ends and let the next fetch ask again. On OFFSET_OUT_OF_RANGE: ask the leader for its
 * log start and end (ListOffsets as a replica); a local log past the leader's end is cut to it, one that
 * ends before the leader's start restarts empty there.
 *
 * <p>Stateless; called on a fetcher thread.
 */
final class FollowerTruncation {

    private static final Logger logger = LoggerFactory.getLogger(FollowerTruncation.class);
    private static final long EARLIEST = -2L;
    private static final long LATEST = -1L;

    private FollowerTruncation() {}

    /** The offset a follower truncates to for the leader's diverging epoch; see the class comment. */
    static long truncationOffset(Partition partition, int leaderEpoch, long leaderEndOffset) {
        long logEndOffset = partition.logEndOffset();
        if (leaderEndOffset < 0) {
            return Math.min(partition.highWatermark(), logEndOffset);
        }
        if (leaderEpoch < 0) {
            return Math.min(leaderEndOffset, logEndOffset);
        }
        EpochEndOffset local = partition.log().endOffsetForEpoch(leaderEpoch);
        if (local.endOffset() < 0) {
            return Math.min(leaderEndOffset, logEndOffset);
        }
        if (local.leaderEpoch() != leaderEpoch) {
            // The local log never saw the leader's epoch: cut back to where our largest epoch below it ended.
            return Math.min(local.endOffset(), logEndOffset);
        }
        return Math.min(Math.min(leaderEndOffset, local.endOffset()), logEndOffset);
    }

    static void onDivergingEpoch(Partition partition, int leaderEpoch, long leaderEndOffset) {
        long offset = truncationOffset(partition, leaderEpoch, leaderEndOffset);
        logger.info(
                "{}: the leader's epoch {} ends at {}; truncating from {} to {}",
                partition.topicPartition(),
                leaderEpoch,
                leaderEndOffset,
                partition.logEndOffset(),
                offset);
        partition.truncateTo(offset);
    }

    /** Resolves OFFSET_OUT_OF_RANGE for {@code sent}: see the class comment. */
    static void onOutOfRange(
            BrokerToBrokerClient connection,
            int localBrokerId,
            ReplicaFetcherThread.Sent sent,
            ReplicaFetcherThread fetcher)
            throws IOException {
        TopicPartition tp = sent.target().partition.topicPartition();
        int leaderEpoch = sent.target().leaderEpoch;
        long leaderStart = listOffset(connection, localBrokerId, tp, leaderEpoch, EARLIEST);
        long leaderEnd = listOffset(connection, localBrokerId, tp, leaderEpoch, LATEST);
        if (leaderStart < 0 || leaderEnd < 0) {
            fetcher.backOff(sent);
            return;
        }
        fetcher.ifCurrent(sent, partition -> {
            long logEndOffset = partition.logEndOffset();
            if (leaderEnd < logEndOffset) {
                logger.info("{}: the leader's log ends at {}; truncating from {}", tp, leaderEnd, logEndOffset);
                partition.truncateTo(leaderEnd);
            } else if (leaderStart > logEndOffset) {
                logger.info(
                        "{}: the leader's log starts at {}, past ours at {}; starting over there",
                        tp,
                        leaderStart,
                        logEndOffset);
                partition.truncateFullyAndStartAt(leaderStart);
            } else {
                fetcher.backOff(sent);
            }
        });
    }

    /** The leader's offset for {@code timestamp} (earliest or latest), or -1 when it answered an error. */
    private static long listOffset(
            BrokerToBrokerClient connection, int localBrokerId, TopicPartition tp, int leaderEpoch, long timestamp)
            throws IOException {
        short version = connection.version(ApiKeys.LIST_OFFSETS);
        if (version < 4) {
            throw new IOException("the leader serves ListOffsets up to v" + version + ", v4+ is needed");
        }
        ListOffsetsRequest request = new ListOffsetsRequest()
                .setReplicaId(localBrokerId)
                .setTopics(List.of(new ListOffsetsRequest.ListOffsetsTopic()
                        .setName(tp.topic())
                        .setPartitions(List.of(new ListOffsetsRequest.ListOffsetsPartition()
                                .setPartitionIndex(tp.partition())
                                .setCurrentLeaderEpoch(leaderEpoch)
                                .setTimestamp(timestamp)))));
        ListOffsetsResponse response = (ListOffsetsResponse) connection.send(ApiKeys.LIST_OFFSETS, version, request);
        for (ListOffsetsResponse.ListOffsetsTopicResponse topic : response.topics()) {
            for (ListOffsetsResponse.ListOffsetsPartitionResponse p : topic.partitions()) {
                if (p.errorCode() == Errors.NONE.code()) {
                    return p.offset();
                }
                logger.info("{}: ListOffsets answered {}", tp, Errors.forCode(p.errorCode()));
            }
        }
        return -1L;
    }
}

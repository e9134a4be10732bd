package io.fjord.broker.partition;

import io.fjord.broker.quota.ReplicationQuotaManager;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that copies partitions from one leader broker into the local follower logs: Fetch (replica
 * id = this broker) over one {@link BrokerToBrokerClient} connection, then for each partition either
 * appends the records and takes the leader's high watermark (bounded by the local log end), truncates to
 * where the leader says the local history diverged (the fetch carries the last fetched epoch and the
 * leader answers with a diverging epoch), or, on OFFSET_OUT_OF_RANGE, asks the leader's log range and
 * truncates into it ({@link FollowerTruncation}). A partition with an error waits {@code
 * replica.fetch.backoff.ms}; a lost connection is reopened after the same backoff. A partition on the
 * follower throttle list that is not in sync is left out of fetches while the follower quota is exceeded
 * (the bytes appended of throttled partitions count against it).
 *
 * <p>Thread-safe: the metadata thread adds and removes partitions; a response is applied under the same
 * lock, so once {@link #removePartitions} returns no fetch writes to those partitions any more.
 */
final class ReplicaFetcherThread implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(ReplicaFetcherThread.class);
    private static final short MIN_FETCH_VERSION = 12; // lastFetchedEpoch and divergingEpoch (KIP-595)
    private static final short FIRST_TOPIC_ID_VERSION = 13;
    private static final short FIRST_REPLICA_STATE_VERSION = 15;

    /** A partition this thread fetches, in one leader epoch. Mutable fields are guarded by the lock. */
    static final class Target {
        final Partition partition;
        final int leaderEpoch;
        long delayedUntilMs;
        /** The leader's high watermark minus the local log end at the last append; -1 before one. */
        long lagOffsets = -1;

        Target(Partition partition, int leaderEpoch) {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
        }
    }

    /** What one fetch asked: the target and its offset then. */
    record Sent(Target target, long fetchOffset) {}

    private final String name;
    private final int sourceBrokerId;
    private final int localBrokerId;
    private final ReplicaFetcherSettings settings;
    private final IntFunction<InetSocketAddress> endpoints;
    private final Time time;
    private final ReplicationQuotaManager followerQuota;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<TopicPartition, Target> targets = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile BrokerToBrokerClient client;

    ReplicaFetcherThread(
            int fetcherId,
            int sourceBrokerId,
            int localBrokerId,
            ReplicaFetcherSettings settings,
            IntFunction<InetSocketAddress> endpoints,
            Time time,
            ReplicationQuotaManager followerQuota) {
        this.followerQuota = followerQuota;
        this.name = "fjord-replica-fetcher-" + localBrokerId + "-from-" + sourceBrokerId + "-" + fetcherId;
        this.sourceBrokerId = sourceBrokerId;
        this.localBrokerId = localBrokerId;
        this.settings = settings;
        this.endpoints = endpoints;
        this.time = time;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void addPartition(Partition partition, int leaderEpoch) {
        lock.lock();
        try {
            targets.put(partition.topicPartition(), new Target(partition, leaderEpoch));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops fetching these partitions; waits for a response being applied to finish first. */
    void removePartitions(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            partitions.forEach(targets::remove);
        } finally {
            lock.unlock();
        }
    }

    int partitionCount() {
        lock.lock();
        try {
            return targets.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread: it finishes what it is applying (never interrupted mid-write), then exits. */
    void shutdown() {
        running = false;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        BrokerToBrokerClient current = client;
        if (current != null) {
            current.close(); // unblocks a read in progress
        }
        try {
            thread.join(settings.socketTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                runOnce();
            } catch (IOException e) {
                if (running) {
                    logger.info("{}: connection to broker {} failed: {}", name, sourceBrokerId, e.toString());
                }
                closeClient();
                backOffAll();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                logger.error("{}: unexpected error; backing off", name, e);
                closeClient();
                backOffAll();
            }
        }
        closeClient();
    }

    private void runOnce() throws IOException, InterruptedException {
        if (!awaitReadyTarget()) {
            return;
        }
        BrokerToBrokerClient connection = connected();
        short version = connection.version(ApiKeys.FETCH);
        if (version < MIN_FETCH_VERSION) {
            throw new IOException("broker " + sourceBrokerId + " serves Fetch up to v" + version + ", v"
                    + MIN_FETCH_VERSION + "+ is needed");
        }
        Map<TopicPartition, Sent> sent = new HashMap<>();
        FetchRequest request = buildFetch(version, sent);
        if (sent.isEmpty()) {
            awaitChange(settings.fetchBackoffMs()); // every ready partition is throttled: as Kafka, back off
            return;
        }
        FetchResponse response = (FetchResponse) connection.send(ApiKeys.FETCH, version, request);
        List<Sent> outOfRange = apply(response, version, sent);
        for (Sent s : outOfRange) {
            FollowerTruncation.onOutOfRange(connection, localBrokerId, s, this);
        }
    }

    /** Waits until some partition is not backing off; false when the wait ended without one. */
    private boolean awaitReadyTarget() throws InterruptedException {
        lock.lock();
        try {
            long nowMs = time.milliseconds();
            long waitMs = settings.fetchBackoffMs();
            for (Target t : targets.values()) {
                if (t.delayedUntilMs <= nowMs) {
                    return true;
                }
                waitMs = Math.min(waitMs, t.delayedUntilMs - nowMs);
            }
            if (running) {
                changed.await(Math.max(1, waitMs), TimeUnit.MILLISECONDS);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void awaitChange(long waitMs) throws InterruptedException {
        lock.lock();
        try {
            if (running) {
                changed.await(Math.max(1, waitMs), TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kafka's shouldFollowerThrottle: leave {@code tp} out of this fetch while the follower quota is
     * exceeded, if it is throttled and this replica is not in sync (it has not reached the leader's high
     * watermark), so that throttling never drops an in-sync replica out of the ISR. Caller holds the lock.
     */
    private boolean shouldFollowerThrottle(Target target, TopicPartition tp) {
        return target.lagOffsets != 0 && followerQuota.isThrottled(tp) && followerQuota.isQuotaExceeded();
    }

    private BrokerToBrokerClient connected() throws IOException {
        BrokerToBrokerClient current = client;
        if (current != null) {
            return current;
        }
        InetSocketAddress address = endpoints.apply(sourceBrokerId);
        if (address == null) {
            throw new IOException("broker " + sourceBrokerId + " has no registered endpoint");
        }
        current = BrokerToBrokerClient.connect(
                address,
                settings.socketTimeoutMs(),
                settings.socketTimeoutMs(),
                settings.maxResponseFrameBytes(),
                name,
                settings.security());
        client = current;
        if (!running) {
            closeClient();
            throw new IOException("fetcher stopped");
        }
        logger.info("{}: connected to broker {} at {}", name, sourceBrokerId, address);
        return current;
    }

    private FetchRequest buildFetch(short version, Map<TopicPartition, Sent> sent) {
        FetchRequest request = new FetchRequest()
                .setMaxWaitMs(settings.fetchWaitMaxMs())
                .setMinBytes(settings.fetchMinBytes())
                .setMaxBytes(settings.fetchResponseMaxBytes())
                .setIsolationLevel((byte) 0)
                .setSessionId(0)
                .setSessionEpoch(-1);
        if (version >= FIRST_REPLICA_STATE_VERSION) {
            request.setReplicaState(
                    new FetchRequest.ReplicaState().setReplicaId(localBrokerId).setReplicaEpoch(-1L));
        } else {
            request.setReplicaId(localBrokerId);
        }
        Map<String, FetchRequest.FetchTopic> byTopic = new LinkedHashMap<>();
        lock.lock();
        try {
            long nowMs = time.milliseconds();
            for (Map.Entry<TopicPartition, Target> e : targets.entrySet()) {
                Target t = e.getValue();
                TopicPartition tp = e.getKey();
                if (t.delayedUntilMs > nowMs || shouldFollowerThrottle(t, tp)) {
                    continue;
                }
                Partition partition = t.partition;
                long fetchOffset = partition.logEndOffset();
                FetchRequest.FetchTopic topic = byTopic.computeIfAbsent(tp.topic(), n -> {
                    FetchRequest.FetchTopic created = new FetchRequest.FetchTopic().setTopicId(partition.topicId());
                    if (version < FIRST_TOPIC_ID_VERSION) {
                        created.setTopic(n);
                    }
                    return created;
                });
                topic.partitions()
                        .add(new FetchRequest.FetchPartition()
                                .setPartition(tp.partition())
                                .setCurrentLeaderEpoch(t.leaderEpoch)
                                .setFetchOffset(fetchOffset)
                                .setLastFetchedEpoch(partition.log().latestEpoch())
                                .setLogStartOffset(partition.log().logStartOffset())
                                .setPartitionMaxBytes(settings.fetchMaxBytes()));
                sent.put(tp, new Sent(t, fetchOffset));
            }
        } finally {
            lock.unlock();
        }
        request.setTopics(new ArrayList<>(byTopic.values()));
        return request;
    }

    /** Applies a response; returns the partitions that answered OFFSET_OUT_OF_RANGE. */
    private List<Sent> apply(FetchResponse response, short version, Map<TopicPartition, Sent> sent) {
        List<Sent> outOfRange = new ArrayList<>();
        if (response.errorCode() != Errors.NONE.code()) {
            logger.info("{}: fetch failed with {}", name, Errors.forCode(response.errorCode()));
            backOff(sent.values());
            return outOfRange;
        }
        Map<Uuid, String> names = new HashMap<>();
        for (Sent s : sent.values()) {
            names.put(
                    s.target().partition.topicId(),
                    s.target().partition.topicPartition().topic());
        }
        lock.lock();
        try {
            for (FetchResponse.FetchableTopicResponse topic : response.responses()) {
                String topicName = version >= FIRST_TOPIC_ID_VERSION ? names.get(topic.topicId()) : topic.topic();
                for (FetchResponse.PartitionData data : topic.partitions()) {
                    Sent s = topicName == null ? null : sent.get(new TopicPartition(topicName, data.partitionIndex()));
                    if (s == null || !isCurrent(s)) {
                        continue; // removed, or re-added for a new leader epoch, while the fetch was out
                    }
                    Errors error = Errors.forCode(data.errorCode());
                    if (error == Errors.OFFSET_OUT_OF_RANGE) {
                        outOfRange.add(s);
                    } else if (error != Errors.NONE) {
                        logger.debug(
                                "{}: {} answered {}", name, s.target().partition.topicPartition(), error);
                        s.target().delayedUntilMs = time.milliseconds() + settings.fetchBackoffMs();
                    } else {
                        applyData(s.target(), data);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        return outOfRange;
    }

    /** Caller holds the lock. Whether {@code s} is still this thread's target at the offset fetched. */
    boolean isCurrent(Sent s) {
        Target now = targets.get(s.target().partition.topicPartition());
        return now == s.target() && s.target().partition.logEndOffset() == s.fetchOffset();
    }

    private void applyData(Target target, FetchResponse.PartitionData data) {
        Partition partition = target.partition;
        try {
            FetchResponse.EpochEndOffset diverging = data.divergingEpoch();
            if (diverging != null && (diverging.epoch() >= 0 || diverging.endOffset() >= 0)) {
                FollowerTruncation.onDivergingEpoch(partition, diverging.epoch(), diverging.endOffset());
                return;
            }
            if (data.records() instanceof MemoryRecords records && records.sizeInBytes() > 0) {
                partition.appendAsFollower(records);
                if (followerQuota.isThrottled(partition.topicPartition())) {
                    followerQuota.record(records.sizeInBytes());
                }
                target.lagOffsets = Math.max(0, data.highWatermark() - partition.logEndOffset());
            }
            partition.updateFollowerHighWatermark(data.highWatermark());
            partition.maybeAdvanceLogStartOffset(data.logStartOffset());
        } catch (ApiException e) {
            logger.warn("{}: cannot apply the fetch of {}: {}", name, partition.topicPartition(), e.getMessage());
            target.delayedUntilMs = time.milliseconds() + settings.fetchBackoffMs();
        }
    }

    /** Runs {@code action} under the lock if {@code s} is still current (used after a ListOffsets). */
    void ifCurrent(Sent s, java.util.function.Consumer<Partition> action) {
        lock.lock();
        try {
            if (isCurrent(s)) {
                action.accept(s.target().partition);
                s.target().delayedUntilMs = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Backs off one partition (after a failed out-of-range lookup). */
    void backOff(Sent s) {
        backOff(List.of(s));
    }

    private void backOff(Collection<Sent> sent) {
        lock.lock();
        try {
            long until = time.milliseconds() + settings.fetchBackoffMs();
            for (Sent s : sent) {
                s.target().delayedUntilMs = until;
            }
        } finally {
            lock.unlock();
        }
    }

    private void backOffAll() {
        lock.lock();
        try {
            long until = time.milliseconds() + settings.fetchBackoffMs();
            targets.values().forEach(t -> t.delayedUntilMs = until);
        } finally {
            lock.unlock();
        }
    }

    private void closeClient() {
        BrokerToBrokerClient current = client;
        client = null;
        if (current != null) {
            current.close();
        }
    }
}

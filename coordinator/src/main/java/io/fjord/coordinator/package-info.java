/**
 * Fjord's group coordinator: classic groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup with client-side
 * assignors), consumer groups of the KIP-848 protocol (ConsumerGroupHeartbeat with the server-side "uniform"
 * and "range" assignors) and the committed offsets both share.
 *
 * <p>What the broker does with it:
 *
 * <ul>
 *   <li>Implements {@link io.fjord.coordinator.CoordinatorLog} over {@code __consumer_offsets} (compacted; one
 *       batch per append, transactional for a TxnOffsetCommit; complete the future at the high watermark) and
 *       {@link io.fjord.coordinator.TopicMetadataView} over its metadata image.
 *   <li>Calls {@link io.fjord.coordinator.GroupCoordinator#scheduleLoad} on the metadata thread when it
 *       becomes leader of a {@code __consumer_offsets} partition, runs the returned load with the partition's
 *       entries ({@link io.fjord.coordinator.CoordinatorLogEntry}: records and transaction markers) off the
 *       network and metadata threads, and calls {@link io.fjord.coordinator.GroupCoordinator#unloadPartition}
 *       when it stops being leader.
 *   <li>Calls {@link io.fjord.coordinator.GroupCoordinator#completeTransaction} once a producer's
 *       end-transaction marker is written to a {@code __consumer_offsets} partition.
 *   <li>Answers FindCoordinator with the leader of partition
 *       {@link io.fjord.coordinator.GroupCoordinator#partitionFor(String)}.
 *   <li>Routes each group API to the matching method and sends the future's response; the futures never fail.
 * </ul>
 *
 * <p>State is sharded per {@code __consumer_offsets} partition with a lock per shard; records are documented
 * in {@link io.fjord.coordinator.record.GroupRecords}.
 */
package io.fjord.coordinator;

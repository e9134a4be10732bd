/**
 * Cluster metadata: records, images, the metadata log and the controller.
 *
 * <p>Every cluster change is a {@link io.fjord.metadata.MetadataRecord}. The {@link
 * io.fjord.metadata.Controller} validates a request against its latest {@link
 * io.fjord.metadata.MetadataImage} and appends the resulting records to the {@link
 * io.fjord.metadata.MetadataLog} as one atomic batch. Committed batches reach every {@link
 * io.fjord.metadata.MetadataListener} in offset order, first by replay at startup, then live; the
 * {@link io.fjord.metadata.MetadataLoader} turns them into {@link io.fjord.metadata.MetadataDelta}s and
 * image swaps and hands both to the broker's {@link io.fjord.metadata.MetadataPublisher}s. There is one
 * replay path ({@code MetadataDelta.replay}) for recovery and for live updates.
 *
 * <p>Threads: the log owns one writer thread (appends, fsync, listener calls); the controller owns one
 * event thread; readers take the loader's current image without locks. {@link
 * io.fjord.metadata.MetadataNode} wires the three for one node. A Raft (Apache Ratis) log replaces
 * {@link io.fjord.metadata.LocalMetadataLog} behind the same interface.
 */
package io.fjord.metadata;

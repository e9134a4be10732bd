/**
 * The cluster metadata log on an Apache Ratis quorum: the implementation of fjord-metadata's {@link
 * io.fjord.metadata.MetadataLog} interface for more than one node (STYLE.md: interfaces in one module,
 * implementation in another).
 *
 * <p>{@link io.fjord.raft.RaftMetadataNode} wires one node: a {@link io.fjord.raft.RaftMetadataLog} (a
 * Ratis server and client over Netty, a state machine that applies committed entries to the node's
 * {@link io.fjord.metadata.MetadataImage} and snapshots it), the {@link io.fjord.metadata.MetadataLoader}
 * and a {@link io.fjord.raft.RaftController}. Controller requests are Raft entries decided by every node
 * the same way (see {@link io.fjord.raft.RaftController}); broker heartbeats are read-only queries to the
 * leader, which fences brokers whose sessions expire.
 */
package io.fjord.raft;

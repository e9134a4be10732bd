/** The metadata log on an Apache Ratis quorum. */
package io.fjord.raft;

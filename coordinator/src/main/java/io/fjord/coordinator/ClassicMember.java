package io.fjord.coordinator;

import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.SyncGroupResponse;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A member of a {@link ClassicGroup}: its identity, timeouts, the protocols it offered in its last JoinGroup
 * and the assignment the leader gave it; plus the JoinGroup or SyncGroup response it is waiting for, if any.
 * Guarded by the shard's lock.
 */
final class ClassicMember {

    /** One protocol a member supports: a name ("range", "cooperative-sticky") and its opaque metadata. */
    record Protocol(String name, byte[] metadata) {

        boolean sameAs(Protocol other) {
            return name.equals(other.name) && Arrays.equals(metadata, other.metadata);
        }
    }

    static final byte[] EMPTY = new byte[0];

    String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<Protocol> protocols;
    byte[] assignment = EMPTY;

    /** The JoinGroup response this member waits for (in PreparingRebalance), or null. */
    CompletableFuture<JoinGroupResponse> awaitingJoin;

    short joinVersion;

    /** The SyncGroup response this member waits for (in CompletingRebalance), or null. */
    CompletableFuture<SyncGroupResponse> awaitingSync;

    short syncVersion;

    ClassicMember(
            String memberId,
            String groupInstanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = protocols;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    /** The metadata this member offered for {@code protocolName}, or null if it does not support it. */
    byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return null;
    }

    boolean supports(String protocolName) {
        return metadata(protocolName) != null;
    }

    boolean sameProtocols(List<Protocol> others) {
        if (others.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < others.size(); i++) {
            if (!protocols.get(i).sameAs(others.get(i))) {
                return false;
            }
        }
        return true;
    }
}

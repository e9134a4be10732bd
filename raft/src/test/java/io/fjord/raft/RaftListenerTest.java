package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.ConfigRecord;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.NoOpRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A broker-only node: a non-voting Ratis listener of a three-voter quorum. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RaftListenerTest {

    private static final int LISTENER = 4;

    @TempDir
    Path dir;

    @Test
    void aListenerAppliesTheSameRecordsAsTheVotersAndForwardsItsRequestsButNeverLeads() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            RaftMetadataNode listener = quorum.startListener(LISTENER);
            listener.ready().get(30, TimeUnit.SECONDS);
            assertThat(listener.log().config().isVoter()).isFalse();

            RaftController controller = listener.controller();
            controller
                    .registerBroker(LISTENER, new Uuid(4, 4), List.of(endpoint(9004)), null)
                    .get(30, TimeUnit.SECONDS);
            List<CreateTopicResult> created = controller
                    .createTopics(List.of(CreatableTopic.of("orders", 3, 1)), false)
                    .get(30, TimeUnit.SECONDS);
            assertThat(created).singleElement().satisfies(r -> assertThat(r.error())
                    .isEqualTo(Errors.NONE));
            assertThat(listener.loader().image().topics().topic("orders"))
                    .as("the listener has applied its own request when it completes")
                    .isNotNull();
            for (int i = 0; i < 5; i++) {
                quorum.node(1 + i % 3)
                        .log()
                        .append(List.of(new ConfigRecord(ConfigResourceType.BROKER, "", "key" + i, "v")))
                        .get(30, TimeUnit.SECONDS);
            }

            MetadataImage image = quorum.awaitSameImage(15_000);
            assertThat(image.topics().topic("orders").numPartitions()).isEqualTo(3);
            assertThat(image.cluster().broker(LISTENER)).isNotNull();
            assertThat(quorum.listener(LISTENER).records())
                    .isEqualTo(quorum.listener(leader).records());
            assertThat(listener.isActiveController()).isFalse();
            assertThat(listener.log().leaderId()).hasValue(leader);
        }
    }

    @Test
    void twoListenersJoiningOneAfterTheOtherBothKeepReceivingTheLog() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            quorum.awaitLeader(15_000);
            quorum.startListener(LISTENER).ready().get(30, TimeUnit.SECONDS);
            quorum.startListener(LISTENER + 1).ready().get(30, TimeUnit.SECONDS);
            for (int id : List.of(LISTENER, LISTENER + 1)) {
                quorum.node(id).log().append(List.of(new NoOpRecord())).get(30, TimeUnit.SECONDS);
            }
            assertThat(quorum.awaitSameImage(15_000).offset()).isEqualTo(1);
        }
    }

    @Test
    void aRestartedListenerFarBehindCatchesUpFromASnapshotAcrossALeaderChange() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 20).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            quorum.startListener(LISTENER).ready().get(30, TimeUnit.SECONDS);
            quorum.node(leader).log().append(List.of(new NoOpRecord())).get(30, TimeUnit.SECONDS);
            quorum.awaitSameImage(15_000);
            long stoppedAtIndex = quorum.node(LISTENER).log().appliedRaftIndex();
            quorum.stop(LISTENER);

            // Enough entries for several snapshots, so the listener's missing entries are purged.
            String padding = "x".repeat(512);
            for (int i = 0; i < 80; i++) {
                quorum.node(1 + i % 3)
                        .log()
                        .append(List.of(new ConfigRecord(ConfigResourceType.BROKER, "", "key" + i % 30, i + padding)))
                        .get(30, TimeUnit.SECONDS);
            }
            int current = quorum.awaitLeader(15_000);
            QuorumTestContext.await(
                    15_000,
                    "the leader's log purged past the listener's last entry",
                    () -> quorum.node(current).log().raftLogStartIndex() > stoppedAtIndex + 1);
            quorum.stop(current);
            int newLeader = quorum.awaitLeader(15_000);
            assertThat(newLeader).isNotEqualTo(current);

            RaftMetadataNode listener = quorum.startListener(LISTENER);
            listener.ready().get(30, TimeUnit.SECONDS);
            MetadataImage image = quorum.awaitSameImage(20_000);
            assertThat(listener.loader().image()).isEqualTo(image);
            assertThat(listener.log().appliedRaftIndex()).isGreaterThan(stoppedAtIndex);

            listener.log().append(List.of(new NoOpRecord())).get(30, TimeUnit.SECONDS);
            assertThat(quorum.awaitSameImage(15_000).offset()).isEqualTo(image.offset() + 1);
        }
    }

    private static Endpoint endpoint(int port) {
        return new Endpoint("PLAINTEXT", "127.0.0.1", port, "PLAINTEXT");
    }
}

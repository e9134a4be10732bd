package io.fjord.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.TopicPartition;
import io.fjord.common.config.ReplicationQuotaConfigs;
import io.fjord.testkit.MockTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicationQuotaManagerTest {

    private final MockTime time = new MockTime();
    private final ReplicationQuotaManager quota = new ReplicationQuotaManager("leader", time, 11, 1000);

    @Test
    void withoutARateNothingIsEverExceeded() {
        quota.record(Long.MAX_VALUE / 2);
        quota.record(Long.MAX_VALUE / 2);

        assertThat(quota.quotaBytesPerSecond()).isEqualTo(ReplicationQuotaConfigs.UNLIMITED_BYTES_PER_SECOND);
        assertThat(quota.isQuotaExceeded()).isFalse();
    }

    @Test
    void aFirstBurstIsMeasuredOverOneWholeWindow() {
        quota.updateQuota(1000);

        quota.record(1000);
        assertThat(quota.measuredBytesPerSecond()).isEqualTo(1000.0);
        assertThat(quota.isQuotaExceeded()).as("exactly at the bound").isFalse();

        quota.record(1);
        assertThat(quota.isQuotaExceeded()).isTrue();
    }

    @Test
    void anExceededQuotaRecoversAsTimePasses() {
        quota.updateQuota(1000);
        quota.record(5000);
        assertThat(quota.isQuotaExceeded()).isTrue();

        time.advanceMs(4000);
        assertThat(quota.measuredBytesPerSecond()).isEqualTo(1250.0);
        assertThat(quota.isQuotaExceeded()).isTrue();

        time.advanceMs(1000);
        assertThat(quota.measuredBytesPerSecond()).isEqualTo(1000.0);
        assertThat(quota.isQuotaExceeded()).isFalse();
    }

    @Test
    void aSteadyFlowAtTheBoundStaysWithinItWhenCheckedBeforeEachRecord() {
        quota.updateQuota(1000);
        for (int second = 0; second < 40; second++) {
            assertThat(quota.isQuotaExceeded()).as("second %d", second).isFalse();
            quota.record(1000);
            time.advanceMs(1000);
        }
    }

    @Test
    void samplesOlderThanAllWindowsNoLongerCount() {
        quota.updateQuota(1000);
        quota.record(1_000_000);
        time.advanceMs(10_999);
        assertThat(quota.isQuotaExceeded()).isTrue();

        time.advanceMs(1);
        assertThat(quota.measuredBytesPerSecond()).isZero();
        quota.record(500);
        assertThat(quota.isQuotaExceeded()).isFalse();
    }

    @Test
    void aLongRunKeepsOnlyItsSamples() {
        quota.updateQuota(1000);
        for (int i = 0; i < 100_000; i++) {
            quota.record(10);
            time.advanceMs(7);
        }
        // 10 bytes every 7 ms: about 1429 B/s, whatever the history before the last 11 windows
        assertThat(quota.measuredBytesPerSecond()).isBetween(1350.0, 1500.0);
        assertThat(quota.isQuotaExceeded()).isTrue();
    }

    @Test
    void throttlesTheListedPartitionsOrAllOfATopic() {
        quota.markThrottled("a", Set.of(0, 2));
        quota.markAllThrottled("b");

        assertThat(quota.isThrottled(new TopicPartition("a", 0))).isTrue();
        assertThat(quota.isThrottled(new TopicPartition("a", 1))).isFalse();
        assertThat(quota.isThrottled(new TopicPartition("b", 7))).isTrue();
        assertThat(quota.isThrottled(new TopicPartition("c", 0))).isFalse();

        quota.removeThrottle("b");
        quota.markThrottled("a", Set.of());
        assertThat(quota.isThrottled(new TopicPartition("b", 7))).isFalse();
        assertThat(quota.isThrottled(new TopicPartition("a", 0))).isFalse();
    }

    @Test
    void eachBrokerTakesTheEntriesThatNameIt() {
        ReplicationThrottles broker1 = new ReplicationThrottles(1, time, 11, 1000);
        broker1.onTopicConfigs(
                "t",
                Map.of(
                        "leader.replication.throttled.replicas", List.of("0:1", "1:2", "2:1"),
                        "follower.replication.throttled.replicas", List.of("*")));

        assertThat(broker1.leader().isThrottled(new TopicPartition("t", 0))).isTrue();
        assertThat(broker1.leader().isThrottled(new TopicPartition("t", 1)))
                .as("1:2 names broker 2")
                .isFalse();
        assertThat(broker1.leader().isThrottled(new TopicPartition("t", 2))).isTrue();
        assertThat(broker1.follower().isThrottled(new TopicPartition("t", 9))).isTrue();

        broker1.onTopicConfigs(
                "t",
                Map.of(
                        "leader.replication.throttled.replicas", List.of(),
                        "follower.replication.throttled.replicas", List.of()));
        assertThat(broker1.leader().isThrottled(new TopicPartition("t", 0))).isFalse();
        assertThat(broker1.follower().isThrottled(new TopicPartition("t", 9))).isFalse();
    }

    @Test
    void aBrokersOwnRateComesBeforeTheClusterDefault() {
        ReplicationThrottles throttles = new ReplicationThrottles(1, time, 11, 1000);
        throttles.onBrokerConfigs(
                Map.of("leader.replication.throttled.rate", "100"),
                Map.of("leader.replication.throttled.rate", "5", "follower.replication.throttled.rate", "7"));

        assertThat(throttles.leader().quotaBytesPerSecond()).isEqualTo(100);
        assertThat(throttles.follower().quotaBytesPerSecond()).isEqualTo(7);

        throttles.onBrokerConfigs(Map.of(), Map.of());
        assertThat(throttles.leader().quotaBytesPerSecond())
                .isEqualTo(ReplicationQuotaConfigs.UNLIMITED_BYTES_PER_SECOND);
    }
}

package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.DescribeLogDirsRequest;
import io.fjord.protocol.message.DescribeLogDirsResponse;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.storage.UnifiedLog;
import io.fjord.testkit.MockTime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DescribeLogDirs over a log manager with two directories and partitions of two topics. */
class DescribeLogDirsHandlerTest {

    @TempDir
    Path tmp;

    final LogConfig config = LogConfig.builder().build();
    LogManager logs;
    DescribeLogDirsHandler handler;

    @BeforeEach
    void setUp() {
        logs = new LogManager(List.of(tmp.resolve("a"), tmp.resolve("b")), new MockTime(), config);
        logs.startup();
        Uuid t = Uuid.random(new Random(1));
        Uuid u = Uuid.random(new Random(2));
        UnifiedLog written = logs.getOrCreateLog(new TopicPartition("t", 0), t, config);
        written.appendAsLeader(LeaderTestContext.batch(10).buffer(), 0);
        logs.getOrCreateLog(new TopicPartition("t", 1), t, config);
        logs.getOrCreateLog(new TopicPartition("u", 0), u, config);
        handler = new DescribeLogDirsHandler(logs, io.fjord.broker.security.Authorizer.allowAll());
    }

    @AfterEach
    void tearDown() {
        logs.shutdown();
    }

    private DescribeLogDirsResponse describe(List<DescribeLogDirsRequest.DescribableLogDirTopic> topics)
            throws Exception {
        DescribeLogDirsRequest request = new DescribeLogDirsRequest().setTopics(topics);
        return (DescribeLogDirsResponse)
                handler.handle(new RequestContext(ApiKeys.DESCRIBE_LOG_DIRS, (short) 4, 1, "test", 1L, null), request)
                        .get(10, TimeUnit.SECONDS);
    }

    /** Directory -> "topic-partition" -> size, of every directory answered. */
    private static Map<String, Map<String, Long>> sizes(DescribeLogDirsResponse response) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (DescribeLogDirsResponse.DescribeLogDirsResult dir : response.results()) {
            assertThat(dir.errorCode()).isZero();
            Map<String, Long> partitions = new TreeMap<>();
            for (DescribeLogDirsResponse.DescribeLogDirsTopic topic : dir.topics()) {
                for (DescribeLogDirsResponse.DescribeLogDirsPartition p : topic.partitions()) {
                    partitions.put(topic.name() + "-" + p.partitionIndex(), p.partitionSize());
                }
            }
            out.put(dir.logDir(), partitions);
        }
        return out;
    }

    @Test
    void noTopicsNamedDescribesEveryPartitionInItsDirectoryWithItsBytes() throws Exception {
        DescribeLogDirsResponse response = describe(null);

        Map<String, Map<String, Long>> sizes = sizes(response);
        assertThat(sizes.keySet())
                .containsExactly(
                        tmp.resolve("a").toAbsolutePath().toString(),
                        tmp.resolve("b").toAbsolutePath().toString());
        Map<String, Long> all = new TreeMap<>();
        sizes.values().forEach(all::putAll);
        assertThat(all.keySet()).containsExactly("t-0", "t-1", "u-0");
        assertThat(all.get("t-0"))
                .isEqualTo(logs.log(new TopicPartition("t", 0)).orElseThrow().size())
                .isPositive();
        assertThat(all.get("t-1")).isZero();
        assertThat(response.results()).allSatisfy(dir -> {
            assertThat(dir.totalBytes()).isPositive();
            assertThat(dir.usableBytes()).isBetween(0L, dir.totalBytes());
        });
    }

    @Test
    void namedPartitionsAreAnsweredOnlyWhereThisBrokerHoldsThemAndEveryDirectoryIsListed() throws Exception {
        List<DescribeLogDirsRequest.DescribableLogDirTopic> topics = new ArrayList<>();
        topics.add(new DescribeLogDirsRequest.DescribableLogDirTopic()
                .setTopic("t")
                .setPartitions(new ArrayList<>(List.of(1, 5))));
        topics.add(new DescribeLogDirsRequest.DescribableLogDirTopic()
                .setTopic("missing")
                .setPartitions(new ArrayList<>(List.of(0))));

        Map<String, Map<String, Long>> sizes = sizes(describe(topics));

        assertThat(sizes).hasSize(2);
        Map<String, Long> all = new TreeMap<>();
        sizes.values().forEach(all::putAll);
        assertThat(all).containsOnlyKeys("t-1");
    }

    private DescribeLogDirsResponse describeAs(MetadataView view, String principal, int version) throws Exception {
        return (DescribeLogDirsResponse) new DescribeLogDirsHandler(logs, view.authorizer())
                .handle(
                        AuthorizationTestContext.as(principal, ApiKeys.DESCRIBE_LOG_DIRS, version),
                        new DescribeLogDirsRequest().setTopics(null))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void describingLogDirsNeedsDescribeOnTheClusterAndADenialListsNoDirectory() throws Exception {
        AuthorizationTestContext ctx = new AuthorizationTestContext();
        DescribeLogDirsResponse denied = describeAs(ctx.secured, AuthorizationTestContext.BOB, 4);
        assertThat(denied.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(denied.results()).isEmpty();
        DescribeLogDirsResponse deniedV2 = describeAs(ctx.secured, AuthorizationTestContext.BOB, 2);
        assertThat(deniedV2.errorCode()).isEqualTo(Errors.NONE.code()); // no place for it before v3
        assertThat(deniedV2.results()).isEmpty();
        ctx.allowOnCluster(AuthorizationTestContext.ALICE, io.fjord.metadata.AclOperation.DESCRIBE);
        assertThat(describeAs(ctx.secured, AuthorizationTestContext.ALICE, 4).results())
                .hasSize(2);
        assertThat(describeAs(ctx.secured, AuthorizationTestContext.ADMIN, 4).results())
                .hasSize(2);
        assertThat(describeAs(ctx.open, AuthorizationTestContext.BOB, 4).results())
                .hasSize(2);
    }
}

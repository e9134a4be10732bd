package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's fetch.max.bytes caps a fetch's max_bytes and min_bytes, as Kafka's handleFetchRequest does. */
class FetchMaxBytesTest {

    private static final int PARTITIONS = 4;
    /** Each partition holds one batch of 100 small records, about 1.6 KB. */
    private static final int RECORDS = 100;

    private static final int BROKER_FETCH_MAX_BYTES = 2048;

    @TempDir
    Path dir;

    private LeaderTestContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        int[] leaderOnly = {LeaderTestContext.LEADER};
        for (int p = 0; p < PARTITIONS; p++) {
            ctx.lead(p, leaderOnly, leaderOnly, 0);
            ctx.append(p, RECORDS);
        }
        int batchBytes = LeaderTestContext.batch(RECORDS).sizeInBytes();
        assertThat(batchBytes).isBetween(BROKER_FETCH_MAX_BYTES / 2 + 1, BROKER_FETCH_MAX_BYTES);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private CompletableFuture<?> fetch(int fetchMaxBytes, int minBytes, int maxWaitMs) {
        FetchHandler handler = new FetchHandler(
                ctx.replicas,
                LeaderTestContext.TOPIC_T,
                false,
                new FetchSessionCache(10, 120_000, ctx.time, new Random(7)),
                ctx.time,
                Authorizer.allowAll(),
                fetchMaxBytes);
        FetchRequest.FetchTopic topic = LeaderTestContext.fromOffsetZero(
                new FetchRequest.FetchTopic().setTopicId(LeaderTestContext.TOPIC_ID), PARTITIONS);
        FetchRequest request = new FetchRequest()
                .setReplicaId(-1)
                .setMaxWaitMs(maxWaitMs)
                .setMinBytes(minBytes)
                .setMaxBytes(1 << 20)
                .setSessionEpoch(-1)
                .setTopics(new ArrayList<>(List.of(topic)));
        return handler.handle(new RequestContext(ApiKeys.FETCH, (short) 13, 1, "test", 1L, null), request);
    }

    private static int partitionsWithRecords(FetchResponse response) {
        int carrying = 0;
        for (FetchResponse.FetchableTopicResponse topic : response.responses()) {
            for (FetchResponse.PartitionData data : topic.partitions()) {
                carrying += data.records().sizeInBytes() > 0 ? 1 : 0;
            }
        }
        return carrying;
    }

    @Test
    void aResponseCarriesNoMoreThanTheBrokersFetchMaxBytesWhateverTheRequestAsks() throws Exception {
        FetchResponse capped =
                (FetchResponse) fetch(BROKER_FETCH_MAX_BYTES, 1, 0).get(10, TimeUnit.SECONDS);
        assertThat(partitionsWithRecords(capped)).isEqualTo(1);

        FetchResponse uncapped = (FetchResponse)
                fetch(FetchHandler.DEFAULT_FETCH_MAX_BYTES, 1, 0).get(10, TimeUnit.SECONDS);
        assertThat(partitionsWithRecords(uncapped)).isEqualTo(PARTITIONS);
    }

    @Test
    void minBytesAboveTheBrokersFetchMaxBytesWaitsOnlyForThatMuch() throws Exception {
        // 1 MiB asked for, 2 KiB allowed: the ~6 KB there answer at once instead of after the whole wait
        CompletableFuture<?> capped = fetch(BROKER_FETCH_MAX_BYTES, 1 << 20, 60_000);
        assertThat(capped).isDone();
        assertThat(partitionsWithRecords((FetchResponse) capped.get())).isEqualTo(1);

        CompletableFuture<?> uncapped = fetch(FetchHandler.DEFAULT_FETCH_MAX_BYTES, 1 << 20, 60_000);
        assertThat(uncapped).isNotDone();
        uncapped.cancel(true);
    }
}

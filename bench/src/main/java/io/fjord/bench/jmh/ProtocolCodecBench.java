package io.fjord.bench.jmh;

import io.fjord.common.Uuid;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ByteBufferWritable;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.ProduceRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request decoding and response encoding with the generated messages (io.fjord.protocol.message) over
 * ByteBufferReadable / ByteBufferWritable, at each message's highest version: a Produce request carrying one 16 KiB
 * batch per partition (records stay a zero-copy slice of the request), and a Fetch response of the same shape
 * (ByteBufferWritable copies the records; the broker's Netty writer sends FileRecords with sendfile instead).
 *
 * <p>JMH state is per thread; run with {@code bench/jmh ProtocolCodecBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtocolCodecBench {

    private static final Uuid TOPIC_ID = new Uuid(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    @Param({"1", "8"})
    public int partitions;

    private short produceVersion;
    private short fetchVersion;
    private ByteBuffer produceBytes;
    private FetchResponse fetchResponse;
    private ByteBuffer fetchOut;

    @Setup
    public void setUp() {
        MemoryRecords records = MemoryRecords.of(BatchFixtures.batch("none", 16, 1024, 42));
        ProduceRequest request = produceRequest(records);
        produceVersion = request.highestSupportedVersion();
        produceBytes = ByteBuffer.allocate(request.size(produceVersion));
        request.write(new ByteBufferWritable(produceBytes), produceVersion);
        produceBytes.flip();

        fetchResponse = fetchResponse(records);
        fetchVersion = fetchResponse.highestSupportedVersion();
        fetchOut = ByteBuffer.allocate(fetchResponse.size(fetchVersion));
    }

    /** Decodes a whole Produce request (header fields, topics, partitions, record slices). */
    @Benchmark
    public ProduceRequest decodeProduceRequest() {
        return new ProduceRequest(new ByteBufferReadable(produceBytes.duplicate()), produceVersion);
    }

    /** Sizes and writes a Fetch response into a reused heap buffer. */
    @Benchmark
    public int encodeFetchResponse() {
        fetchOut.clear();
        int size = fetchResponse.size(fetchVersion);
        fetchResponse.write(new ByteBufferWritable(fetchOut), fetchVersion);
        return size + fetchOut.position();
    }

    private ProduceRequest produceRequest(MemoryRecords records) {
        List<ProduceRequest.PartitionProduceData> data = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            data.add(new ProduceRequest.PartitionProduceData().setIndex(p).setRecords(records));
        }
        List<ProduceRequest.TopicProduceData> topics = new ArrayList<>();
        topics.add(new ProduceRequest.TopicProduceData()
                .setName("bench")
                .setTopicId(TOPIC_ID)
                .setPartitionData(data));
        return new ProduceRequest().setAcks((short) 1).setTimeoutMs(30_000).setTopicData(topics);
    }

    private FetchResponse fetchResponse(MemoryRecords records) {
        List<FetchResponse.PartitionData> data = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            data.add(new FetchResponse.PartitionData()
                    .setPartitionIndex(p)
                    .setHighWatermark(1_000_000L)
                    .setLastStableOffset(1_000_000L)
                    .setLogStartOffset(0L)
                    .setRecords(records));
        }
        List<FetchResponse.FetchableTopicResponse> topics = new ArrayList<>();
        topics.add(new FetchResponse.FetchableTopicResponse()
                .setTopic("bench")
                .setTopicId(TOPIC_ID)
                .setPartitions(data));
        return new FetchResponse().setSessionId(1).setResponses(topics);
    }
}

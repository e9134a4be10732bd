package io.fjord.bench.client;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A stand-in broker on loopback that answers ApiVersions, Metadata and Produce as a single broker (node 0) does,
 * just enough for a {@code KafkaProducer} with acks=1 to get records acknowledged. The start-up probe produces to it
 * before the timed start, so the client's own first-time work (loading and interpreting its response parsing,
 * metadata handling and produce path, about 100 ms) is not counted as the broker's start-up, for either system.
 * Its answers are built from the client's own message classes; every topic asked for exists with one partition.
 *
 * <p>One daemon thread accepts; each connection gets its own daemon thread (a producer opens two). Closing stops
 * accepting and closes the open connections. At most {@link #MAX_FRAME_BYTES} per request.
 */
final class WarmUpBroker implements AutoCloseable {

    static final int NODE_ID = 0;
    static final int MAX_FRAME_BYTES = 1 << 20;

    private final ServerSocket server;
    private final List<Socket> connections = new ArrayList<>();
    private final Map<String, Uuid> topicIds = new ConcurrentHashMap<>();
    private final AtomicLong nextOffset = new AtomicLong();

    WarmUpBroker() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "warm-up-broker");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** host:port to bootstrap from. */
    String bootstrap() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                synchronized (connections) {
                    connections.add(socket);
                }
                Thread serve = new Thread(() -> serve(socket), "warm-up-connection");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                DataOutputStream out = new DataOutputStream(socket.getOutputStream())) {
            while (true) {
                int size = in.readInt();
                if (size < 0 || size > MAX_FRAME_BYTES) {
                    return;
                }
                byte[] frame = new byte[size];
                in.readFully(frame);
                ByteBuffer request = ByteBuffer.wrap(frame);
                RequestHeader header = RequestHeader.parse(request);
                ApiMessage response = answer(header, request);
                if (response == null) {
                    return; // an API a producer with acks=1 does not use: hang up, as on a broken connection
                }
                write(out, header, response);
            }
        } catch (EOFException e) {
            // the client closed the connection
        } catch (IOException | RuntimeException e) {
            if (!server.isClosed()) {
                System.err.println("warm-up broker: " + e);
            }
        }
    }

    /** The answer to one request, or null for an API this stand-in does not serve. */
    private ApiMessage answer(RequestHeader header, ByteBuffer body) {
        short version = header.apiVersion();
        return switch (header.apiKey()) {
            case API_VERSIONS -> apiVersions();
            case METADATA -> metadata(new MetadataRequestData(new ByteBufferAccessor(body), version));
            case PRODUCE -> produce(new ProduceRequestData(new ByteBufferAccessor(body), version));
            default -> null;
        };
    }

    private static ApiVersionsResponseData apiVersions() {
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        for (ApiKeys key : ApiKeys.clientApis()) {
            data.apiKeys()
                    .add(new ApiVersionsResponseData.ApiVersion()
                            .setApiKey(key.id)
                            .setMinVersion(key.oldestVersion())
                            .setMaxVersion(key.latestVersion()));
        }
        return data;
    }

    private MetadataResponseData metadata(MetadataRequestData request) {
        MetadataResponseData data =
                new MetadataResponseData().setClusterId("warm-up").setControllerId(NODE_ID);
        data.brokers()
                .add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(NODE_ID)
                        .setHost(server.getInetAddress().getHostAddress())
                        .setPort(server.getLocalPort()));
        if (request.topics() != null) {
            for (MetadataRequestData.MetadataRequestTopic topic : request.topics()) {
                String name = topic.name();
                data.topics()
                        .add(new MetadataResponseData.MetadataResponseTopic()
                                .setName(name)
                                .setTopicId(topicIds.computeIfAbsent(name, n -> Uuid.randomUuid()))
                                .setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition()
                                        .setPartitionIndex(0)
                                        .setLeaderId(NODE_ID)
                                        .setLeaderEpoch(0)
                                        .setReplicaNodes(List.of(NODE_ID))
                                        .setIsrNodes(List.of(NODE_ID)))));
            }
        }
        return data;
    }

    private ProduceResponseData produce(ProduceRequestData request) {
        ProduceResponseData data = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topic : request.topicData()) {
            List<ProduceResponseData.PartitionProduceResponse> partitions = new ArrayList<>();
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                partitions.add(new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(partition.index())
                        .setBaseOffset(nextOffset.getAndIncrement())
                        .setLogAppendTimeMs(-1)
                        .setLogStartOffset(0));
            }
            data.responses()
                    .add(new ProduceResponseData.TopicProduceResponse()
                            .setName(topic.name())
                            .setTopicId(topic.topicId())
                            .setPartitionResponses(partitions));
        }
        return data;
    }

    private static void write(DataOutputStream out, RequestHeader header, ApiMessage response) throws IOException {
        short version = header.apiVersion();
        ByteBuffer head = MessageUtil.toByteBufferAccessor(
                        new ResponseHeaderData().setCorrelationId(header.correlationId()),
                        header.apiKey().responseHeaderVersion(version))
                .buffer();
        ByteBuffer body = MessageUtil.toByteBufferAccessor(response, version).buffer();
        out.writeInt(head.remaining() + body.remaining());
        out.write(head.array(), head.arrayOffset() + head.position(), head.remaining());
        out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
            synchronized (connections) {
                for (Socket socket : connections) {
                    socket.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

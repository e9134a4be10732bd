package io.fjord.it;

import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ByteBufferWritable;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A blocking Kafka protocol client for tests: sends any request at any version (or raw bytes) over one
 * socket and reads the answer. Lets tests say exactly what a hostile or unusual client sends, which the
 * official client never would. Not thread-safe.
 */
public final class RawKafkaClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextCorrelationId = 1;

    /** The read timeout of {@link #RawKafkaClient(InetSocketAddress)}. */
    public static final int DEFAULT_READ_TIMEOUT_MS = 15_000;

    public RawKafkaClient(InetSocketAddress address) throws IOException {
        this(address, DEFAULT_READ_TIMEOUT_MS);
    }

    /** Connects (waiting up to 5 s); a read then waits up to {@code readTimeoutMs} for the broker's bytes. */
    public RawKafkaClient(InetSocketAddress address, int readTimeoutMs) throws IOException {
        this.socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(readTimeoutMs);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends {@code request} at {@code version} and returns the parsed response of the same version. */
    public ApiMessage send(ApiKeys key, short version, ApiMessage request) throws IOException {
        int correlationId = nextCorrelationId++;
        sendOnly(key, version, request, correlationId);
        ByteBuffer response = readFrame();
        ByteBufferReadable readable = new ByteBufferReadable(response);
        ResponseHeader header = new ResponseHeader(readable, key.responseHeaderVersion(version));
        if (header.correlationId() != correlationId) {
            throw new IOException("correlation id " + header.correlationId() + ", expected " + correlationId);
        }
        ApiMessage body = key.newResponse();
        body.read(readable, version);
        return body;
    }

    /** InitProducerId v4 as an idempotent (non-transactional) producer sends it; the answer as it came. */
    public InitProducerIdResponse initProducerId() throws IOException {
        return (InitProducerIdResponse) send(
                ApiKeys.INIT_PRODUCER_ID,
                (short) 4,
                new InitProducerIdRequest()
                        .setTransactionalId(null)
                        .setTransactionTimeoutMs(60_000)
                        .setProducerId(-1L)
                        .setProducerEpoch((short) -1));
    }

    /** Sends without reading an answer (acks=0 produce, pipelining tests). */
    public void sendOnly(ApiKeys key, short version, ApiMessage request, int correlationId) throws IOException {
        RequestHeader header = new RequestHeader()
                .setRequestApiKey(key.id())
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId("raw-test-client");
        short headerVersion = key.requestHeaderVersion(version);
        int size = header.size(headerVersion) + request.size(version);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        ByteBufferWritable writable = new ByteBufferWritable(buffer);
        writable.writeInt(size);
        header.write(writable, headerVersion);
        request.write(writable, version);
        out.write(buffer.array(), 0, buffer.position());
        out.flush();
    }

    /** Sends arbitrary bytes as they are (no size prefix added). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one size-prefixed frame; throws {@link java.io.EOFException} if the broker closed. */
    public ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 256 * 1024 * 1024) {
            throw new IOException("implausible response size " + size);
        }
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** Whether the broker closed the connection (reads until EOF or the timeout). */
    public boolean isClosedByPeer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

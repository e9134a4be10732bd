package io.fjord.broker.partition;

import io.fjord.broker.security.InterBrokerSecurity;
import io.fjord.broker.security.SaslLogin;
import io.fjord.common.Errors;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ByteBufferWritable;
import io.fjord.protocol.ProtocolParseException;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;
import io.fjord.protocol.message.SaslAuthenticateRequest;
import io.fjord.protocol.message.SaslAuthenticateResponse;
import io.fjord.protocol.message.SaslHandshakeRequest;
import io.fjord.protocol.message.SaslHandshakeResponse;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A blocking Kafka-protocol connection from this broker to another (the replica fetcher's link to a
 * partition leader, the transaction coordinator's marker channel): one socket, one request at a time, ApiVersions first so each request goes at the
 * highest version both sides speak. Every read waits at most {@code replica.socket.timeout.ms}; a response
 * frame larger than the bound it was built with is refused before anything is allocated.
 *
 * <p>Not thread-safe: one thread at a time uses it; {@link #close()} may be called from any thread to
 * unblock that thread.
 */
public final class BrokerToBrokerClient implements AutoCloseable {

    private static final short API_VERSIONS_VERSION = 3;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int maxResponseBytes;
    private final String clientId;
    private final Map<Short, short[]> versions = new HashMap<>();
    private int nextCorrelationId = 1;

    private BrokerToBrokerClient(
            Socket socket, InputStream input, OutputStream output, int maxResponseBytes, String clientId) {
        this.socket = socket;
        this.in = new DataInputStream(input);
        this.out = new BufferedOutputStream(output, 8192);
        this.maxResponseBytes = maxResponseBytes;
        this.clientId = clientId;
    }

    /** Connects to {@code address} and learns the API versions it serves. */
    public static BrokerToBrokerClient connect(
            InetSocketAddress address, int socketTimeoutMs, int maxResponseBytes, String clientId) throws IOException {
        return connect(address, socketTimeoutMs, socketTimeoutMs, maxResponseBytes, clientId);
    }

    /** {@link #connect(InetSocketAddress, int, int, String)}, waiting at most {@code connectTimeoutMs} to connect. */
    public static BrokerToBrokerClient connect(
            InetSocketAddress address, int connectTimeoutMs, int socketTimeoutMs, int maxResponseBytes, String clientId)
            throws IOException {
        return connect(
                address, connectTimeoutMs, socketTimeoutMs, maxResponseBytes, clientId, InterBrokerSecurity.PLAINTEXT);
    }

    /**
     * Connects (over TLS when {@code security} says so, trusting the other broker only when its certificate is
     * trusted and, unless host name checking is off, names the host connected to), learns the API versions, then,
     * when {@code security} has a SASL login, logs in as the SASL listener of the other broker requires
     * (SaslHandshake, then SaslAuthenticate with the PLAIN token).
     */
    public static BrokerToBrokerClient connect(
            InetSocketAddress address,
            int connectTimeoutMs,
            int socketTimeoutMs,
            int maxResponseBytes,
            String clientId,
            InterBrokerSecurity security)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, connectTimeoutMs);
            socket.setSoTimeout(socketTimeoutMs);
            socket.setTcpNoDelay(true);
            BrokerToBrokerClient client;
            if (security.tls() == null) {
                client = new BrokerToBrokerClient(
                        socket, socket.getInputStream(), socket.getOutputStream(), maxResponseBytes, clientId);
            } else {
                EngineStreams tls = EngineStreams.handshake(
                        socket, security.tls().newClientEngine(address.getHostString(), address.getPort()));
                client = new BrokerToBrokerClient(socket, tls.input(), tls.output(), maxResponseBytes, clientId);
            }
            client.negotiateVersions();
            if (security.sasl() != null) {
                client.logIn(security.sasl());
            }
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void negotiateVersions() throws IOException {
        ApiVersionsRequest request = new ApiVersionsRequest()
                .setClientSoftwareName("fjord-replica-fetcher")
                .setClientSoftwareVersion("1");
        ApiVersionsResponse response = (ApiVersionsResponse) send(ApiKeys.API_VERSIONS, API_VERSIONS_VERSION, request);
        if (response.errorCode() != Errors.NONE.code()) {
            throw new IOException("ApiVersions failed: " + Errors.forCode(response.errorCode()));
        }
        for (ApiVersionsResponse.ApiVersion v : response.apiKeys()) {
            versions.put(v.apiKey(), new short[] {v.minVersion(), v.maxVersion()});
        }
    }

    private void logIn(SaslLogin login) throws IOException {
        short handshakeVersion = version(ApiKeys.SASL_HANDSHAKE);
        short authenticateVersion = version(ApiKeys.SASL_AUTHENTICATE);
        if (handshakeVersion < 1 || authenticateVersion < 0) {
            throw new IOException("the broker offers no SaslHandshake v1 / SaslAuthenticate to log in with");
        }
        SaslHandshakeResponse handshake = (SaslHandshakeResponse) send(
                ApiKeys.SASL_HANDSHAKE, handshakeVersion, new SaslHandshakeRequest().setMechanism(login.mechanism()));
        if (handshake.errorCode() != Errors.NONE.code()) {
            throw new IOException("SASL handshake for " + login.mechanism() + " failed: "
                    + Errors.forCode(handshake.errorCode()) + " (the broker offers " + handshake.mechanisms() + ")");
        }
        byte[] token = ("\u0000" + login.username() + "\u0000" + login.password()).getBytes(StandardCharsets.UTF_8);
        SaslAuthenticateResponse authenticate = (SaslAuthenticateResponse)
                send(ApiKeys.SASL_AUTHENTICATE, authenticateVersion, new SaslAuthenticateRequest().setAuthBytes(token));
        if (authenticate.errorCode() != Errors.NONE.code()) {
            throw new IOException("SASL authentication as " + login.username() + " failed: "
                    + Errors.forCode(authenticate.errorCode()) + ": " + authenticate.errorMessage());
        }
    }

    /** The highest version of {@code key} both sides serve, or -1 when there is none. */
    public short version(ApiKeys key) {
        short[] range = versions.get(key.id());
        if (range == null) {
            return -1;
        }
        short highest = (short) Math.min(range[1], key.highestVersion());
        return highest >= Math.max(range[0], key.lowestVersion()) ? highest : -1;
    }

    /** Sends {@code request} at {@code version} and waits for its response. */
    public ApiMessage send(ApiKeys key, short version, ApiMessage request) throws IOException {
        int correlationId = nextCorrelationId++;
        RequestHeader header = new RequestHeader()
                .setRequestApiKey(key.id())
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId(clientId);
        short headerVersion = key.requestHeaderVersion(version);
        int size = header.size(headerVersion) + request.size(version);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        ByteBufferWritable writable = new ByteBufferWritable(buffer);
        writable.writeInt(size);
        header.write(writable, headerVersion);
        request.write(writable, version);
        out.write(buffer.array(), 0, buffer.position());
        out.flush();
        ByteBuffer frame = readFrame();
        try {
            ByteBufferReadable readable = new ByteBufferReadable(frame);
            ResponseHeader responseHeader = new ResponseHeader(readable, key.responseHeaderVersion(version));
            if (responseHeader.correlationId() != correlationId) {
                throw new IOException(
                        "response correlation id " + responseHeader.correlationId() + ", expected " + correlationId);
            }
            ApiMessage response = key.newResponse();
            response.read(readable, version);
            return response;
        } catch (ProtocolParseException e) {
            throw new IOException("malformed " + key + " response: " + e.getMessage(), e);
        }
    }

    private ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        if (size < 0 || size > maxResponseBytes) {
            throw new IOException("response of " + size + " bytes is outside 0.." + maxResponseBytes);
        }
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do with the socket
        }
    }
}

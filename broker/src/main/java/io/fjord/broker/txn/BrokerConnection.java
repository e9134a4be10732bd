package io.fjord.broker.txn;

import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.partition.BrokerToBrokerClient;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.Endpoint;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A connection from this broker to another one for the transaction channels (markers, verification), reopened
 * after a failure: it connects to the broker's address in the current metadata when a request needs it, waiting at
 * most {@link #CONNECT_TIMEOUT_MS}; after a failed connection every request fails at once for {@link
 * #RECONNECT_BACKOFF_MS}; a request that fails drops the connection.
 *
 * <p>Not thread-safe: one sender thread uses it; {@link #close()} may be called from any thread.
 */
final class BrokerConnection implements BrokerLink {

    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final long RECONNECT_BACKOFF_MS = 1_000;

    private final MetadataView metadata;
    private final int brokerId;
    private final int socketTimeoutMs;
    private final int maxResponseBytes;
    private final String clientId;
    private volatile BrokerToBrokerClient client;
    private long retryConnectAtNs;

    BrokerConnection(MetadataView metadata, int brokerId, int socketTimeoutMs, int maxResponseBytes, String clientId) {
        this.metadata = metadata;
        this.brokerId = brokerId;
        this.socketTimeoutMs = socketTimeoutMs;
        this.maxResponseBytes = maxResponseBytes;
        this.clientId = clientId;
    }

    @Override
    public InetSocketAddress address() {
        BrokerRegistration broker = metadata.image().cluster().broker(brokerId);
        Endpoint endpoint = broker == null || broker.fenced() ? null : metadata.interBrokerEndpoint(broker);
        return endpoint == null ? null : new InetSocketAddress(endpoint.host(), endpoint.port());
    }

    /** Connects to {@code address} unless connected; fails at once during the backoff after a failed connect. */
    private BrokerToBrokerClient connected(InetSocketAddress address) throws IOException {
        BrokerToBrokerClient current = client;
        if (current != null) {
            return current;
        }
        if (System.nanoTime() - retryConnectAtNs < 0) {
            throw new IOException("reconnect backoff after a failed connection to broker " + brokerId);
        }
        try {
            current = BrokerToBrokerClient.connect(
                    address,
                    CONNECT_TIMEOUT_MS,
                    socketTimeoutMs,
                    maxResponseBytes,
                    clientId,
                    metadata.interBrokerSecurity());
        } catch (IOException | RuntimeException e) {
            retryConnectAtNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_BACKOFF_MS);
            throw e;
        }
        client = current;
        return current;
    }

    /** Connects to {@code address} first when needed. */
    @Override
    public short version(InetSocketAddress address, ApiKeys key) throws IOException {
        return connected(address).version(key);
    }

    /** A failure drops the connection. */
    @Override
    public ApiMessage send(InetSocketAddress address, ApiKeys key, short version, ApiMessage request)
            throws IOException {
        BrokerToBrokerClient current = connected(address);
        try {
            return current.send(key, version, request);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        BrokerToBrokerClient current = client;
        client = null;
        if (current != null) {
            current.close();
        }
    }
}

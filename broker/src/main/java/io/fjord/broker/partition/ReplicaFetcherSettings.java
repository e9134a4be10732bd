package io.fjord.broker.partition;

import io.fjord.broker.security.InterBrokerSecurity;
import io.fjord.common.config.BrokerConfig;

/**
 * The replica fetchers' settings, from the broker config: {@code num.replica.fetchers} threads per leader,
 * each fetching with {@code replica.fetch.max.bytes} per partition, {@code replica.fetch.response.max.bytes}
 * per response, {@code replica.fetch.min.bytes} and {@code replica.fetch.wait.max.ms} for the leader's long
 * poll, {@code replica.fetch.backoff.ms} after an error, and {@code replica.socket.timeout.ms} for each
 * read. {@code maxResponseFrameBytes} bounds a response frame ({@code socket.request.max.bytes}).
 * {@code listenerName} is the leader's listener to fetch from ({@code inter.broker.listener.name}; null: the
 * leader's first listener), {@code security} how to connect to it (TLS, SASL login).
 * Immutable.
 */
public record ReplicaFetcherSettings(
        int numFetchers,
        int fetchMaxBytes,
        int fetchResponseMaxBytes,
        int fetchMinBytes,
        int fetchWaitMaxMs,
        int fetchBackoffMs,
        int socketTimeoutMs,
        int maxResponseFrameBytes,
        String listenerName,
        InterBrokerSecurity security) {

    public ReplicaFetcherSettings {
        if (numFetchers < 1) {
            throw new IllegalArgumentException("num.replica.fetchers must be at least 1, got " + numFetchers);
        }
        if (socketTimeoutMs <= fetchWaitMaxMs) {
            throw new IllegalArgumentException("replica.socket.timeout.ms (" + socketTimeoutMs
                    + ") must be larger than replica.fetch.wait.max.ms (" + fetchWaitMaxMs + ")");
        }
    }

    public static ReplicaFetcherSettings from(BrokerConfig config, InterBrokerSecurity security) {
        return new ReplicaFetcherSettings(
                config.numReplicaFetchers(),
                config.replicaFetchMaxBytes(),
                config.replicaFetchResponseMaxBytes(),
                config.replicaFetchMinBytes(),
                config.replicaFetchWaitMaxMs(),
                config.replicaFetchBackoffMs(),
                config.replicaSocketTimeoutMs(),
                config.socketRequestMaxBytes(),
                config.interBrokerListenerName(),
                security);
    }

    /** Kafka's defaults, for tests. */
    public static ReplicaFetcherSettings defaults() {
        return new ReplicaFetcherSettings(
                1, 1048576, 10485760, 1, 500, 1000, 30000, 104857600, null, InterBrokerSecurity.PLAINTEXT);
    }
}

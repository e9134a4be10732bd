package io.fjord.metadata;

import java.util.Objects;

/**
 * One listener a broker advertises: {@code name} (e.g. "PLAINTEXT"), the host and port clients connect
 * to, and the listener's security protocol name (e.g. "PLAINTEXT", "SSL"). Immutable.
 */
public record Endpoint(String name, String host, int port, String securityProtocol) {
    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got: " + port);
        }
    }
}

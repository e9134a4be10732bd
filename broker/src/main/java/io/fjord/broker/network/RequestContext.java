package io.fjord.broker.network;

import io.fjord.protocol.ApiKeys;
import java.net.InetSocketAddress;

/**
 * What a handler knows about one request besides its body: which API and version, who sent it, on
 * which connection. Immutable; handed from the event loop to an I/O thread.
 *
 * @param apiKey the API
 * @param apiVersion the request's version, already checked against what the broker advertises
 * @param correlationId echoed in the response header
 * @param clientId the client's self-chosen id, or null
 * @param connectionId a broker-unique id of the connection, for logs and fetch sessions
 * @param clientAddress the peer's address
 * @param listenerName the listener the connection came in on (upper case), which decides the broker addresses the
 *     answer gives; null outside a listener (tests), meaning each broker's first listener
 * @param principal who sent it, as Kafka's default principal builder names them: {@code User:<name>} after a SASL
 *     login, {@code User:<distinguished name>} for a TLS client certificate, else {@link #ANONYMOUS}
 */
public record RequestContext(
        ApiKeys apiKey,
        short apiVersion,
        int correlationId,
        String clientId,
        long connectionId,
        InetSocketAddress clientAddress,
        String listenerName,
        String principal) {

    /** The principal of a client that did not authenticate (Kafka's {@code KafkaPrincipal.ANONYMOUS}). */
    public static final String ANONYMOUS = "User:ANONYMOUS";

    /** An anonymous request. */
    public RequestContext(
            ApiKeys apiKey,
            short apiVersion,
            int correlationId,
            String clientId,
            long connectionId,
            InetSocketAddress clientAddress,
            String listenerName) {
        this(apiKey, apiVersion, correlationId, clientId, connectionId, clientAddress, listenerName, ANONYMOUS);
    }

    /** The client's IP address as ACLs name hosts, or the empty string when unknown. */
    public String clientHost() {
        return clientAddress == null || clientAddress.getAddress() == null
                ? ""
                : clientAddress.getAddress().getHostAddress();
    }

    /** An anonymous request not tied to a listener. */
    public RequestContext(
            ApiKeys apiKey,
            short apiVersion,
            int correlationId,
            String clientId,
            long connectionId,
            InetSocketAddress clientAddress) {
        this(apiKey, apiVersion, correlationId, clientId, connectionId, clientAddress, null);
    }
}

package io.fjord.broker.txn;

import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What the transaction channels ask of their connection to one other broker: its address now, the versions both
 * serve, a request answered or failed within the connection's bounds. {@link BrokerConnection} is the real one;
 * tests pass fakes.
 *
 * <p>Not thread-safe: one sender thread uses it; {@link #close()} may be called from any thread.
 */
interface BrokerLink extends AutoCloseable {

    /** The broker's inter-broker address in the current metadata, or null while it is unknown or fenced. */
    InetSocketAddress address();

    /** The highest version of {@code key} both brokers serve, or -1 when there is none. */
    short version(InetSocketAddress address, ApiKeys key) throws IOException;

    /** Sends {@code request} and waits for the answer, at most the connection's socket timeout. */
    ApiMessage send(InetSocketAddress address, ApiKeys key, short version, ApiMessage request) throws IOException;

    @Override
    void close();
}

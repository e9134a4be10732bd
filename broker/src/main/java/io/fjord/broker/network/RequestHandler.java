package io.fjord.broker.network;

import io.fjord.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Answers one API. Called on an I/O thread, one request of a connection at a time and in arrival order
 * (the synchronous part; what it leaves to the future may complete later on any thread). Must not block
 * for long: waits (acks=all, fetch long-poll) go through a purgatory and complete the future.
 *
 * <p>The future's value is the response body; {@code null} means "send nothing" (acks=0 produce).
 * Completing it exceptionally with {@link CloseConnectionException} closes the connection; any other
 * exception is a bug in the handler: it is logged and the connection is closed.
 *
 * <p>When the client disconnects first, the connection cancels the future (so waits in a purgatory can
 * end early). A handler must therefore return a future of its own for each request, never one shared
 * with other requests or with state it still relies on (derive one with {@code thenApply} if needed).
 */
@FunctionalInterface
public interface RequestHandler {

    CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage request);
}

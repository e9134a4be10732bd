package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestDispatcher;
import io.fjord.broker.network.RequestHandler;
import io.fjord.common.Errors;
import io.fjord.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions: the version range of every API this broker serves. (A request of a version this broker
 * does not know is answered by the connection itself, in v0 with UNSUPPORTED_VERSION.)
 */
public final class ApiVersionsHandler implements RequestHandler {

    private final RequestDispatcher dispatcher;

    public ApiVersionsHandler(RequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage request) {
        return CompletableFuture.completedFuture(dispatcher.apiVersionsResponse(Errors.NONE));
    }
}

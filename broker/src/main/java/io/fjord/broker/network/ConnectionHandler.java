package io.fjord.broker.network;

import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ProtocolParseException;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes each framed request, hands it to its {@link RequestHandler} through
 * this connection's {@link SerialExecutor}, and writes the responses strictly in request order, however
 * they complete. A request that cannot be parsed, an unknown API or an unsupported version (other than
 * ApiVersions, which gets a v0 answer with UNSUPPORTED_VERSION) closes this connection and nothing else. On a
 * SASL listener a frame may instead be a bare SASL token, when the authenticator expects one (after a SaslHandshake
 * v0), and is answered with a bare token.
 *
 * <p>All fields are confined to the channel's event loop. At most {@code maxInFlight} requests are
 * pending; past that the channel stops reading until responses drain (back-pressure, not a queue that
 * grows without bound).
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final int INITIAL_RESPONSE_BUFFER_BYTES = 16 * 1024;

    private final RequestDispatcher dispatcher;
    private final SerialExecutor serial;
    private final long connectionId;
    private final String listenerName;
    /** Null on a PLAINTEXT listener. */
    private final ConnectionAuthenticator authenticator;
    /** Run once, when the authenticator has let the client in. */
    private final Runnable onAuthenticated;

    private final long failedAuthenticationDelayMs;
    /** A TLS client certificate's distinguished name to its principal's name; null when no rule applies. */
    private final UnaryOperator<String> tlsPrincipalNames;

    private final int maxInFlight;
    private final ArrayDeque<PendingResponse> inFlight = new ArrayDeque<>();
    private boolean closing;
    /** Who sends this connection's requests: ANONYMOUS until a TLS client certificate or a SASL login names them. */
    private String principal = RequestContext.ANONYMOUS;
    /** Whether {@link #principal} is final for a connection without SASL (see {@link #resolveTlsPrincipal}). */
    private boolean principalResolved;
    /** Set once SASL authentication failed: the connection reads nothing more and closes after a delay. */
    private boolean authenticationFailed;

    ConnectionHandler(
            RequestDispatcher dispatcher, Executor ioPool, long connectionId, String listenerName, int maxInFlight) {
        this(dispatcher, ioPool, connectionId, listenerName, maxInFlight, null, () -> {}, 0, UnaryOperator.identity());
    }

    /**
     * A connection of a SASL listener when {@code authenticator} is not null: {@code onAuthenticated} runs once it
     * lets the client in; after a failed authentication the connection closes {@code failedAuthenticationDelayMs}
     * after the answer (Kafka's {@code connection.failed.authentication.delay.ms}, which slows password guessing).
     */
    ConnectionHandler(
            RequestDispatcher dispatcher,
            Executor ioPool,
            long connectionId,
            String listenerName,
            int maxInFlight,
            ConnectionAuthenticator authenticator,
            Runnable onAuthenticated,
            long failedAuthenticationDelayMs,
            UnaryOperator<String> tlsPrincipalNames) {
        this.dispatcher = dispatcher;
        this.serial = new SerialExecutor(ioPool);
        this.connectionId = connectionId;
        this.listenerName = listenerName;
        this.maxInFlight = maxInFlight;
        this.authenticator = authenticator;
        this.onAuthenticated = onAuthenticated;
        this.failedAuthenticationDelayMs = failedAuthenticationDelayMs;
        this.tlsPrincipalNames = tlsPrincipalNames;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (!principalResolved && authenticator == null && !resolveTlsPrincipal(ctx)) {
            frame.release();
            return;
        }
        if (closing || authenticationFailed) {
            frame.release();
            return;
        }
        if (authenticator != null && authenticator.expectsRawToken()) {
            byte[] token = ByteBufUtil.getBytes(frame);
            frame.release();
            authenticateRawToken(ctx, token);
            return;
        }
        DecodedRequest request;
        try {
            request = decode(ctx, frame);
        } catch (ProtocolParseException | CloseConnectionException | IllegalArgumentException e) {
            frame.release();
            closeOnError(ctx, "cannot parse request: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A parser that fails other than with ProtocolParseException is a bug in the protocol code; the
            // client still only loses its connection, and the frame is released, not leaked.
            frame.release();
            log.warn("connection {}: request parsing failed unexpectedly", connectionId, e);
            closeOnError(ctx, "cannot parse request: " + e);
            return;
        }
        ApiKeys key = request.context.apiKey();
        boolean authenticating = authenticator != null && !authenticator.authenticated();
        PendingResponse pending = new PendingResponse(request.context, request.responseHeaderVersion);
        inFlight.addLast(pending);
        if (authenticating && key != ApiKeys.API_VERSIONS) {
            frame.release();
            authenticate(ctx, request, pending);
            return;
        }
        if (inFlight.size() >= maxInFlight || !ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
        if (request.immediateResponse != null) {
            frame.release();
            pending.complete(request.immediateResponse);
            flushReady(ctx);
            return;
        }
        serial.execute(() -> process(ctx, frame, request, pending));
    }

    /** Answers a SaslHandshake or SaslAuthenticate request of a client that has not authenticated yet. */
    private void authenticate(ChannelHandlerContext ctx, DecodedRequest request, PendingResponse pending) {
        ApiMessage response;
        try {
            response = authenticator.handle(request.context, request.body);
        } catch (RuntimeException e) {
            log.warn("connection {}: SASL authentication failed unexpectedly", connectionId, e);
            closeOnError(ctx, "SASL authentication failed: " + e);
            return;
        }
        pending.complete(response);
        flushReady(ctx);
        afterLoginStep(ctx);
    }

    /** Answers a bare SASL token (after a SaslHandshake v0) with a bare token, in turn with earlier answers. */
    private void authenticateRawToken(ChannelHandlerContext ctx, byte[] token) {
        byte[] answer;
        try {
            answer = authenticator.handleRawToken(token);
        } catch (RuntimeException e) {
            log.warn("connection {}: SASL authentication failed unexpectedly", connectionId, e);
            closeOnError(ctx, "SASL authentication failed: " + e);
            return;
        }
        if (answer != null) {
            PendingResponse pending = new PendingResponse(null, (short) 0);
            pending.completeRaw(answer);
            inFlight.addLast(pending);
            flushReady(ctx);
        }
        afterLoginStep(ctx);
    }

    /**
     * Names the client of a connection without SASL from its TLS certificate (ANONYMOUS without TLS or without a
     * certificate), once: when the handshake completes, or at the first request should that come first. Returns false,
     * closing the connection, when no {@code ssl.principal.mapping.rules} rule applies to the certificate, as Kafka
     * refuses such a client. On SASL_SSL the SASL login names the client instead, as in Kafka.
     */
    private boolean resolveTlsPrincipal(ChannelHandlerContext ctx) {
        if (principalResolved) {
            return !closing;
        }
        principalResolved = true;
        String dn = TlsPrincipals.distinguishedName(ctx.pipeline().get(SslHandler.class));
        if (dn == null) {
            return true;
        }
        String name = tlsPrincipalNames.apply(dn);
        if (name == null) {
            log.info("connection {}: no ssl.principal.mapping.rules rule applies to {}", connectionId, dn);
            closeOnError(ctx, "no principal for the client certificate");
            return false;
        }
        principal = "User:" + name;
        return true;
    }

    /** Lets the client in once it has authenticated, or closes after a failed login. */
    private void afterLoginStep(ChannelHandlerContext ctx) {
        if (authenticator.authenticated()) {
            log.debug(
                    "connection {} from {} authenticated as {}",
                    connectionId,
                    ctx.channel().remoteAddress(),
                    authenticator.principal());
            principal = authenticator.principal();
            onAuthenticated.run();
        } else if (authenticator.failed()) {
            // Answers still in flight go out meanwhile; nothing more is read.
            authenticationFailed = true;
            ctx.channel().config().setAutoRead(false);
            closeAfterFailedLogin(ctx, failedAuthenticationDelayMs);
        }
    }

    /** Closes {@code delayMs} from now, or later if an earlier answer (a pipelined ApiVersions) is still due. */
    private void closeAfterFailedLogin(ChannelHandlerContext ctx, long delayMs) {
        ctx.executor()
                .schedule(
                        () -> {
                            if (!inFlight.isEmpty() && ctx.channel().isActive()) {
                                closeAfterFailedLogin(ctx, Math.max(10, delayMs));
                                return;
                            }
                            ctx.flush();
                            ctx.close();
                        },
                        delayMs,
                        TimeUnit.MILLISECONDS);
    }

    private void process(ChannelHandlerContext ctx, ByteBuf frame, DecodedRequest request, PendingResponse pending) {
        CompletableFuture<ApiMessage> future;
        try {
            future = dispatcher.handler(request.context.apiKey()).handle(request.context, request.body);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        } finally {
            // Handlers consume request records synchronously (appended or rejected): the frame can go.
            frame.release();
        }
        pending.future = future;
        if (!ctx.channel().isActive()) {
            future.cancel(false); // the client is gone: a parked fetch or produce need not wait any longer
        }
        future.whenComplete((response, error) -> ctx.executor().execute(() -> {
            if (error instanceof CancellationException) {
                return;
            }
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (!(cause instanceof CloseConnectionException)) {
                    log.error(
                            "handler for {} v{} failed", request.context.apiKey(), request.context.apiVersion(), cause);
                }
                closeOnError(ctx, cause.getMessage());
                return;
            }
            pending.complete(response);
            flushReady(ctx);
        }));
    }

    private void flushReady(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!closing && !inFlight.isEmpty() && inFlight.peekFirst().done) {
            PendingResponse head = inFlight.pollFirst();
            if (head.rawToken != null) {
                ByteBuf token = ctx.alloc().buffer(4 + head.rawToken.length);
                token.writeInt(head.rawToken.length).writeBytes(head.rawToken);
                ctx.write(token, ctx.voidPromise());
                wrote = true;
            } else if (head.body != null) {
                writeResponse(ctx, head);
                wrote = true;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        maybeResumeReading(ctx);
    }

    /**
     * Reads again once the pending requests have drained below half the limit and the socket takes
     * writes again. A client that pipelines requests but never reads its answers thus stops being read
     * once its unsent responses pass the channel's write-buffer high-water mark, instead of growing
     * the broker's memory without bound.
     */
    private void maybeResumeReading(ChannelHandlerContext ctx) {
        if (!closing
                && !authenticationFailed
                && inFlight.size() < Math.max(1, maxInFlight / 2)
                && ctx.channel().isWritable()
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            maybeResumeReading(ctx);
        } else {
            ctx.channel().config().setAutoRead(false);
        }
        super.channelWritabilityChanged(ctx);
    }

    private void writeResponse(ChannelHandlerContext ctx, PendingResponse pending) {
        RequestContext context = pending.context;
        ResponseHeader header = new ResponseHeader().setCorrelationId(context.correlationId());
        short version = context.apiVersion();
        int size = header.size(pending.headerVersion) + pending.body.size(version);
        // The size counts the records too, which go out as file regions: start small, the buffer grows.
        NettyWritable out = new NettyWritable(ctx.alloc(), Math.min(4 + size, INITIAL_RESPONSE_BUFFER_BYTES));
        List<Object> parts;
        try {
            out.writeInt(size);
            header.write(out, pending.headerVersion);
            pending.body.write(out, version);
            parts = out.finish();
        } catch (RuntimeException e) {
            out.release();
            log.error("cannot serialize {} v{} response", context.apiKey(), version, e);
            closeOnError(ctx, "response serialization failed");
            return;
        }
        for (Object part : parts) {
            ctx.write(part, ctx.voidPromise());
        }
    }

    private DecodedRequest decode(ChannelHandlerContext ctx, ByteBuf frame) {
        if (frame.readableBytes() < 4) {
            throw new ProtocolParseException("request of " + frame.readableBytes() + " bytes has no header");
        }
        short apiKeyId = frame.getShort(frame.readerIndex());
        short version = frame.getShort(frame.readerIndex() + 2);
        ApiKeys apiKey = ApiKeys.forId(apiKeyId);
        if (apiKey == null || !dispatcher.isEnabled(apiKey)) {
            throw new CloseConnectionException("unknown API key " + apiKeyId);
        }
        if (authenticator != null && !authenticator.authenticated() && !authenticator.admit(apiKey)) {
            // Checked before the body is read: a client that has not logged in gets nothing parsed.
            throw new CloseConnectionException("unexpected " + apiKey + " request during SASL authentication");
        }
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address : null;
        if (apiKey == ApiKeys.API_VERSIONS && !dispatcher.supports(apiKey, version)) {
            // A version from the future: its header layout is unknown too, so read only the correlation id
            // (always at offset 4) and answer in v0 with the ranges; the client retries with one of them.
            if (frame.readableBytes() < 8) {
                throw new ProtocolParseException("ApiVersions request of " + frame.readableBytes() + " bytes");
            }
            int correlationId = frame.getInt(frame.readerIndex() + 4);
            RequestContext v0 =
                    new RequestContext(apiKey, (short) 0, correlationId, null, connectionId, remote, listenerName);
            return new DecodedRequest(v0, null, (short) 0, dispatcher.unsupportedApiVersionsResponse());
        }
        ByteBuffer buffer = frame.nioBuffer();
        ByteBufferReadable in = new ByteBufferReadable(buffer);
        short requestHeaderVersion = apiKey.requestHeaderVersion(version);
        RequestHeader header = new RequestHeader(in, requestHeaderVersion);
        RequestContext context = new RequestContext(
                apiKey,
                version,
                header.correlationId(),
                header.clientId(),
                connectionId,
                remote,
                listenerName,
                principal);
        if (!dispatcher.supports(apiKey, version)) {
            throw new CloseConnectionException(apiKey + " v" + version + " is not supported");
        }
        ApiMessage body = apiKey.newRequest();
        body.read(in, version);
        return new DecodedRequest(context, body, apiKey.responseHeaderVersion(version), null);
    }

    private void closeOnError(ChannelHandlerContext ctx, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        log.debug(
                "closing connection {} from {}: {}", connectionId, ctx.channel().remoteAddress(), reason);
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Cancels the futures of requests still waiting (a long-poll fetch, an acks=all produce), so their
     * purgatory entries and timers go now rather than at their deadline, which a client may set days
     * ahead before it disconnects.
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        for (PendingResponse pending : inFlight) {
            CompletableFuture<ApiMessage> future = pending.future;
            if (future != null) {
                future.cancel(false);
            }
        }
        inFlight.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            closeOnError(ctx, "idle for longer than connections.max.idle.ms");
        } else if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess() && authenticator == null) {
            resolveTlsPrincipal(ctx);
            super.userEventTriggered(ctx, event);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SSLException tls = tlsFailure(cause);
        if (closing) {
            // Writes still pending fail one by one as the connection closes: the first error said it all.
            log.debug("connection {} closing: {}", connectionId, cause.toString());
        } else if (tls != null) {
            // A client that does not speak TLS, or does not trust this broker (or is not trusted by it). Netty's
            // message for bytes that are not TLS dumps them in hex: the first few say enough.
            String message = String.valueOf(tls.getMessage());
            log.info(
                    "closing connection {} from {}: TLS failed: {}",
                    connectionId,
                    ctx.channel().remoteAddress(),
                    message.length() > 120 ? message.substring(0, 120) + "..." : message);
            closeOnError(ctx, "TLS failed");
        } else if (cause instanceof TooLongFrameException || cause instanceof DecoderException) {
            closeOnError(ctx, "bad frame: " + cause.getMessage());
        } else if (cause instanceof IOException) {
            closeOnError(ctx, "I/O error: " + cause.getMessage());
        } else {
            log.warn("unexpected error on connection {}", connectionId, cause);
            closeOnError(ctx, cause.toString());
        }
    }

    private static SSLException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException e) {
                return e;
            }
        }
        return null;
    }

    /** A request decoded on the event loop; {@code immediateResponse} is set when no handler is needed. */
    private record DecodedRequest(
            RequestContext context, ApiMessage body, short responseHeaderVersion, ApiMessage immediateResponse) {}

    /** One slot of the in-order response queue. Event-loop confined. */
    private static final class PendingResponse {
        final RequestContext context;
        final short headerVersion;
        ApiMessage body;
        /** A bare SASL token to send as it is, size-prefixed (no response header); instead of a body. */
        byte[] rawToken;

        boolean done;
        /** The handler's future; written by the I/O thread that ran the handler, read on close. */
        volatile CompletableFuture<ApiMessage> future;

        PendingResponse(RequestContext context, short headerVersion) {
            this.context = context;
            this.headerVersion = headerVersion;
        }

        void complete(ApiMessage response) {
            this.body = response;
            this.done = true;
        }

        void completeRaw(byte[] token) {
            this.rawToken = token;
            this.done = true;
        }
    }
}

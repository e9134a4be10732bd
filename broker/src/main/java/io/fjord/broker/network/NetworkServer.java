package io.fjord.broker.network;

import io.fjord.protocol.ApiKeys;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;

/**
 * The Kafka listeners: accept connections and gives each a pipeline of idle timeout, size-prefixed
 * framing bounded by {@code socket.request.max.bytes}, and a {@link ConnectionHandler}. Uses the epoll
 * transport where available (sendfile for fetches), NIO elsewhere.
 *
 * <p>{@link #start()} and {@link #stop()} are called by the broker's lifecycle thread.
 */
public final class NetworkServer {

    /**
     * One listener to bind: its name (upper case, as in {@code listeners}) and address (port 0 picks a free one), and
     * for a SASL listener what authenticates each connection (null for PLAINTEXT), with Kafka's bounds on a client
     * that has not authenticated: {@code sasl.server.max.receive.size} per request and {@code
     * connection.failed.authentication.delay.ms} before a failed one is closed; for an SSL or SASL_SSL listener what
     * gives each connection its TLS engine (null without TLS) and how a client certificate's distinguished name becomes
     * its principal's name ({@code ssl.principal.mapping.rules}; null when no rule applies, which closes the
     * connection).
     */
    public record Listener(
            String name,
            String host,
            int port,
            Supplier<ConnectionAuthenticator> authenticators,
            int unauthenticatedMaxRequestBytes,
            long failedAuthenticationDelayMs,
            Supplier<SSLEngine> tlsEngines,
            UnaryOperator<String> tlsPrincipalNames) {

        /** A PLAINTEXT listener. */
        public Listener(String name, String host, int port) {
            this(name, host, port, null, Integer.MAX_VALUE, 0, null, UnaryOperator.identity());
        }

        /** An SSL listener: TLS without SASL; a client certificate's distinguished name is its principal's name. */
        public Listener(String name, String host, int port, Supplier<SSLEngine> tlsEngines) {
            this(name, host, port, null, Integer.MAX_VALUE, 0, tlsEngines, UnaryOperator.identity());
        }
    }

    /** Listener settings; every listener shares the event loops and the limits. */
    public record Settings(
            List<Listener> listeners,
            int socketRequestMaxBytes,
            long connectionsMaxIdleMs,
            int networkThreads,
            int maxInFlightPerConnection,
            int socketSendBufferBytes,
            int socketReceiveBufferBytes) {

        public Settings {
            if (listeners.isEmpty()) {
                throw new IllegalArgumentException("no listener to bind");
            }
            listeners = List.copyOf(listeners);
        }
    }

    /**
     * The most memory, over all connections, set aside for requests declared by their size prefix but not yet
     * received (see {@link RequestFrameDecoder}); past it, requests are gathered as their bytes arrive.
     */
    static final long RESERVED_REQUEST_BYTES = 32L << 20;

    private final Settings settings;
    private final RequestDispatcher dispatcher;
    private final RequestFrameDecoder.Reservations reservations =
            new RequestFrameDecoder.Reservations(RESERVED_REQUEST_BYTES);
    private final Executor ioPool;
    private final AtomicLong nextConnectionId = new AtomicLong();
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private final List<Channel> serverChannels = new ArrayList<>();

    public NetworkServer(Settings settings, RequestDispatcher dispatcher, Executor ioPool) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.ioPool = ioPool;
    }

    /** The bytes set aside now for requests declared but not yet received, within {@link #RESERVED_REQUEST_BYTES}. */
    public long reservedRequestBytes() {
        return reservations.reservedBytes();
    }

    /**
     * Starts a daemon thread that runs the class initialisation {@link #start} needs (Netty's native transport and
     * buffer allocator, channel ids, the protocol's API table) while the caller reads the configuration and opens
     * the logs and the metadata, so the listener binds sooner: {@code fjord start} calls it first thing, which took
     * the median time to the first acknowledged produce from about 299 to 268 ms (12 starts each, alternating).
     * Harmless if start runs first: class initialisation happens once, and a thread that finds it in progress
     * waits for it.
     */
    public static void preloadInBackground() {
        Thread preload = new Thread(
                () -> {
                    Epoll.isAvailable();
                    DefaultChannelId.newInstance();
                    readHandlerAnnotations();
                    Objects.requireNonNull(ByteBufAllocator.DEFAULT); // its class init
                    ApiKeys.forId((short) 0);
                },
                "fjord-preload");
        preload.setDaemon(true);
        preload.start();
    }

    /**
     * Netty reads a handler's {@code @Sharable} and its methods' {@code @Skip} when the handler joins a pipeline. The
     * first annotation read in the JVM sets up the JDK's annotation parser and a proxy class per annotation type,
     * which the listener's bind otherwise pays on the main thread.
     */
    private static void readHandlerAnnotations() {
        ChannelInitializer.class.isAnnotationPresent(ChannelHandler.Sharable.class);
        try {
            ChannelInboundHandlerAdapter.class
                    .getMethod("channelRead", ChannelHandlerContext.class, Object.class)
                    .getDeclaredAnnotations();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Netty's ChannelInboundHandlerAdapter has no channelRead", e);
        }
    }

    /**
     * Binds every listener, in order; returns each listener's bound address by name (port 0 picks a free port). A
     * listener that cannot bind closes the ones already bound.
     */
    public Map<String, InetSocketAddress> start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        bossGroup = new MultiThreadIoEventLoopGroup(1, factory);
        workerGroup = new MultiThreadIoEventLoopGroup(settings.networkThreads(), factory);
        Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
        for (Listener listener : settings.listeners()) {
            Channel channel = bootstrap(channelType, listener)
                    .bind(new InetSocketAddress(listener.host(), listener.port()))
                    .sync()
                    .channel();
            serverChannels.add(channel);
            bound.put(listener.name(), (InetSocketAddress) channel.localAddress());
        }
        return Collections.unmodifiableMap(bound);
    }

    private ServerBootstrap bootstrap(Class<? extends ServerChannel> channelType, Listener listener) {
        return new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (settings.socketSendBufferBytes() > 0) {
                            ch.config().setSendBufferSize(settings.socketSendBufferBytes());
                        }
                        if (settings.socketReceiveBufferBytes() > 0) {
                            ch.config().setReceiveBufferSize(settings.socketReceiveBufferBytes());
                        }
                        configurePipeline(
                                ch.pipeline(),
                                settings,
                                dispatcher,
                                ioPool,
                                reservations,
                                nextConnectionId.incrementAndGet(),
                                listener);
                    }
                });
    }

    /**
     * One connection's handlers: TLS when the listener has it, idle timeout, framing (a size prefix above {@code
     * socket.request.max.bytes} or below zero fails the frame at once, before any byte of it is buffered), then the
     * request handler.
     *
     * <p>With TLS, the socket's bytes are not the requests' bytes, so reads go into buffers of their own rather than
     * into the request being gathered ({@link RequestReadAllocator}), and record bytes that would go from a segment
     * file straight to the socket are read in chunks and encrypted instead ({@link FileRegionChunks}), as Kafka's
     * broker also gives up zero-copy transfer on TLS connections.
     */
    // Visible for testing
    static void configurePipeline(
            ChannelPipeline pipeline,
            Settings settings,
            RequestDispatcher dispatcher,
            Executor ioPool,
            RequestFrameDecoder.Reservations reservations,
            long id,
            Listener listener) {
        RequestFrameDecoder decoder = new RequestFrameDecoder(settings.socketRequestMaxBytes(), reservations);
        if (listener.tlsEngines() == null) {
            ChannelConfig config = pipeline.channel().config();
            config.setRecvByteBufAllocator(new RequestReadAllocator(config.getRecvByteBufAllocator(), decoder));
        } else {
            pipeline.addLast(new SslHandler(listener.tlsEngines().get()))
                    .addLast(new ChunkedWriteHandler())
                    .addLast(new FileRegionChunks());
        }
        ConnectionHandler handler;
        if (listener.authenticators() == null) {
            handler = new ConnectionHandler(
                    dispatcher,
                    ioPool,
                    id,
                    listener.name(),
                    settings.maxInFlightPerConnection(),
                    null,
                    () -> {},
                    0,
                    listener.tlsPrincipalNames());
        } else {
            decoder.limitRequests(listener.unauthenticatedMaxRequestBytes());
            handler = new ConnectionHandler(
                    dispatcher,
                    ioPool,
                    id,
                    listener.name(),
                    settings.maxInFlightPerConnection(),
                    listener.authenticators().get(),
                    () -> decoder.limitRequests(settings.socketRequestMaxBytes()),
                    listener.failedAuthenticationDelayMs(),
                    listener.tlsPrincipalNames());
        }
        pipeline.addLast(new IdleStateHandler(0, 0, settings.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                .addLast(decoder)
                .addLast(handler);
    }

    /** Closes the listener and every connection, waiting briefly for in-flight writes. */
    public void stop() {
        for (Channel channel : serverChannels) {
            channel.close().syncUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

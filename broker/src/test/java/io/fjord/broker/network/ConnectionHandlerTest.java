package io.fjord.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.handler.ApiVersionsHandler;
import io.fjord.broker.security.PlainMechanism;
import io.fjord.broker.security.SaslServerAuthenticator;
import io.fjord.common.Errors;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ByteBufferWritable;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;
import io.fjord.protocol.message.SaslAuthenticateRequest;
import io.fjord.protocol.message.SaslHandshakeRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection pipeline of {@link NetworkServer} (idle timeout, framing, {@link ConnectionHandler}) on
 * an {@link EmbeddedChannel}, with fake handlers whose futures the test completes. Handlers run on the
 * test thread (a direct executor); completions hop back onto the embedded event loop, drained with
 * {@code runPendingTasks}.
 */
class ConnectionHandlerTest {

    private static final List<NetworkServer.Listener> LISTENERS =
            List.of(new NetworkServer.Listener("PLAINTEXT", "127.0.0.1", 0));

    private static final int MAX_REQUEST_BYTES = 1024;
    private static final int MAX_IN_FLIGHT = 4;
    private static final long IDLE_MS = 60_000;

    private final ArrayDeque<CompletableFuture<ApiMessage>> metadataFutures = new ArrayDeque<>();
    private final RequestDispatcher dispatcher = new RequestDispatcher();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        dispatcher
                .register(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(dispatcher))
                .register(ApiKeys.METADATA, 0, 12, (context, request) -> {
                    CompletableFuture<ApiMessage> future = new CompletableFuture<>();
                    metadataFutures.addLast(future);
                    return future;
                })
                .register(ApiKeys.PRODUCE, 3, 9, (context, request) -> CompletableFuture.completedFuture(null));
        channel = new EmbeddedChannel();
        channel.freezeTime();
        NetworkServer.configurePipeline(
                channel.pipeline(),
                new NetworkServer.Settings(LISTENERS, MAX_REQUEST_BYTES, IDLE_MS, 1, MAX_IN_FLIGHT, 0, 0),
                dispatcher,
                Runnable::run,
                new RequestFrameDecoder.Reservations(NetworkServer.RESERVED_REQUEST_BYTES),
                1L,
                LISTENERS.get(0));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void responsesLeaveInRequestOrderWhenHandlersCompleteOutOfOrder() {
        for (int correlationId = 1; correlationId <= 3; correlationId++) {
            channel.writeInbound(request(ApiKeys.METADATA, (short) 12, correlationId, metadataRequest()));
        }
        List<CompletableFuture<ApiMessage>> futures = new ArrayList<>(metadataFutures);
        assertThat(futures).hasSize(3);

        futures.get(2).complete(new MetadataResponse());
        futures.get(1).complete(new MetadataResponse());
        channel.runPendingTasks();
        assertThat(responseCorrelationIds()).isEmpty();

        futures.get(0).complete(new MetadataResponse());
        channel.runPendingTasks();
        assertThat(responseCorrelationIds()).containsExactly(1, 2, 3);
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aNullResponseSendsNothingAndTheNextResponseStillGoesOut() {
        ProduceRequest acksZero = new ProduceRequest().setAcks((short) 0).setTimeoutMs(1000);
        channel.writeInbound(request(ApiKeys.PRODUCE, (short) 9, 1, acksZero));
        channel.writeInbound(request(ApiKeys.METADATA, (short) 12, 2, metadataRequest()));
        metadataFutures.poll().complete(new MetadataResponse());
        channel.runPendingTasks();

        assertThat(responseCorrelationIds()).containsExactly(2);
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void apiVersionsOfAnUnknownVersionGetsAV0UnsupportedVersionAnswerListingTheRanges() {
        channel.writeInbound(rawRequest(ApiKeys.API_VERSIONS.id(), (short) 99, 7, (short) 2, new byte[] {0, 0, 0}));
        channel.runPendingTasks();

        ByteBuffer frame = nextFrame();
        ByteBufferReadable in = new ByteBufferReadable(frame);
        assertThat(new ResponseHeader(in, (short) 0).correlationId()).isEqualTo(7);
        ApiVersionsResponse response = new ApiVersionsResponse(in, (short) 0);
        assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(response.apiKeys())
                .extracting(ApiVersionsResponse.ApiVersion::apiKey)
                .contains(ApiKeys.API_VERSIONS.id(), ApiKeys.METADATA.id(), ApiKeys.PRODUCE.id());
        ApiVersionsResponse.ApiVersion apiVersions = response.apiKeys().stream()
                .filter(v -> v.apiKey() == ApiKeys.API_VERSIONS.id())
                .findFirst()
                .orElseThrow();
        assertThat(apiVersions.minVersion()).isEqualTo((short) 0);
        assertThat(apiVersions.maxVersion()).isEqualTo((short) 4);
        assertThat(in.remaining()).isZero();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void apiVersionsOfAnUnknownVersionIsAnsweredWhateverItsHeaderLayout() {
        // Header v1 (no tagged fields) and nothing after the client id: a v2 header parse would run out.
        channel.writeInbound(rawRequest(ApiKeys.API_VERSIONS.id(), (short) 300, 9, (short) 1, new byte[0]));
        channel.runPendingTasks();
        ByteBufferReadable in = new ByteBufferReadable(nextFrame());
        assertThat(new ResponseHeader(in, (short) 0).correlationId()).isEqualTo(9);
        assertThat(new ApiVersionsResponse(in, (short) 0).errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void anUnknownApiKeyClosesTheConnection() {
        channel.writeInbound(rawRequest((short) 999, (short) 0, 1, (short) 1, new byte[0]));
        assertClosed();
    }

    @Test
    void anApiTheBrokerDoesNotServeClosesTheConnection() {
        channel.writeInbound(rawRequest(ApiKeys.FETCH.id(), (short) 12, 1, (short) 2, new byte[16]));
        assertClosed();
    }

    @Test
    void anUnsupportedVersionClosesTheConnection() {
        channel.writeInbound(rawRequest(ApiKeys.METADATA.id(), (short) 13, 1, (short) 2, new byte[] {0, 0}));
        assertClosed();
    }

    @Test
    void anUnparsableBodyClosesTheConnection() {
        // Metadata v12: a topics array claiming 1000 entries, with three bytes behind it.
        byte[] body = {(byte) 0xE9, 0x07, 1, 2, 3};
        channel.writeInbound(rawRequest(ApiKeys.METADATA.id(), (short) 12, 1, (short) 2, body));
        assertClosed();
        assertThat(metadataFutures).isEmpty();
    }

    @Test
    void aFrameHeaderShorterThanApiKeyAndVersionClosesTheConnection() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 2, 0, 3}));
        assertClosed();
    }

    @Test
    void aFrameOverSocketRequestMaxBytesClosesTheConnectionBeforeItArrives() {
        ByteBuf prefix = Unpooled.buffer().writeInt(MAX_REQUEST_BYTES + 1).writeBytes(new byte[10]);
        channel.writeInbound(prefix);
        assertClosed();
    }

    @Test
    void aFrameOfExactlySocketRequestMaxBytesIsParsedNotRefusedByTheFramer() {
        // A Metadata v12 request padded to exactly the limit with an unknown tagged field of the header.
        byte[] body = paddedMetadataBody(MAX_REQUEST_BYTES);
        channel.writeInbound(rawFrame(body));
        assertThat(metadataFutures).hasSize(1);
        metadataFutures.poll().complete(new MetadataResponse());
        channel.runPendingTasks();
        assertThat(responseCorrelationIds()).containsExactly(5);
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aNegativeSizeClosesTheConnection() {
        channel.writeInbound(Unpooled.buffer().writeInt(-5).writeBytes(new byte[8]));
        assertClosed();
    }

    @Test
    void tooManyPendingRequestsStopReadingUntilResponsesDrain() {
        for (int correlationId = 1; correlationId <= MAX_IN_FLIGHT; correlationId++) {
            assertThat(channel.config().isAutoRead()).isTrue();
            channel.writeInbound(request(ApiKeys.METADATA, (short) 12, correlationId, metadataRequest()));
        }
        assertThat(channel.config().isAutoRead()).isFalse();

        metadataFutures.poll().complete(new MetadataResponse());
        metadataFutures.poll().complete(new MetadataResponse());
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead())
                .as("two of four still pending: not below half")
                .isFalse();

        metadataFutures.poll().complete(new MetadataResponse());
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(responseCorrelationIds()).containsExactly(1, 2, 3);
    }

    @Test
    void anIdleConnectionIsClosedAfterConnectionsMaxIdleMs() {
        channel.advanceTimeBy(IDLE_MS - 1000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isTrue();

        channel.advanceTimeBy(2000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aHandlerThatFailsClosesTheConnectionAfterTheResponsesBeforeIt() {
        channel.writeInbound(request(ApiKeys.METADATA, (short) 12, 1, metadataRequest()));
        channel.writeInbound(request(ApiKeys.METADATA, (short) 12, 2, metadataRequest()));
        metadataFutures.poll().complete(new MetadataResponse());
        metadataFutures.poll().completeExceptionally(new CloseConnectionException("acks=0 produce failed"));
        channel.runPendingTasks();
        assertThat(responseCorrelationIds()).containsExactly(1);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aClosedConnectionCancelsTheFuturesOfItsWaitingRequests() {
        channel.writeInbound(request(ApiKeys.METADATA, (short) 12, 1, metadataRequest()));
        channel.writeInbound(request(ApiKeys.METADATA, (short) 12, 2, metadataRequest()));
        List<CompletableFuture<ApiMessage>> futures = new ArrayList<>(metadataFutures);
        assertThat(futures).as("both requests reached the handler").hasSize(2);

        channel.close();
        channel.runPendingTasks();

        assertThat(futures).allMatch(CompletableFuture::isCancelled);
        channel.checkException();
    }

    @Test
    void aNonWritableChannelStopsReadingUntilItDrains() {
        channel.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
        channel.writeInbound(request(ApiKeys.METADATA, (short) 12, 1, metadataRequest()));
        // Write without flushing so the outbound buffer stays above the high-water mark.
        channel.write(Unpooled.buffer().writeInt(0));
        assertThat(channel.isWritable()).isFalse();
        assertThat(channel.config().isAutoRead()).isFalse();

        metadataFutures.poll().complete(new MetadataResponse());
        channel.runPendingTasks();
        assertThat(responseCorrelationIds()).containsExactly(1);
        assertThat(channel.isWritable()).isTrue();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void seededRandomFramesNeverLeakOrThrowOutOfThePipeline() {
        long seed = new Random().nextLong();
        System.out.println("ConnectionHandlerTest random frames seed=" + seed);
        Random random = new Random(seed);
        ApiKeys[] keys = {ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE};
        for (int i = 0; i < 3000; i++) {
            EmbeddedChannel fresh = new EmbeddedChannel();
            NetworkServer.configurePipeline(
                    fresh.pipeline(),
                    new NetworkServer.Settings(LISTENERS, MAX_REQUEST_BYTES, IDLE_MS, 1, MAX_IN_FLIGHT, 0, 0),
                    dispatcher,
                    Runnable::run,
                    new RequestFrameDecoder.Reservations(NetworkServer.RESERVED_REQUEST_BYTES),
                    i,
                    LISTENERS.get(0));
            ApiKeys key = keys[random.nextInt(keys.length)];
            short version = (short) random.nextInt(key.highestVersion() + 2);
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            ByteBuf frame = rawRequest(key.id(), version, i, (short) random.nextInt(3), body);
            assertThat(frame.refCnt()).isEqualTo(1);
            fresh.writeInbound(frame.retain());
            fresh.runPendingTasks();
            assertThat(frame.refCnt())
                    .as("seed %d, frame %d: the frame was released", seed, i)
                    .isEqualTo(1);
            frame.release();
            metadataFutures.forEach(f -> f.complete(new MetadataResponse()));
            metadataFutures.clear();
            fresh.runPendingTasks();
            fresh.checkException();
            fresh.finishAndReleaseAll();
        }
    }

    // ---- a SASL listener -----------------------------------------------------------------------------

    /** A connection of a SASL listener offering PLAIN (alice/secret), taking at most 200 bytes before login. */
    private EmbeddedChannel saslChannel() {
        dispatcher
                .register(
                        ApiKeys.SASL_HANDSHAKE,
                        0,
                        1,
                        (context, request) -> CompletableFuture.failedFuture(
                                new AssertionError("the authenticator answers SaslHandshake before login")))
                .register(
                        ApiKeys.SASL_AUTHENTICATE,
                        0,
                        2,
                        (context, request) -> CompletableFuture.failedFuture(
                                new AssertionError("the authenticator answers SaslAuthenticate before login")));
        NetworkServer.Listener listener = new NetworkServer.Listener(
                "SASL_PLAINTEXT",
                "127.0.0.1",
                0,
                () -> new SaslServerAuthenticator(
                        Map.of("PLAIN", PlainMechanism.fromJaasOptions(Map.of("user_alice", "secret")))),
                200,
                0,
                null,
                UnaryOperator.identity());
        EmbeddedChannel sasl = new EmbeddedChannel();
        sasl.freezeTime();
        NetworkServer.configurePipeline(
                sasl.pipeline(),
                new NetworkServer.Settings(List.of(listener), MAX_REQUEST_BYTES, IDLE_MS, 1, MAX_IN_FLIGHT, 0, 0),
                dispatcher,
                Runnable::run,
                new RequestFrameDecoder.Reservations(NetworkServer.RESERVED_REQUEST_BYTES),
                2L,
                listener);
        return sasl;
    }

    private static ByteBuf loginFrames(String password, int firstCorrelationId) {
        return Unpooled.wrappedBuffer(
                request(
                        ApiKeys.SASL_HANDSHAKE,
                        (short) 1,
                        firstCorrelationId,
                        new SaslHandshakeRequest().setMechanism("PLAIN")),
                request(
                        ApiKeys.SASL_AUTHENTICATE,
                        (short) 2,
                        firstCorrelationId + 1,
                        new SaslAuthenticateRequest()
                                .setAuthBytes(("\u0000alice\u0000" + password).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aSaslClientPipeliningItsLoginAndARequestIsServedInOrder() {
        EmbeddedChannel sasl = saslChannel();
        sasl.writeInbound(Unpooled.wrappedBuffer(
                request(ApiKeys.API_VERSIONS, (short) 3, 1, new ApiVersionsRequest()),
                loginFrames("secret", 2),
                request(ApiKeys.METADATA, (short) 12, 4, metadataRequest())));
        assertThat(metadataFutures)
                .as("Metadata reached its handler after the login")
                .hasSize(1);
        metadataFutures.poll().complete(new MetadataResponse());
        sasl.runPendingTasks();
        assertThat(responseCorrelationIds(sasl)).containsExactly(1, 2, 3, 4);
        assertThat(sasl.isActive()).isTrue();
        sasl.finishAndReleaseAll();
    }

    @Test
    void aRequestPipelinedBehindAFailedLoginIsNeverHandled() {
        EmbeddedChannel sasl = saslChannel();
        sasl.writeInbound(Unpooled.wrappedBuffer(
                loginFrames("guess", 1), request(ApiKeys.METADATA, (short) 12, 3, metadataRequest())));
        sasl.runPendingTasks();
        assertThat(metadataFutures).isEmpty();
        assertThat(responseCorrelationIds(sasl))
                .as("the handshake and the failed login are answered")
                .containsExactly(1, 2);
        assertThat(sasl.isActive()).isFalse();
        sasl.finishAndReleaseAll();
    }

    /** A size-prefixed bare SASL/PLAIN token, as a client sends it after a SaslHandshake v0. */
    private static ByteBuf bareToken(String password) {
        byte[] token = ("\u0000alice\u0000" + password).getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(token.length).writeBytes(token);
    }

    @Test
    void aV0HandshakeIsFollowedByABareTokenAnsweredBareAsInKafka() {
        EmbeddedChannel sasl = saslChannel();
        sasl.writeInbound(
                request(ApiKeys.SASL_HANDSHAKE, (short) 0, 1, new SaslHandshakeRequest().setMechanism("PLAIN")));
        sasl.writeInbound(bareToken("secret"));
        sasl.writeInbound(request(ApiKeys.METADATA, (short) 12, 2, metadataRequest()));
        assertThat(metadataFutures)
                .as("Metadata reached its handler after the login")
                .hasSize(1);
        metadataFutures.poll().complete(new MetadataResponse());
        sasl.runPendingTasks();

        ByteBuf out = Unpooled.buffer();
        Object part;
        while ((part = sasl.readOutbound()) != null) {
            out.writeBytes((ByteBuf) part);
            ((ByteBuf) part).release();
        }
        int handshakeSize = out.readInt();
        assertThat(out.getInt(out.readerIndex()))
                .as("the handshake's correlation id")
                .isEqualTo(1);
        out.skipBytes(handshakeSize);
        assertThat(out.readInt()).as("PLAIN's empty answer: a frame of 0 bytes").isZero();
        out.readInt();
        assertThat(out.readInt()).as("the Metadata answer's correlation id").isEqualTo(2);
        out.release();
        assertThat(sasl.isActive()).isTrue();
        sasl.finishAndReleaseAll();
    }

    @Test
    void aWrongBareTokenClosesWithoutAnAnswer() {
        EmbeddedChannel sasl = saslChannel();
        sasl.writeInbound(Unpooled.wrappedBuffer(
                request(ApiKeys.SASL_HANDSHAKE, (short) 0, 1, new SaslHandshakeRequest().setMechanism("PLAIN")),
                bareToken("guess"),
                request(ApiKeys.METADATA, (short) 12, 2, metadataRequest())));
        sasl.runPendingTasks();
        assertThat(metadataFutures).isEmpty();
        assertThat(responseCorrelationIds(sasl))
                .as("only the handshake is answered")
                .containsExactly(1);
        assertThat(sasl.isActive()).isFalse();
        sasl.finishAndReleaseAll();
    }

    @Test
    void beforeLoginOnlyOneApiVersionsThenTheHandshakeAreTaken() {
        EmbeddedChannel metadataFirst = saslChannel();
        metadataFirst.writeInbound(request(ApiKeys.METADATA, (short) 12, 1, metadataRequest()));
        metadataFirst.runPendingTasks();
        assertThat(metadataFutures).isEmpty();
        assertThat(metadataFirst.isActive()).isFalse();
        metadataFirst.finishAndReleaseAll();

        EmbeddedChannel versionsTwice = saslChannel();
        versionsTwice.writeInbound(request(ApiKeys.API_VERSIONS, (short) 3, 1, new ApiVersionsRequest()));
        versionsTwice.writeInbound(request(ApiKeys.API_VERSIONS, (short) 3, 2, new ApiVersionsRequest()));
        versionsTwice.runPendingTasks();
        assertThat(versionsTwice.isActive()).isFalse();
        versionsTwice.finishAndReleaseAll();
    }

    @Test
    void aLargeRequestBeforeLoginClosesAtItsSizePrefix() {
        EmbeddedChannel sasl = saslChannel();
        sasl.writeInbound(Unpooled.buffer()
                .writeInt(201)
                .writeShort(ApiKeys.SASL_HANDSHAKE.id())
                .writeShort(1));
        sasl.runPendingTasks();
        assertThat(sasl.isActive()).isFalse();
        sasl.finishAndReleaseAll();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private void assertClosed() {
        channel.runPendingTasks();
        assertThat(channel.isActive()).isFalse();
        assertThat(responseCorrelationIds()).isEmpty();
    }

    private static MetadataRequest metadataRequest() {
        return new MetadataRequest().setTopics(new ArrayList<>());
    }

    private static ByteBuf request(ApiKeys key, short version, int correlationId, ApiMessage body) {
        RequestHeader header = new RequestHeader()
                .setRequestApiKey(key.id())
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId("test");
        short headerVersion = key.requestHeaderVersion(version);
        int size = header.size(headerVersion) + body.size(version);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        ByteBufferWritable out = new ByteBufferWritable(buffer);
        out.writeInt(size);
        header.write(out, headerVersion);
        body.write(out, version);
        buffer.flip();
        return Unpooled.wrappedBuffer(buffer);
    }

    /** A frame with a hand-written header (api key, version, correlation id, null client id) and body. */
    private static ByteBuf rawRequest(
            short apiKey, short version, int correlationId, short headerVersion, byte[] body) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(0);
        buf.writeShort(apiKey).writeShort(version).writeInt(correlationId).writeShort(-1);
        if (headerVersion >= 2) {
            buf.writeByte(0); // no tagged fields
        }
        buf.writeBytes(body);
        buf.setInt(0, buf.readableBytes() - 4);
        return buf;
    }

    private static ByteBuf rawFrame(byte[] payload) {
        return Unpooled.buffer().writeInt(payload.length).writeBytes(payload);
    }

    /** Metadata v12, correlation id 5, whose header carries one unknown tagged field that pads it to size. */
    private static byte[] paddedMetadataBody(int totalBytes) {
        // header: key(2) version(2) correlation(4) clientId(2: null) tags: count(1) tag(1) length(2) data
        // body: topics compact array of 0 (1), allowAutoTopicCreation(1), includeTopicAuthorizedOps(1), tags(1)
        int fixed = 2 + 2 + 4 + 2 + 1 + 1 + 2 + 4;
        int dataLength = totalBytes - fixed;
        ByteBuf buf = Unpooled.buffer(totalBytes);
        buf.writeShort(ApiKeys.METADATA.id()).writeShort(12).writeInt(5).writeShort(-1);
        buf.writeByte(1).writeByte(100);
        buf.writeByte(0x80 | (dataLength & 0x7F)).writeByte(dataLength >>> 7);
        buf.writeZero(dataLength);
        buf.writeByte(1).writeByte(0).writeByte(0).writeByte(0);
        assertThat(buf.readableBytes()).isEqualTo(totalBytes);
        byte[] bytes = new byte[totalBytes];
        buf.readBytes(bytes);
        return bytes;
    }

    private ByteBuffer nextFrame() {
        ByteBuf all = Unpooled.buffer();
        Object part;
        while ((part = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) part;
            all.writeBytes(buf);
            buf.release();
        }
        int size = all.readInt();
        ByteBuffer frame = ByteBuffer.allocate(size);
        all.readBytes(frame);
        assertThat(all.readableBytes()).isZero();
        return frame.flip();
    }

    private List<Integer> responseCorrelationIds() {
        return responseCorrelationIds(channel);
    }

    private static List<Integer> responseCorrelationIds(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        Object part;
        while ((part = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) part;
            all.writeBytes(buf);
            buf.release();
        }
        List<Integer> ids = new ArrayList<>();
        while (all.readableBytes() >= 4) {
            int size = all.readInt();
            if (size == 0) {
                continue; // bytes a test wrote itself, not a response
            }
            ids.add(all.getInt(all.readerIndex()));
            all.skipBytes(size);
        }
        return ids;
    }
}

package io.fjord.broker.partition;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Blocking streams over a connected socket, encrypted by an {@link SSLEngine} in client mode: the TLS of this broker's
 * connections to another broker ({@link BrokerToBrokerClient}), so that they can use OpenSSL's engine, whose crypto
 * is native code, where the JDK's {@code SSLSocket} would decrypt every fetched record in Java under the broker's
 * C1-only JIT. Reads wait at most the socket's read timeout.
 *
 * <p>Buffers: {@code netIn} holds bytes read from the socket not yet decrypted, {@code appIn} decrypted bytes not yet
 * returned, {@code netOut} one encrypted record on its way out; all are kept in fill mode between calls and grow only
 * when the engine asks for more room than the session's sizes. Not thread-safe: one thread reads and writes, as
 * {@link BrokerToBrokerClient} does.
 */
final class EngineStreams {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;

    private EngineStreams(Socket socket, SSLEngine engine) throws IOException {
        this.engine = engine;
        this.rawIn = socket.getInputStream();
        this.rawOut = socket.getOutputStream();
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /** Shakes hands over {@code socket} with {@code engine} (client mode, configured); the streams once done. */
    static EngineStreams handshake(Socket socket, SSLEngine engine) throws IOException {
        EngineStreams streams = new EngineStreams(socket, engine);
        engine.beginHandshake();
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        while (status != SSLEngineResult.HandshakeStatus.FINISHED
                && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> status = streams.wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult.Status result = streams.unwrap();
                    // OpenSSL may finish the handshake on a record it reports as wanting more: ask the engine.
                    status = engine.getHandshakeStatus();
                    if (result == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            && status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                            && streams.fill() < 0) {
                        throw new EOFException("the other broker closed the connection during the TLS handshake");
                    }
                }
                case NEED_TASK -> status = streams.runTasks();
                default -> throw new SSLException("unexpected TLS handshake state " + status);
            }
        }
        return streams;
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return EngineStreams.this.read(b, off, len);
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer source = ByteBuffer.wrap(b, off, len);
                while (source.hasRemaining()) {
                    wrap(source);
                }
            }

            @Override
            public void flush() throws IOException {
                rawOut.flush();
            }
        };
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (appIn.position() == 0) {
            SSLEngineResult.Status status = unwrap();
            if (status == SSLEngineResult.Status.CLOSED) {
                return -1;
            }
            if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW && fill() < 0) {
                return -1;
            }
        }
        appIn.flip();
        int n = Math.min(len, appIn.remaining());
        appIn.get(b, off, n);
        appIn.compact();
        return n;
    }

    /** Decrypts what {@code netIn} holds into {@code appIn}, answering what the engine asks for meanwhile. */
    private SSLEngineResult.Status unwrap() throws IOException {
        netIn.flip();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (result.getStatus()) {
            case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
            case BUFFER_UNDERFLOW -> {
                if (!netIn.hasRemaining()) {
                    netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                }
            }
            default -> {}
        }
        SSLEngineResult.HandshakeStatus status = result.getHandshakeStatus();
        // TLS 1.3 sends messages after the handshake (tickets, key updates), some of which want an answer.
        while (status == SSLEngineResult.HandshakeStatus.NEED_TASK
                || status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            status = status == SSLEngineResult.HandshakeStatus.NEED_TASK ? runTasks() : wrap(EMPTY);
        }
        return result.getStatus();
    }

    /** Encrypts from {@code source} into one record and sends it; the engine's handshake status after. */
    private SSLEngineResult.HandshakeStatus wrap(ByteBuffer source) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(source, netOut);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW ->
                    netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                case CLOSED -> throw new SSLException("the TLS connection to the other broker is closed");
                default -> {
                    netOut.flip();
                    rawOut.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
                    return result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK
                            ? runTasks()
                            : result.getHandshakeStatus();
                }
            }
        }
    }

    private SSLEngineResult.HandshakeStatus runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }

    /** Reads what the socket has into {@code netIn}; -1 at its end. */
    private int fill() throws IOException {
        int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n > 0) {
            netIn.position(netIn.position() + n);
        }
        return n;
    }

    /** {@code buffer} (fill mode) with room for at least {@code size} more bytes, its contents kept. */
    private static ByteBuffer grow(ByteBuffer buffer, int size) {
        ByteBuffer bigger = ByteBuffer.allocate(buffer.position() + Math.max(size, buffer.capacity()));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}

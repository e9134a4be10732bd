package io.fjord.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.broker.security.TlsSettings;
import io.fjord.common.config.BrokerConfig;
import io.fjord.testkit.TlsFiles;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's blocking TLS client streams against the JDK's TLS server, both ways, in TLSv1.3 and TLSv1.2. */
class EngineStreamsTest {

    @TempDir
    static Path dir;

    private static TlsFiles files;

    @BeforeAll
    static void makeStores() throws Exception {
        files = TlsFiles.create(dir);
    }

    private static TlsSettings clientSide(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(files.brokerSettings("", files.brokerOnlyTrustStore()));
        props.put("listeners", "SSL://127.0.0.1:9093");
        props.putAll(extra);
        return TlsSettings.forListener(BrokerConfig.parse(props), "SSL");
    }

    /** A JDK TLS server on a free port that echoes every byte back until its client closes. */
    private static SSLServerSocket echoServer(String protocol) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(files.brokerKeyStore())) {
            store.load(in, TlsFiles.PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, TlsFiles.PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(keys.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setEnabledProtocols(new String[] {protocol});
        CompletableFuture.runAsync(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[10_000];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (Exception e) {
                // the client went away
            }
        });
        return server;
    }

    private static void assertEchoes(String protocol) throws Exception {
        try (SSLServerSocket server = echoServer(protocol);
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 5_000);
            socket.setSoTimeout(10_000);
            EngineStreams tls = EngineStreams.handshake(
                    socket, clientSide(Map.of()).newClientEngine("127.0.0.1", server.getLocalPort()));
            // As BrokerToBrokerClient uses it: one thread, a request out, then its answer in; 16 of 64 KiB each.
            byte[] sent = new byte[1 << 20];
            new Random(3).nextBytes(sent);
            byte[] received = new byte[sent.length];
            DataInputStream in = new DataInputStream(tls.input());
            OutputStream out = new java.io.BufferedOutputStream(tls.output(), 8192);
            for (int offset = 0; offset < sent.length; offset += 65536) {
                out.write(sent, offset, 65536);
                out.flush();
                in.readFully(received, offset, 65536);
            }
            assertThat(received).isEqualTo(sent);
        }
    }

    @Test
    void aMegabyteGoesThereAndBackOverTls13() throws Exception {
        assertEchoes("TLSv1.3");
    }

    @Test
    void aMegabyteGoesThereAndBackOverTls12() throws Exception {
        assertEchoes("TLSv1.2");
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
        try (SSLServerSocket server = echoServer("TLSv1.3");
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 5_000);
            socket.setSoTimeout(10_000);
            // The certificate names localhost and 127.0.0.1; the engine is told it reached another host.
            assertThatThrownBy(() -> EngineStreams.handshake(
                            socket, clientSide(Map.of()).newClientEngine("broker-2.example", server.getLocalPort())))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
        }
        try (SSLServerSocket server = echoServer("TLSv1.3");
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 5_000);
            socket.setSoTimeout(10_000);
            EngineStreams.handshake(
                    socket,
                    clientSide(Map.of("ssl.endpoint.identification.algorithm", ""))
                            .newClientEngine("broker-2.example", server.getLocalPort()));
        }
    }
}

package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.RegisterBrokerRecord;
import io.fjord.raft.MetadataCommand.SetBrokerFenced;
import io.fjord.testkit.MockTime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BrokerSessionsTest {

    private static final long SESSION_TIMEOUT_MS = 9000;
    private static final long HEARTBEAT_INTERVAL_MS = 2000;
    private static final Uuid INCARNATION = new Uuid(1, 1);
    /** The Raft term the sessions' node leads in; its fencing entries carry it. */
    private static final long TERM = 3;

    private final MockTime time = new MockTime();
    private final BrokerSessions sessions = new BrokerSessions(time, SESSION_TIMEOUT_MS);
    private final List<MetadataCommand> submitted = new ArrayList<>();
    private final List<CompletableFuture<byte[]>> replies = new ArrayList<>();
    private MetadataImage image = MetadataImage.EMPTY;

    BrokerSessionsTest() {
        sessions.bind(() -> image, command -> {
            submitted.add(command);
            CompletableFuture<byte[]> reply = new CompletableFuture<>();
            replies.add(reply);
            return reply;
        });
    }

    private void register(int brokerId, boolean fenced) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(new RegisterBrokerRecord(
                brokerId, INCARNATION, List.of(new Endpoint("PLAINTEXT", "h", 1, "PLAINTEXT")), null, fenced));
        image = delta.apply(image.offset() + 1);
    }

    private boolean heartbeat(int brokerId, Uuid incarnation) throws Exception {
        return CommandCodec.decodeHeartbeatReply(sessions.onHeartbeat(new CommandCodec.Heartbeat(brokerId, incarnation))
                .get());
    }

    @Test
    void fencesABrokerOnlyAfterItsSessionTimesOutAndOnlyOnTheLeader() {
        register(1, false);
        time.advanceMs(SESSION_TIMEOUT_MS * 2);
        sessions.sweep();
        assertThat(submitted).as("a follower fences nobody").isEmpty();

        sessions.onLeaderReady(TERM);
        time.advanceMs(SESSION_TIMEOUT_MS);
        sessions.sweep();
        assertThat(submitted)
                .as("a new leader gives every broker a full session")
                .isEmpty();

        time.advanceMs(1);
        sessions.sweep();
        sessions.sweep();
        assertThat(submitted)
                .containsExactly(new SetBrokerFenced(1, INCARNATION, true, ControllerConfig.DEFAULT, TERM));

        replies.get(0).complete(CommandCodec.offsetReply(1));
        sessions.sweep();
        assertThat(submitted)
                .as("retried while the image still shows it unfenced")
                .hasSize(2);

        sessions.onNotLeader();
        time.advanceMs(SESSION_TIMEOUT_MS * 2);
        sessions.sweep();
        assertThat(submitted).hasSize(2);
    }

    @Test
    void aHeartbeatKeepsTheSessionAliveAndUnfencesAFencedBroker() throws Exception {
        register(1, false);
        register(2, true);
        sessions.onLeaderReady(TERM);
        time.advanceMs(SESSION_TIMEOUT_MS - 1);
        assertThat(heartbeat(1, INCARNATION)).isFalse();
        time.advanceMs(SESSION_TIMEOUT_MS - 1);
        sessions.sweep();
        assertThat(submitted).isEmpty();

        assertThat(heartbeat(2, INCARNATION))
                .as("still fenced until the unfence commits")
                .isTrue();
        assertThat(submitted)
                .containsExactly(new SetBrokerFenced(2, INCARNATION, false, ControllerConfig.DEFAULT, TERM));
    }

    @Test
    void refusesHeartbeatsFromUnknownOrStaleBrokersAndOnFollowers() {
        assertThatThrownBy(() -> heartbeat(1, INCARNATION))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).error()).isEqualTo(Errors.NOT_CONTROLLER));
        sessions.onLeaderReady(TERM);
        assertThatThrownBy(() -> heartbeat(1, INCARNATION))
                .satisfies(e -> assertThat(((ApiException) e).error()).isEqualTo(Errors.BROKER_ID_NOT_REGISTERED));
        register(1, false);
        assertThatThrownBy(() -> heartbeat(1, new Uuid(2, 2)))
                .satisfies(e -> assertThat(((ApiException) e).error()).isEqualTo(Errors.STALE_BROKER_EPOCH));
    }

    @Test
    void aSilentBrokerWhoseListenerRefusesConnectionsIsFencedAfterOneMissedHeartbeat() throws Exception {
        int closedPort = closedPort();
        BrokerSessions probing = probingSessions();
        try {
            probing.onLeaderReady(TERM);
            registerAt(1, closedPort); // registered under this leader: no leader-ready probe
            probing.onBrokerRegistered(1);
            heartbeatTo(probing, 1);
            time.advanceMs(HEARTBEAT_INTERVAL_MS);
            probing.sweep();
            Thread.sleep(300);
            assertThat(submitted).as("not silent for a full interval yet").isEmpty();

            time.advanceMs(HEARTBEAT_INTERVAL_MS / 2);
            probing.sweep();
            awaitSubmitted(1);
            assertThat(submitted)
                    .containsExactly(new SetBrokerFenced(1, INCARNATION, true, ControllerConfig.DEFAULT, TERM));
        } finally {
            probing.close();
        }
    }

    @Test
    void aSilentBrokerWhoseListenerAcceptsKeepsItsFullSession() throws Exception {
        BrokerSessions probing = probingSessions();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            registerAt(1, listener.getLocalPort());
            probing.onLeaderReady(TERM);
            time.advanceMs(HEARTBEAT_INTERVAL_MS * 2);
            probing.sweep();
            listener.setSoTimeout(5000);
            listener.accept().close(); // the probe connected
            Thread.sleep(200);
            probing.sweep();
            Thread.sleep(200);
            assertThat(submitted).isEmpty();
            time.advanceMs(SESSION_TIMEOUT_MS);
            probing.sweep();
            assertThat(submitted).hasSize(1);
        } finally {
            probing.close();
        }
    }

    @Test
    void aNewLeaderProbesEveryBrokerTheMomentItIsReady() throws Exception {
        BrokerSessions probing = probingSessions();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            registerAt(1, closedPort()); // the old leader's broker, killed
            registerAt(2, listener.getLocalPort()); // alive, its first heartbeat to the new leader not sent yet
            probing.onLeaderReady(TERM); // no sweep: the probes go now

            listener.setSoTimeout(5000);
            listener.accept().close(); // broker 2 was probed and answered
            awaitSubmitted(1);
            Thread.sleep(200);

            assertThat(submitted)
                    .as("only the broker unheard of whose listener refuses, before any heartbeat interval passed")
                    .containsExactly(new SetBrokerFenced(1, INCARNATION, true, ControllerConfig.DEFAULT, TERM));
        } finally {
            probing.close();
        }
    }

    @Test
    void aRefusedProbeFencesOnlyABrokerThatHasNotHeartbeatedSinceItWasAskedFor() throws Exception {
        register(1, false);
        sessions.onLeaderReady(TERM);
        long askedAtNs = time.nanoseconds(); // no contact yet: the election's time
        time.advanceMs(10);
        heartbeat(1, INCARNATION);

        sessions.onRefused(image.cluster().broker(1), askedAtNs);
        assertThat(submitted).as("it heartbeated while the probe ran").isEmpty();

        sessions.onRefused(image.cluster().broker(1), time.nanoseconds()); // asked for after that heartbeat
        assertThat(submitted)
                .containsExactly(new SetBrokerFenced(1, INCARNATION, true, ControllerConfig.DEFAULT, TERM));
    }

    @Test
    void aBrokerKilledRightAfterItsHeartbeatIsFencedWhenItsWatchedConnectionCloses() throws Exception {
        BrokerSessions watching = probingSessions(true);
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try {
            leadAndWatch(watching, listener);
            Socket watch = listener.accept();

            listener.close(); // kill -9: the listener and every connection close together
            watch.close();
            awaitSubmitted(1);

            assertThat(submitted)
                    .as("fenced with no time passed since its heartbeat")
                    .containsExactly(new SetBrokerFenced(1, INCARNATION, true, ControllerConfig.DEFAULT, TERM));
        } finally {
            listener.close();
            watching.close();
        }
    }

    @Test
    void aLiveBrokerClosingItsWatchedConnectionIsNotFencedAndIsWatchedAgain() throws Exception {
        BrokerSessions watching = probingSessions(true);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            leadAndWatch(watching, listener);
            listener.accept().close(); // the watch, closed by the broker (e.g. connections.max.idle.ms)
            listener.accept().close(); // the probe that follows connects

            time.advanceMs(TimeUnit.NANOSECONDS.toMillis(ListenerWatch.MIN_REOPEN_NS));
            heartbeatTo(watching, 1);
            watching.sweep();
            try (Socket again = listener.accept()) {
                again.setSoTimeout(300);
                assertThatThrownBy(() -> again.getInputStream().read())
                        .as("the new watch stays open and sends nothing")
                        .isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(submitted).isEmpty();
        } finally {
            watching.close();
        }
    }

    @Test
    void aBrokerWhoseListenerIsNotUpYetIsNotFencedByItsWatch() throws Exception {
        BrokerSessions watching = probingSessions(true);
        try {
            watching.onLeaderReady(TERM);
            registerAt(1, closedPort()); // registered, its listener not bound yet
            watching.onBrokerRegistered(1);
            watching.sweep();
            Thread.sleep(300);
            time.advanceMs(TimeUnit.NANOSECONDS.toMillis(ListenerWatch.MIN_REOPEN_NS));
            heartbeatTo(watching, 1);
            watching.sweep(); // the watch tries again
            Thread.sleep(300);

            assertThat(submitted)
                    .as("a refused watch says nothing; heartbeats decide")
                    .isEmpty();
        } finally {
            watching.close();
        }
    }

    @Test
    void onlyTheLeaderWatchesAndOnlyPlaintextListeners() throws Exception {
        BrokerSessions watching = probingSessions(true);
        try (ServerSocket plaintext = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket tls = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            registerAt(1, plaintext.getLocalPort());
            registerAt(2, tls.getLocalPort(), "SSL");
            watching.sweep();
            plaintext.setSoTimeout(300);
            assertThatThrownBy(plaintext::accept)
                    .as("not the leader: no watch")
                    .isInstanceOf(SocketTimeoutException.class);

            watching.onLeaderReady(TERM);
            plaintext.setSoTimeout(5000);
            tls.setSoTimeout(5000);
            plaintext.accept().close(); // the new leader's probes
            tls.accept().close();
            heartbeatTo(watching, 1);
            heartbeatTo(watching, 2);
            watching.sweep();
            try (Socket watch = plaintext.accept()) {
                tls.setSoTimeout(300);
                assertThatThrownBy(tls::accept)
                        .as("a TLS listener would time out a handshake the watch never starts")
                        .isInstanceOf(SocketTimeoutException.class);

                watching.onNotLeader();
                watch.setSoTimeout(5000);
                assertThat(watch.getInputStream().read())
                        .as("a deposed leader closes its watches")
                        .isEqualTo(-1);
            }
            assertThat(submitted).isEmpty();
        } finally {
            watching.close();
        }
    }

    /**
     * Broker 1 registered at {@code listener}; {@code watching} leads (its readiness probe accepted and
     * closed), has heard from broker 1 and has swept, so the watch's connect is the next one to accept.
     */
    private void leadAndWatch(BrokerSessions watching, ServerSocket listener) throws Exception {
        registerAt(1, listener.getLocalPort());
        watching.onLeaderReady(TERM);
        listener.setSoTimeout(5000);
        listener.accept().close(); // the new leader's probe
        heartbeatTo(watching, 1);
        watching.sweep();
    }

    /** A loopback port nothing listens on: connecting to it is refused, as to a killed broker's listener. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void heartbeatTo(BrokerSessions probing, int brokerId) throws Exception {
        probing.onHeartbeat(new CommandCodec.Heartbeat(brokerId, INCARNATION)).get();
    }

    /** Sessions that probe after silence only, so that each test's listener sees the probes alone. */
    private BrokerSessions probingSessions() {
        return probingSessions(false);
    }

    private BrokerSessions probingSessions(boolean watchListeners) {
        BrokerSessions probing = new BrokerSessions(time, SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, watchListeners);
        probing.bind(() -> image, command -> {
            synchronized (submitted) {
                submitted.add(command);
            }
            return new CompletableFuture<>();
        });
        return probing;
    }

    private void registerAt(int brokerId, int port) {
        registerAt(brokerId, port, "PLAINTEXT");
    }

    private void registerAt(int brokerId, int port, String securityProtocol) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(new RegisterBrokerRecord(
                brokerId,
                INCARNATION,
                List.of(new Endpoint(securityProtocol, "127.0.0.1", port, securityProtocol)),
                null,
                false));
        image = delta.apply(image.offset() + 1);
    }

    private void awaitSubmitted(int count) throws InterruptedException {
        long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadlineNs) {
            synchronized (submitted) {
                if (submitted.size() >= count) {
                    return;
                }
            }
            Thread.sleep(10);
        }
    }
}

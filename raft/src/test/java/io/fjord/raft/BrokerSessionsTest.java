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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
            registerAt(1, closedPort);
            probing.onLeaderReady(TERM);
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
    void aNewLeaderProbesAtOnceTheBrokersItHasNotHeardFrom() throws Exception {
        int closedPort = closedPort();
        BrokerSessions probing = probingSessions();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            registerAt(1, closedPort); // the old leader's broker, killed
            registerAt(2, listener.getLocalPort()); // alive, its first heartbeat to the new leader not sent yet
            registerAt(3, closedPort); // gone too, but it heartbeated the new leader before it went
            probing.onLeaderReady(TERM);
            heartbeatTo(probing, 3);

            probing.sweep();
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

    /** A loopback port nothing listens on: connecting to it is refused, as to a killed broker's listener. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void heartbeatTo(BrokerSessions probing, int brokerId) throws Exception {
        probing.onHeartbeat(new CommandCodec.Heartbeat(brokerId, INCARNATION)).get();
    }

    private BrokerSessions probingSessions() {
        BrokerSessions probing = new BrokerSessions(time, SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS);
        probing.bind(() -> image, command -> {
            synchronized (submitted) {
                submitted.add(command);
            }
            return new CompletableFuture<>();
        });
        return probing;
    }

    private void registerAt(int brokerId, int port) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(new RegisterBrokerRecord(
                brokerId,
                INCARNATION,
                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", port, "PLAINTEXT")),
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

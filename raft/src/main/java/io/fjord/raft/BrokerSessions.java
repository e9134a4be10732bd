package io.fjord.raft;

import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.raft.MetadataCommand.SetBrokerFenced;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller's broker sessions (Kafka's BrokerHeartbeatManager): when each registered broker
 * last heartbeated, and the fencing that follows. Only the Raft leader tracks sessions; a new leader gives
 * every broker a full session timeout from the moment it became leader. A broker silent for longer than
 * {@code broker.session.timeout.ms} is fenced (a {@link SetBrokerFenced} entry, applied on every node as
 * a RegisterBrokerRecord with fenced=true); its next heartbeat unfences it.
 *
 * <p>Fast failure detection: a broker that has missed a heartbeat interval is probed, on a bounded
 * background thread ({@code fjord-broker-probe}, never a Ratis thread), with a TCP connect to the client
 * listener of its registration. A refused connection means the process is gone (kill -9 closes its
 * listening socket at once), so it is fenced without waiting for the rest of its session; a connection
 * that succeeds or times out changes nothing, and the session timeout still applies. A new leader probes
 * every unfenced broker the moment it is ready (and again at each sweep until it hears from them): when the
 * old leader was killed, its broker is the one most likely gone, and waiting a heartbeat interval, or even
 * a sweep period, from the election would add that to the time its partitions go without a leader.
 *
 * <p>Sooner still, a {@link ListenerWatch} holds an idle connection to each unfenced broker's first
 * PLAINTEXT or SASL_PLAINTEXT listener (a TLS one would time out the handshake the watch never starts)
 * and probes the broker as soon as that connection closes, which a killed process's does at once; so a
 * broker killed right after a heartbeat is fenced within milliseconds, not after the rest of its interval.
 * Probes always go to the registration's first listener, the inter-broker one, which the controller is
 * sure to reach: a watch on an address it cannot reach only ever triggers a probe.
 *
 * <p>Soft state: nothing here is replicated, and losing it only delays fencing by one session timeout.
 * Thread-safe: heartbeats arrive on Ratis threads, {@link #sweep} runs on the log's scheduler, probes on
 * the probe thread, watch reports on the watch thread ({@code fjord-broker-watch}).
 */
final class BrokerSessions implements MetadataStateMachine.Hooks {

    private static final Logger log = LoggerFactory.getLogger(BrokerSessions.class);

    /** Probes waiting for the probe thread; more are dropped (the session timeout still fences). */
    static final int MAX_QUEUED_PROBES = 64;

    private final Time time;
    private final long sessionTimeoutNs;
    private final long probeAfterNs;
    private final int probeTimeoutMs;
    /** Null when probing is off. */
    private final ThreadPoolExecutor probes;
    /** Null when probing or watching is off. */
    private final ListenerWatch watch;
    /** Brokers with a probe queued or running. */
    private final Set<Integer> probing = ConcurrentHashMap.newKeySet();
    /**
     * Probes asked for while one of the same broker ran (its last contact then), run when it ends: a watch
     * reporting a death must not be lost behind a probe that found the broker alive a moment earlier.
     */
    private final Map<Integer, Long> probeAgain = new ConcurrentHashMap<>();

    private final Map<Integer, Long> lastContactNs = new ConcurrentHashMap<>();
    /** Brokers with a fence or unfence entry in flight: one at a time per broker. */
    private final Set<Integer> changing = ConcurrentHashMap.newKeySet();

    private volatile Supplier<MetadataImage> image = () -> MetadataImage.EMPTY;
    private volatile Function<MetadataCommand, CompletableFuture<byte[]>> submitter;
    private volatile ControllerConfig controllerConfig = ControllerConfig.DEFAULT;
    private volatile boolean active;
    private volatile long activeSinceNs;
    /** The Raft term this node leads in; fencing entries carry it so a deposed leader's have no effect. */
    private volatile long activeTerm = SetBrokerFenced.ANY_TERM;

    /** Sessions without fast failure detection: fencing only by session timeout. */
    BrokerSessions(Time time, long sessionTimeoutMs) {
        this(time, sessionTimeoutMs, 0L);
    }

    /**
     * Sessions that probe a broker's listener once it has been silent for a heartbeat interval (plus a
     * tenth) or its watch connection closes; {@code heartbeatIntervalMs} 0 turns probing off.
     */
    BrokerSessions(Time time, long sessionTimeoutMs, long heartbeatIntervalMs) {
        this(time, sessionTimeoutMs, heartbeatIntervalMs, true);
    }

    /** As above; {@code watchListeners} false probes only after silence (no {@link ListenerWatch}). */
    BrokerSessions(Time time, long sessionTimeoutMs, long heartbeatIntervalMs, boolean watchListeners) {
        this.time = time;
        this.sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
        this.probeAfterNs = TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs + heartbeatIntervalMs / 10);
        this.probeTimeoutMs = (int) Math.max(100, Math.min(1000, heartbeatIntervalMs / 2));
        this.probes = heartbeatIntervalMs <= 0
                ? null
                : new ThreadPoolExecutor(
                        1, 1, 0L, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED_PROBES), r -> {
                            Thread thread = new Thread(r, "fjord-broker-probe");
                            thread.setDaemon(true);
                            return thread;
                        }); // full queue: execute throws and the probe is skipped
        this.watch = probes != null && watchListeners ? openWatch(time) : null;
    }

    private ListenerWatch openWatch(Time time) {
        try {
            return new ListenerWatch(time, this::onWatchLost);
        } catch (IOException e) {
            log.warn("Cannot watch brokers' listeners; a dead broker is fenced after a missed heartbeat", e);
            return null;
        }
    }

    /** Stops the probe and watch threads. */
    void close() {
        if (probes != null) {
            probes.shutdownNow();
        }
        if (watch != null) {
            watch.close();
        }
    }

    void bind(Supplier<MetadataImage> image, Function<MetadataCommand, CompletableFuture<byte[]>> submitter) {
        this.image = image;
        this.submitter = submitter;
    }

    /** The settings fencing entries carry (the unclean-election default of this node). */
    void controllerConfig(ControllerConfig config) {
        this.controllerConfig = config;
    }

    boolean active() {
        return active;
    }

    @Override
    public void onLeaderReady(long term) {
        lastContactNs.clear();
        activeSinceNs = time.nanoseconds();
        activeTerm = term;
        active = true;
        if (probes != null) {
            // Now rather than at the first sweep, up to a sweep period away.
            for (BrokerRegistration broker : image.get().cluster().brokers().values()) {
                if (!broker.fenced()) {
                    maybeProbe(broker, activeSinceNs);
                }
            }
        }
    }

    @Override
    public void onNotLeader() {
        active = false;
        if (watch != null) {
            watch.watch(Map.of());
        }
    }

    @Override
    public void onBrokerRegistered(int brokerId) {
        lastContactNs.put(brokerId, time.nanoseconds());
    }

    @Override
    public CompletableFuture<byte[]> onHeartbeat(CommandCodec.Heartbeat heartbeat) {
        if (!active) {
            return CompletableFuture.completedFuture(
                    CommandCodec.errorReply(Errors.NOT_CONTROLLER, "This node is not the active controller."));
        }
        BrokerRegistration broker = image.get().cluster().broker(heartbeat.brokerId());
        if (broker == null) {
            return CompletableFuture.completedFuture(CommandCodec.errorReply(
                    Errors.BROKER_ID_NOT_REGISTERED, "Broker " + heartbeat.brokerId() + " is not registered."));
        }
        if (!broker.incarnationId().equals(heartbeat.incarnationId())) {
            return CompletableFuture.completedFuture(CommandCodec.errorReply(
                    Errors.STALE_BROKER_EPOCH,
                    "Broker " + broker.id() + " is registered with incarnation " + broker.incarnationId() + ", not "
                            + heartbeat.incarnationId() + "."));
        }
        lastContactNs.put(broker.id(), time.nanoseconds());
        if (broker.fenced()) {
            maybeChange(broker, false);
        }
        return CompletableFuture.completedFuture(CommandCodec.heartbeatReply(broker.fenced()));
    }

    /** Fences every unfenced broker whose session expired; a no-op unless this node leads. */
    void sweep() {
        if (!active) {
            if (watch != null) {
                watch.watch(Map.of());
            }
            return;
        }
        long nowNs = time.nanoseconds();
        Map<Integer, ListenerWatch.Target> watched = new HashMap<>();
        for (BrokerRegistration broker : image.get().cluster().brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            Long contactNs = lastContactNs.get(broker.id());
            long lastNs = contactNs != null ? contactNs : activeSinceNs;
            if (nowNs - lastNs > sessionTimeoutNs) {
                log.info(
                        "Broker {} missed its session timeout ({} ms since its last heartbeat); fencing it",
                        broker.id(),
                        TimeUnit.NANOSECONDS.toMillis(nowNs - lastNs));
                maybeChange(broker, true);
            } else if (probes != null && (contactNs == null || nowNs - lastNs > probeAfterNs)) {
                maybeProbe(broker, lastNs);
            }
            Endpoint endpoint = plaintextEndpoint(broker);
            if (endpoint != null) {
                watched.put(
                        broker.id(),
                        new ListenerWatch.Target(
                                broker.id(), broker.incarnationId(), endpoint.host(), endpoint.port()));
            }
        }
        if (watch != null && active) { // onNotLeader may have cleared the watches since this sweep began
            watch.watch(watched);
        }
    }

    /** A watched broker's connection closed: probe it now, unless it changed meanwhile. */
    private void onWatchLost(ListenerWatch.Target target) {
        BrokerRegistration broker = image.get().cluster().broker(target.brokerId());
        if (!active
                || broker == null
                || broker.fenced()
                || !broker.incarnationId().equals(target.incarnationId())) {
            return;
        }
        log.debug("Broker {}'s watch connection closed; probing its listener", broker.id());
        maybeProbe(broker, lastContactNs.getOrDefault(broker.id(), activeSinceNs), true);
    }

    /** The broker's first PLAINTEXT or SASL_PLAINTEXT listener, the one a watch connects to; else null. */
    private static Endpoint plaintextEndpoint(BrokerRegistration broker) {
        for (Endpoint endpoint : broker.endpoints()) {
            if (!endpoint.securityProtocol().endsWith("SSL")) {
                return endpoint;
            }
        }
        return null;
    }

    private void maybeProbe(BrokerRegistration broker, long lastContactAtProbeNs) {
        maybeProbe(broker, lastContactAtProbeNs, false);
    }

    /**
     * Probes {@code broker} unless a probe of it is queued or running; {@code afterRunning} has that one
     * probe again when it ends (sweeps need not: the next sweep asks again).
     */
    private void maybeProbe(BrokerRegistration broker, long lastContactAtProbeNs, boolean afterRunning) {
        if (broker.endpoints().isEmpty()) {
            return;
        }
        if (afterRunning) {
            // Asked for first, taken back if this call runs it: a probe ending meanwhile then runs it instead.
            probeAgain.put(broker.id(), lastContactAtProbeNs);
        }
        if (!probing.add(broker.id())) {
            return;
        }
        if (afterRunning) {
            probeAgain.remove(broker.id());
        }
        Endpoint endpoint = broker.endpoints().get(0);
        try {
            probes.execute(() -> {
                try {
                    if (connectionRefused(endpoint.host(), endpoint.port(), probeTimeoutMs)) {
                        onRefused(broker, lastContactAtProbeNs);
                    }
                } finally {
                    probing.remove(broker.id());
                    maybeProbeAgain(broker.id());
                }
            });
        } catch (RejectedExecutionException e) {
            probing.remove(broker.id()); // queue full or closed; a later sweep tries again
        }
    }

    private void maybeProbeAgain(int brokerId) {
        Long lastContactAtProbeNs = probeAgain.remove(brokerId);
        BrokerRegistration broker = image.get().cluster().broker(brokerId);
        if (lastContactAtProbeNs != null && active && broker != null && !broker.fenced()) {
            maybeProbe(broker, lastContactAtProbeNs);
        }
    }

    // Visible for testing
    void onRefused(BrokerRegistration probed, long lastContactAtProbeNs) {
        BrokerRegistration broker = image.get().cluster().broker(probed.id());
        long lastNs = lastContactNs.getOrDefault(probed.id(), activeSinceNs);
        if (!active
                || broker == null
                || broker.fenced()
                || !broker.incarnationId().equals(probed.incarnationId())
                || lastNs != lastContactAtProbeNs) {
            return; // it heartbeated, re-registered or was fenced meanwhile
        }
        log.info(
                "Broker {} has not heartbeated for {} ms (since its last heartbeat, or this controller's election) and"
                        + " its listener {}:{} refuses connections; fencing it",
                broker.id(),
                TimeUnit.NANOSECONDS.toMillis(time.nanoseconds() - lastNs),
                probed.endpoints().get(0).host(),
                probed.endpoints().get(0).port());
        maybeChange(broker, true);
    }

    /** Whether a TCP connect to host:port is refused (the process is gone); false on success or timeout. */
    static boolean connectionRefused(String host, int port, int timeoutMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private void maybeChange(BrokerRegistration broker, boolean fenced) {
        Function<MetadataCommand, CompletableFuture<byte[]>> submit = submitter;
        if (submit == null || !changing.add(broker.id())) {
            return;
        }
        submit.apply(new SetBrokerFenced(broker.id(), broker.incarnationId(), fenced, controllerConfig, activeTerm))
                .whenComplete((reply, error) -> {
                    changing.remove(broker.id());
                    if (error != null) {
                        log.warn("Could not {} broker {}", fenced ? "fence" : "unfence", broker.id(), error);
                    }
                });
    }
}

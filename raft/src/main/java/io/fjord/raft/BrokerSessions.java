package io.fjord.raft;

import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.MetadataImage;
import io.fjord.raft.MetadataCommand.SetBrokerFenced;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Soft state: nothing here is replicated, and losing it only delays fencing by one session timeout.
 * Thread-safe: heartbeats arrive on Ratis threads, {@link #sweep} runs on the log's scheduler.
 */
final class BrokerSessions implements MetadataStateMachine.Hooks {

    private static final Logger log = LoggerFactory.getLogger(BrokerSessions.class);

    private final Time time;
    private final long sessionTimeoutNs;
    private final Map<Integer, Long> lastContactNs = new ConcurrentHashMap<>();
    /** Brokers with a fence or unfence entry in flight: one at a time per broker. */
    private final Set<Integer> changing = ConcurrentHashMap.newKeySet();

    private volatile Supplier<MetadataImage> image = () -> MetadataImage.EMPTY;
    private volatile Function<MetadataCommand, CompletableFuture<byte[]>> submitter;
    private volatile ControllerConfig controllerConfig = ControllerConfig.DEFAULT;
    private volatile boolean active;
    private volatile long activeSinceNs;

    BrokerSessions(Time time, long sessionTimeoutMs) {
        this.time = time;
        this.sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
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
        active = true;
    }

    @Override
    public void onNotLeader() {
        active = false;
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
            return;
        }
        long nowNs = time.nanoseconds();
        for (BrokerRegistration broker : image.get().cluster().brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            long lastNs = lastContactNs.getOrDefault(broker.id(), activeSinceNs);
            if (nowNs - lastNs > sessionTimeoutNs) {
                log.info(
                        "Broker {} missed its session timeout ({} ms since its last heartbeat); fencing it",
                        broker.id(),
                        TimeUnit.NANOSECONDS.toMillis(nowNs - lastNs));
                maybeChange(broker, true);
            }
        }
    }

    private void maybeChange(BrokerRegistration broker, boolean fenced) {
        Function<MetadataCommand, CompletableFuture<byte[]>> submit = submitter;
        if (submit == null || !changing.add(broker.id())) {
            return;
        }
        submit.apply(new SetBrokerFenced(broker.id(), broker.incarnationId(), fenced, controllerConfig))
                .whenComplete((reply, error) -> {
                    changing.remove(broker.id());
                    if (error != null) {
                        log.warn("Could not {} broker {}", fenced ? "fence" : "unfence", broker.id(), error);
                    }
                });
    }
}

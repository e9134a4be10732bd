package io.fjord.raft;

import io.fjord.common.Time;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataLoader;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The metadata side of one node of a Raft quorum, the counterpart of {@link
 * io.fjord.metadata.MetadataNode#startLocal}: the {@link RaftMetadataLog}, the {@link MetadataLoader}
 * the broker's publishers hang off (registered before the log starts, so it sees every batch) and the
 * {@link RaftController} through which the broker asks for cluster changes, from any node.
 *
 * <p>Thread-safe as its parts are. {@link #close} stops the controller's heartbeats, then the log.
 */
public final class RaftMetadataNode implements AutoCloseable {

    private final RaftMetadataLog log;
    private final MetadataLoader loader;
    private final RaftController controller;

    private RaftMetadataNode(RaftMetadataLog log, MetadataLoader loader, RaftController controller) {
        this.log = log;
        this.loader = loader;
        this.controller = controller;
    }

    /**
     * Starts this node's Raft server on its {@code controller.quorum.voters} address, with storage under
     * {@code <metadataDir>/__cluster_metadata/raft}. {@code controllerConfig} holds the defaults this
     * node's requests carry; {@code validator} must accept the same configs on every node (it decides on
     * every node). Install publishers on {@link #loader()} before waiting on {@link #ready()}.
     */
    public static RaftMetadataNode start(
            RaftConfig config,
            ControllerConfig controllerConfig,
            ConfigValidator validator,
            Time time,
            RandomGenerator random)
            throws IOException {
        RaftMetadataLog log = RaftMetadataLog.create(config, validator, time, random);
        MetadataLoader loader = new MetadataLoader();
        log.register(loader);
        log.useControllerConfig(controllerConfig);
        try {
            log.start();
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return new RaftMetadataNode(log, loader, new RaftController(log, controllerConfig, random));
    }

    public RaftMetadataLog log() {
        return log;
    }

    public MetadataLoader loader() {
        return loader;
    }

    public RaftController controller() {
        return controller;
    }

    /** Completes with the loaded image once this node has caught up with the quorum's committed log. */
    public CompletableFuture<MetadataImage> ready() {
        return loader.caughtUp();
    }

    /** Whether this node is the active controller (the Raft leader, its state applied). */
    public boolean isActiveController() {
        return log.isLeader();
    }

    @Override
    public void close() {
        controller.close();
        log.close();
    }
}

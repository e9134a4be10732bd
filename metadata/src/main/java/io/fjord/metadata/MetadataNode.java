package io.fjord.metadata;

import io.fjord.common.Time;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The metadata side of one node, wired in the right order: the log, the {@link MetadataLoader} that the
 * broker's publishers hang off (registered first, so it sees every batch), and the {@link Controller}.
 * Today a single node with a {@link LocalMetadataLog}; a Ratis-backed node will build the same three
 * parts around its own {@link MetadataLog}.
 *
 * <p>Thread-safe as its parts are. {@link #close} stops the controller, then the log.
 */
public final class MetadataNode implements AutoCloseable {

    private final MetadataLog log;
    private final MetadataLoader loader;
    private final Controller controller;

    private MetadataNode(MetadataLog log, MetadataLoader loader, Controller controller) {
        this.log = log;
        this.loader = loader;
        this.controller = controller;
    }

    /** {@link #startLocal(Path, MetadataSnapshotPolicy, ControllerConfig, ConfigValidator, Time, RandomGenerator)} with Kafka's snapshot defaults. */
    public static MetadataNode startLocal(
            Path logDir, ControllerConfig config, ConfigValidator validator, Time time, RandomGenerator random)
            throws IOException {
        return startLocal(logDir, MetadataSnapshotPolicy.DEFAULT, config, validator, time, random);
    }

    /**
     * Opens the {@link LocalMetadataLog} in {@code <logDir>/__cluster_metadata}, snapshotting as {@code
     * snapshotPolicy} says, replays it into a fresh loader and starts a controller on it. Install
     * publishers on {@link #loader()} before waiting on {@link #ready()} to get the recovered state as one
     * update.
     */
    public static MetadataNode startLocal(
            Path logDir,
            MetadataSnapshotPolicy snapshotPolicy,
            ControllerConfig config,
            ConfigValidator validator,
            Time time,
            RandomGenerator random)
            throws IOException {
        Path directory = logDir.resolve(LocalMetadataLog.DIRECTORY_NAME);
        return start(
                LocalMetadataLog.open(directory, LocalMetadataLog.DEFAULT_MAX_BATCH_BYTES, snapshotPolicy, time),
                config,
                validator,
                time,
                random);
    }

    /** Builds a node around {@code log}, which it then owns. */
    public static MetadataNode start(
            MetadataLog log, ControllerConfig config, ConfigValidator validator, Time time, RandomGenerator random) {
        MetadataLoader loader = new MetadataLoader();
        log.register(loader);
        Controller controller = Controller.start(config, log, validator, time, random);
        return new MetadataNode(log, loader, controller);
    }

    public MetadataLog log() {
        return log;
    }

    public MetadataLoader loader() {
        return loader;
    }

    public Controller controller() {
        return controller;
    }

    /** Completes with the loaded image once both the loader and the controller have replayed the log. */
    public CompletableFuture<MetadataImage> ready() {
        return controller.ready().thenCombine(loader.caughtUp(), (controllerImage, image) -> image);
    }

    @Override
    public void close() {
        controller.close();
        log.close();
    }
}

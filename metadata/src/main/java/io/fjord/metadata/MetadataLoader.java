package io.fjord.metadata;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed metadata batches into image swaps: each batch is replayed through a {@link
 * MetadataDelta} onto the current image, the new image is swapped in and then handed to every publisher.
 * The batches found in the log at startup are replayed into a single delta and published once at
 * {@link #onReplayComplete}, so a broker sees its whole recovered state as one update.
 *
 * <p>Threading: {@link #onCommit} and {@link #onReplayComplete} come from the log's thread; {@link
 * #image()} may be called from any thread without locks (a volatile read of an immutable image).
 * Publishing and {@link #installPublisher} are serialized on this loader's monitor.
 */
public final class MetadataLoader implements MetadataListener {

    private static final Logger log = LoggerFactory.getLogger(MetadataLoader.class);

    private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
    private final CompletableFuture<MetadataImage> caughtUp = new CompletableFuture<>();
    private final AtomicLong publisherErrors = new AtomicLong();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    /** The delta collecting the recovery replay; null once caught up. Guarded by this. */
    private MetadataDelta recoveryDelta = new MetadataDelta(MetadataImage.EMPTY);

    private long recoveryLastOffset = -1L;

    /** The current image; lock-free. */
    public MetadataImage image() {
        return image;
    }

    /** Completes with the image once the log's existing batches are replayed. */
    public CompletableFuture<MetadataImage> caughtUp() {
        return caughtUp;
    }

    /** How many times a publisher threw. */
    public long publisherErrors() {
        return publisherErrors.get();
    }

    /**
     * Adds a publisher. If the loader already has a non-empty image, the publisher first gets that image
     * with a delta from the empty image, so it can build its state the same way as from live updates.
     */
    public synchronized void installPublisher(MetadataPublisher publisher) {
        MetadataImage current = image;
        if (!current.isEmpty()) {
            MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
            for (MetadataRecord record : current.toRecords()) {
                delta.replay(record);
            }
            publish(publisher, delta, current);
        }
        publishers.add(publisher);
    }

    public synchronized void removePublisher(MetadataPublisher publisher) {
        publishers.remove(publisher);
    }

    @Override
    public synchronized void onCommit(MetadataBatch batch) {
        MetadataDelta delta = recoveryDelta != null ? recoveryDelta : new MetadataDelta(image);
        for (MetadataRecord record : batch.records()) {
            delta.replay(record);
        }
        if (recoveryDelta != null) {
            recoveryLastOffset = batch.lastOffset();
            return;
        }
        swapAndPublish(delta, delta.apply(batch.lastOffset()));
    }

    @Override
    public synchronized void onReplayComplete(long lastOffset) {
        if (recoveryDelta == null) {
            return;
        }
        MetadataDelta delta = recoveryDelta;
        recoveryDelta = null;
        if (recoveryLastOffset >= 0) {
            swapAndPublish(delta, delta.apply(recoveryLastOffset));
        }
        log.info("Loaded the metadata log up to offset {}", lastOffset);
        caughtUp.complete(image);
    }

    private void swapAndPublish(MetadataDelta delta, MetadataImage newImage) {
        image = newImage;
        for (MetadataPublisher publisher : publishers) {
            publish(publisher, delta, newImage);
        }
    }

    private void publish(MetadataPublisher publisher, MetadataDelta delta, MetadataImage newImage) {
        try {
            publisher.onMetadataUpdate(delta, newImage);
        } catch (RuntimeException e) {
            publisherErrors.incrementAndGet();
            log.error("Metadata publisher {} failed at offset {}", publisher.name(), newImage.offset(), e);
        }
    }
}

package io.fjord.metadata;

/**
 * Reacts to new metadata images: a broker's partition manager creates and deletes logs, its metadata
 * cache answers Metadata requests. Called by {@link MetadataLoader} on the log's thread, one call at a
 * time, in offset order; must be quick. An exception is logged and counted, and does not stop later
 * updates.
 */
public interface MetadataPublisher {

    /** A short name for logs. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** {@code newImage} is now current; {@code delta} says what changed from {@code delta.image()}. */
    void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage);
}

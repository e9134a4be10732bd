package io.fjord.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;
import java.util.function.Consumer;

/**
 * The log cleaner's segment swap, done with renames only: the cleaned files to {@code .swap}, the new
 * segment into the map, the replaced ones renamed {@code .deleted} (deleted after file.delete.delay.ms,
 * so fetches already holding their files still read them), then the {@code .swap} files to their final
 * names. A crash at any point leaves either the replaced segments or a {@code .swap} that recovery
 * completes ({@link LogLoader}). Stateless; {@link UnifiedLog} calls it under its lock.
 */
final class SegmentSwap {

    private SegmentSwap() {}

    /**
     * Puts {@code cleaned} in place of {@code replaced} in {@code segments}, which must all still be there
     * and none the {@code active} one; returns false, changing nothing, otherwise. {@code retire}
     * schedules the deletion of a replaced segment's files.
     */
    static boolean swap(
            Path dir,
            NavigableMap<Long, LogSegment> segments,
            LogSegment active,
            LogSegment cleaned,
            List<LogSegment> replaced,
            Consumer<LogSegment> retire) {
        for (LogSegment old : replaced) {
            if (segments.get(old.baseOffset()) != old || old == active) {
                return false;
            }
        }
        cleaned.changeFileSuffixes(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
        LogLoader.fsyncDirectory(dir);
        segments.put(cleaned.baseOffset(), cleaned);
        for (LogSegment old : replaced) {
            if (old.baseOffset() != cleaned.baseOffset()) {
                segments.remove(old.baseOffset());
            }
        }
        for (LogSegment old : replaced) {
            old.markForDeletion();
            retire.accept(old);
        }
        cleaned.changeFileSuffixes(LogSegment.SWAP_SUFFIX, "");
        LogLoader.fsyncDirectory(dir);
        return true;
    }
}

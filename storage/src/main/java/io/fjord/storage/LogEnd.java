package io.fjord.storage;

/**
 * Where a {@link UnifiedLog} ends: the next offset, the segment it goes to and that segment's size.
 * Published through a volatile field after the bytes are written, so a reader holding one never sees an
 * offset whose bytes are missing. Immutable.
 */
record LogEnd(long offset, LogSegment segment, int position) {}

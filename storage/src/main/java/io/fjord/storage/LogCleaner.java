package io.fjord.storage;

import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log cleaner (compaction) of a broker: {@code log.cleaner.threads} threads that each take the
 * "filthiest" compacted log (the greatest dirty ratio at or above its min.cleanable.dirty.ratio; a log
 * with a record older than max.compaction.lag.ms or a tombstone or transaction marker past its delete
 * horizon goes first), clean it with their own {@link Cleaner}, and sleep {@code log.cleaner.backoff.ms}
 * when no log qualifies. It remembers how far each log is cleaned in one file per log directory:
 *
 * <pre>
 * | file                      | content                                                     |
 * |---------------------------|-------------------------------------------------------------|
 * | cleaner-offset-checkpoint | {@link CheckpointFile}: "topic partition offset", the first  |
 * |                           | dirty offset of each compacted log                          |
 * </pre>
 *
 * <p>Thread-safe. One lock guards the checkpoints, the logs being cleaned and the paused logs; it is never
 * held while a log is read or written. {@link #abortAndPause} makes a thread cleaning that log stop at its
 * next batch (its cleaned files are deleted, the log is untouched) and waits for it.
 */
public final class LogCleaner {

    public static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    /** Where a log stands with the cleaner. */
    private record Checkpoint(Path logDir, long offset) {}

    private record Candidate(UnifiedLog log, LogToClean range) {}

    private final CleanerConfig config;
    private final List<Path> logDirs;
    private final Supplier<Collection<UnifiedLog>> logs;
    private final Time time;
    private final Throttler throttler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<TopicPartition, Checkpoint> checkpoints = new HashMap<>();
    private final Map<TopicPartition, Long> horizonsMs = new HashMap<>();
    private final Map<TopicPartition, AtomicBoolean> inProgress = new ConcurrentHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Set<TopicPartition> uncleanable = new HashSet<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    /** Set by {@link #shutdown} under the lock: no pass starts after it. */
    private boolean stopped;

    /**
     * @param logs the logs that may be cleaned (those whose topic config is known); only compacted ones
     *     are taken
     */
    public LogCleaner(CleanerConfig config, List<Path> logDirs, Supplier<Collection<UnifiedLog>> logs, Time time) {
        this.config = config;
        this.logDirs = List.copyOf(logDirs);
        this.logs = logs;
        this.time = time;
        this.throttler = new Throttler(config.ioMaxBytesPerSecond(), time);
        for (Path dir : logDirs) {
            readCheckpoint(dir);
        }
    }

    private void readCheckpoint(Path dir) {
        Path file = dir.resolve(CHECKPOINT_FILE);
        try {
            for (String[] entry : new CheckpointFile(file).read()) {
                if (entry.length == 3) {
                    TopicPartition tp = new TopicPartition(entry[0], Integer.parseInt(entry[1]));
                    checkpoints.put(tp, new Checkpoint(dir, Long.parseLong(entry[2])));
                }
            }
        } catch (RuntimeException e) {
            // Cleaning again from the log start is always safe, only slower.
            LOG.warn("ignoring unreadable cleaner checkpoint " + file, e);
        }
    }

    /** Starts the threads (none when disabled or configured with 0 threads). */
    public void startup() {
        if (!config.enabled() || config.threads() == 0) {
            return;
        }
        running = true;
        for (int i = 0; i < config.threads(); i++) {
            Cleaner cleaner = newCleaner();
            Thread t = new Thread(() -> run(cleaner), "fjord-log-cleaner-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** A cleaner with this thread's share of the key map memory and the shared throttler. */
    Cleaner newCleaner() {
        return new Cleaner(
                new SkimpyOffsetMap(config.dedupeBufferBytesPerThread(), CleanerConfig.LOAD_FACTOR), throttler);
    }

    private void run(Cleaner cleaner) {
        while (running) {
            boolean cleaned = false;
            try {
                cleaned = cleanFilthiestLog(cleaner);
            } catch (RuntimeException e) {
                LOG.error("log cleaner pass failed", e);
            }
            if (!cleaned) {
                lock.lock();
                try {
                    if (running) {
                        changed.await(config.backoffMs(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Aborts every pass and joins the threads. */
    public void shutdown() {
        running = false;
        lock.lock();
        try {
            stopped = true;
            for (AtomicBoolean aborted : inProgress.values()) {
                aborted.set(true);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    /**
     * Cleans the log that needs it most, if any; returns whether one was cleaned. The threads call it;
     * tests call it directly with a cleaner from {@link #newCleaner()}.
     */
    public boolean cleanFilthiestLog() {
        return cleanFilthiestLog(newCleaner());
    }

    boolean cleanFilthiestLog(Cleaner cleaner) {
        long nowMs = time.milliseconds();
        Candidate candidate = grabFilthiest(nowMs);
        if (candidate == null) {
            return false;
        }
        TopicPartition tp = candidate.log().topicPartition();
        AtomicBoolean aborted = inProgress.get(tp);
        try {
            Cleaner.CleanResult result = cleaner.clean(candidate.log(), candidate.range(), nowMs, aborted::get);
            onCleaned(candidate.log(), result);
            LOG.info("cleaned " + tp + " up to offset " + result.cleanedUpTo() + ": " + result.segmentsCleaned()
                    + " segments, read " + result.bytesRead() + " bytes, wrote " + result.bytesWritten()
                    + " bytes, dirty ratio was "
                    + String.format("%.2f", candidate.range().dirtyRatio()));
            return true;
        } catch (Cleaner.AbortedException e) {
            LOG.info("cleaning of " + tp + " stopped: " + e.getMessage());
            return false;
        } catch (RuntimeException e) {
            lock.lock();
            try {
                uncleanable.add(tp);
            } finally {
                lock.unlock();
            }
            LOG.error("cannot clean " + tp + "; it stays uncompacted until the broker restarts", e);
            return false;
        } finally {
            lock.lock();
            try {
                inProgress.remove(tp);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private Candidate grabFilthiest(long nowMs) {
        lock.lock();
        try {
            if (stopped) {
                return null;
            }
            Candidate best = null;
            double bestScore = -1;
            for (UnifiedLog log : logs.get()) {
                TopicPartition tp = log.topicPartition();
                if (inProgress.containsKey(tp)) {
                    continue; // a truncation meanwhile is taken when the pass ends (onCleaned), or by the next look
                }
                lowerCheckpoint(tp, log.takeTruncatedTo());
                if (!log.config().compact() || paused.contains(tp) || uncleanable.contains(tp)) {
                    continue;
                }
                Checkpoint checkpoint = checkpoints.get(tp);
                LogToClean range = LogToClean.of(log, checkpoint == null ? -1L : checkpoint.offset(), nowMs);
                boolean horizonDue = horizonsMs.getOrDefault(tp, Long.MAX_VALUE) <= nowMs;
                boolean dirtyEnough = range.dirtyBytes() > 0
                        && (range.overdue()
                                || range.dirtyRatio() >= log.config().minCleanableDirtyRatio());
                if (!dirtyEnough && !horizonDue) {
                    continue;
                }
                double score = range.dirtyRatio() + (range.overdue() || horizonDue ? 1.0 : 0.0);
                if (score > bestScore) {
                    best = new Candidate(log, range);
                    bestScore = score;
                }
            }
            if (best != null) {
                inProgress.put(best.log().topicPartition(), new AtomicBoolean());
            }
            return best;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A log was truncated to {@code offset} (Long.MAX_VALUE: it was not): what was cleaned at and past it is gone,
     * and what is written there again is dirty, so the checkpoint comes down to it, as Kafka's
     * maybeTruncateCheckpoint. Called with the lock held, for a log no pass is cleaning.
     */
    private void lowerCheckpoint(TopicPartition tp, long offset) {
        Checkpoint checkpoint = checkpoints.get(tp);
        if (checkpoint != null && checkpoint.offset() > offset) {
            checkpoints.put(tp, new Checkpoint(checkpoint.logDir(), offset));
            writeCheckpoint(checkpoint.logDir());
        }
    }

    private void onCleaned(UnifiedLog log, Cleaner.CleanResult result) {
        TopicPartition tp = log.topicPartition();
        Path logDir = log.dir().getParent();
        lock.lock();
        try {
            // A truncation during the pass: a swap after it was refused, and one before it cleaned what it removed.
            checkpoints.put(tp, new Checkpoint(logDir, Math.min(result.cleanedUpTo(), log.takeTruncatedTo())));
            if (result.nextHorizonMs() == Long.MAX_VALUE) {
                horizonsMs.remove(tp);
            } else {
                horizonsMs.put(tp, result.nextHorizonMs());
            }
            writeCheckpoint(logDir);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops any pass over {@code tp} (waiting for it to give up, at most 30 s) and keeps the cleaner off
     * the log until {@link #forget}. Called before a log is deleted.
     */
    public void abortAndPause(TopicPartition tp) {
        lock.lock();
        try {
            paused.add(tp);
            AtomicBoolean aborted = inProgress.get(tp);
            if (aborted != null) {
                aborted.set(true);
            }
            long deadlineNs = time.nanoseconds() + TimeUnit.SECONDS.toNanos(30);
            while (inProgress.containsKey(tp) && time.nanoseconds() < deadlineNs) {
                changed.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything known about {@code tp} (its log was deleted), including its checkpoint entry. */
    public void forget(TopicPartition tp) {
        lock.lock();
        try {
            paused.remove(tp);
            uncleanable.remove(tp);
            horizonsMs.remove(tp);
            Checkpoint removed = checkpoints.remove(tp);
            if (removed != null) {
                writeCheckpoint(removed.logDir());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The first dirty offset recorded for {@code tp}, or -1. */
    public long checkpoint(TopicPartition tp) {
        lock.lock();
        try {
            Checkpoint c = checkpoints.get(tp);
            return c == null ? -1L : c.offset();
        } finally {
            lock.unlock();
        }
    }

    private void writeCheckpoint(Path logDir) {
        if (!logDirs.contains(logDir)) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<TopicPartition, Checkpoint> e : checkpoints.entrySet()) {
            if (e.getValue().logDir().equals(logDir)) {
                lines.add(e.getKey().topic() + " " + e.getKey().partition() + " "
                        + e.getValue().offset());
            }
        }
        new CheckpointFile(logDir.resolve(CHECKPOINT_FILE)).write(lines);
    }
}

package io.fjord.storage;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every partition log of the broker's log directories: loads them at {@link #startup()} (recovering
 * in parallel on a small bounded pool when the previous shutdown was not clean), creates and deletes them,
 * runs retention and flush checks on a scheduler it owns, and owns the {@link LogCleaner} (compaction). Per log directory it keeps Kafka's files:
 *
 * <pre>
 * | file                               | content                                        |
 * |------------------------------------|------------------------------------------------|
 * | .kafka_cleanshutdown               | present only after a clean shutdown            |
 * | recovery-point-offset-checkpoint   | "topic partition offset": fsynced up to here   |
 * | log-start-offset-checkpoint        | "topic partition offset": the log start offset |
 * | replication-offset-checkpoint      | "topic partition offset": the high watermark   |
 * | cleaner-offset-checkpoint          | {@link LogCleaner}: how far each log is cleaned |
 * | topic-partition/partition.metadata | "version: 0" and "topic_id: id" per log        |
 * </pre>
 *
 * <p>Thread-safe: the log map is concurrent, creation and deletion are serialized on this object, the
 * scheduler's tasks run on its own thread. No method blocks on another log's lock.
 */
public final class LogManager {

    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    public static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    public static final String HIGH_WATERMARK_CHECKPOINT = "replication-offset-checkpoint";
    public static final String PARTITION_METADATA = "partition.metadata";
    static final String DELETE_DIR_SUFFIX = "-delete";
    static final String METADATA_LOG_DIR = "__cluster_metadata-0";

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final List<Path> logDirs;
    private final Time time;
    /** Logs loaded from disk whose topic config has not been given yet: retention leaves them alone. */
    private final java.util.Set<TopicPartition> awaitingConfig = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final LogConfig defaultConfig;
    private final long retentionCheckIntervalMs;
    private final long flushCheckIntervalMs;
    private final int recoveryThreads;
    private final long producerIdExpirationMs;
    private final CleanerConfig cleanerConfig;
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile LogCleaner cleaner;
    private final Map<TopicPartition, UnifiedLog> logs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Uuid> topicIds = new ConcurrentHashMap<>();
    private final AtomicInteger deletions = new AtomicInteger();
    /** Guards {@link #lastCheckpoints}; never held while the log manager's own monitor is taken. */
    private final Object checkpointLock = new Object();
    /** What each checkpoint file was last written with, by path: a file whose entries did not change is skipped. */
    private final Map<Path, List<String>> lastCheckpoints = new HashMap<>();

    private volatile boolean started;
    private final PageCacheBudget pageCache;

    /** Kafka's producer.id.expiration.ms default: one day. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;

    /** Like the full constructor, with producer ids expiring after a day and no cleaner. */
    public LogManager(
            List<Path> logDirs,
            Time time,
            LogConfig defaultConfig,
            long retentionCheckIntervalMs,
            long flushCheckIntervalMs,
            int recoveryThreads) {
        this(
                logDirs,
                time,
                defaultConfig,
                retentionCheckIntervalMs,
                flushCheckIntervalMs,
                recoveryThreads,
                DEFAULT_PRODUCER_ID_EXPIRATION_MS,
                CleanerConfig.DISABLED);
    }

    /**
     * @param retentionCheckIntervalMs log.retention.check.interval.ms (Kafka: 300000)
     * @param flushCheckIntervalMs how often flush.ms and rolled segments are checked, and checkpoints written
     * @param recoveryThreads threads that load and recover logs at startup
     * @param producerIdExpirationMs producer.id.expiration.ms, applied on each retention pass
     * @param cleanerConfig the log.cleaner.* settings; the cleaner starts with the log manager
     */
    public LogManager(
            List<Path> logDirs,
            Time time,
            LogConfig defaultConfig,
            long retentionCheckIntervalMs,
            long flushCheckIntervalMs,
            int recoveryThreads,
            long producerIdExpirationMs,
            CleanerConfig cleanerConfig) {
        this(
                logDirs,
                time,
                defaultConfig,
                retentionCheckIntervalMs,
                flushCheckIntervalMs,
                recoveryThreads,
                producerIdExpirationMs,
                cleanerConfig,
                PageCacheBudget.OFF);
    }

    /**
     * Like the constructor above, with the page cache of every log's appends kept near {@code pageCache}'s budget
     * (closed with the log manager).
     */
    public LogManager(
            List<Path> logDirs,
            Time time,
            LogConfig defaultConfig,
            long retentionCheckIntervalMs,
            long flushCheckIntervalMs,
            int recoveryThreads,
            long producerIdExpirationMs,
            CleanerConfig cleanerConfig,
            PageCacheBudget pageCache) {
        if (logDirs.isEmpty() || retentionCheckIntervalMs <= 0 || flushCheckIntervalMs <= 0 || recoveryThreads <= 0) {
            throw new IllegalArgumentException("bad log manager settings: dirs " + logDirs + ", retention check "
                    + retentionCheckIntervalMs + " ms, flush check " + flushCheckIntervalMs + " ms, threads "
                    + recoveryThreads);
        }
        this.logDirs = List.copyOf(logDirs);
        this.time = time;
        this.defaultConfig = defaultConfig;
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.flushCheckIntervalMs = flushCheckIntervalMs;
        this.recoveryThreads = recoveryThreads;
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.cleanerConfig = cleanerConfig;
        this.pageCache = pageCache;
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fjord-log-manager");
            t.setDaemon(true);
            return t;
        });
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** With Kafka's defaults: retention checked every 5 minutes, flushes every 60 s, 2 recovery threads. */
    public LogManager(List<Path> logDirs, Time time, LogConfig defaultConfig) {
        this(logDirs, time, defaultConfig, 300_000L, 60_000L, 2);
    }

    /** Loads every partition directory, then starts the retention and flush tasks and the cleaner. */
    public synchronized void startup() {
        if (started) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(recoveryThreads, r -> {
            Thread t = new Thread(r, "fjord-log-recovery");
            t.setDaemon(true);
            return t;
        });
        long startNs = time.nanoseconds();
        try {
            List<Future<UnifiedLog>> loads = new ArrayList<>();
            boolean clean = true;
            for (Path dir : logDirs) {
                clean &= Files.exists(dir.resolve(CLEAN_SHUTDOWN_FILE));
                loads.addAll(submitLoads(dir, pool));
            }
            for (Future<UnifiedLog> f : loads) {
                UnifiedLog log = f.get();
                if (logs.putIfAbsent(log.topicPartition(), log) != null) {
                    throw new IllegalStateException("partition " + log.topicPartition() + " is in two log dirs");
                }
                awaitingConfig.add(log.topicPartition());
            }
            for (Path dir : logDirs) {
                Files.deleteIfExists(dir.resolve(CLEAN_SHUTDOWN_FILE));
            }
            if (!loads.isEmpty()) {
                LOG.info("loaded " + loads.size() + " logs " + (clean ? "after a clean shutdown" : "with recovery")
                        + " in " + (time.nanoseconds() - startNs) / 1_000_000 + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading logs", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot load logs: " + e.getCause(), e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pool.shutdownNow();
        }
        scheduler.scheduleWithFixedDelay(
                () -> safely("retention", this::runRetention),
                retentionCheckIntervalMs,
                retentionCheckIntervalMs,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(
                () -> safely("flush", this::flushDirtyLogs),
                flushCheckIntervalMs,
                flushCheckIntervalMs,
                TimeUnit.MILLISECONDS);
        cleaner = new LogCleaner(cleanerConfig, logDirs, this::configuredLogs, time);
        cleaner.startup();
        started = true;
    }

    /** The logs whose topic config is known: a log still on the broker defaults is not compacted. */
    private Collection<UnifiedLog> configuredLogs() {
        List<UnifiedLog> out = new ArrayList<>(logs.size());
        for (UnifiedLog log : logs.values()) {
            if (!awaitingConfig.contains(log.topicPartition())) {
                out.add(log);
            }
        }
        return out;
    }

    private List<Future<UnifiedLog>> submitLoads(Path logDir, ExecutorService pool) throws IOException {
        Files.createDirectories(logDir);
        boolean clean = Files.exists(logDir.resolve(CLEAN_SHUTDOWN_FILE));
        Map<TopicPartition, Long> recoveryPoints = readOffsets(logDir.resolve(RECOVERY_POINT_CHECKPOINT));
        Map<TopicPartition, Long> startOffsets = readOffsets(logDir.resolve(LOG_START_OFFSET_CHECKPOINT));
        Map<TopicPartition, Long> highWatermarks = readOffsets(logDir.resolve(HIGH_WATERMARK_CHECKPOINT));
        List<Future<UnifiedLog>> loads = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(logDir, Files::isDirectory)) {
            for (Path dir : children) {
                String name = dir.getFileName().toString();
                if (name.equals(METADATA_LOG_DIR)) {
                    continue; // the metadata module owns the cluster metadata log
                }
                if (name.endsWith(DELETE_DIR_SUFFIX)) {
                    scheduler.execute(() -> LogLoader.deleteRecursively(dir));
                    continue;
                }
                TopicPartition tp;
                try {
                    tp = UnifiedLog.parseTopicPartition(name);
                } catch (IllegalArgumentException e) {
                    continue; // not a partition directory
                }
                UnifiedLog.LogCheckpoints checkpoints = new UnifiedLog.LogCheckpoints(
                        recoveryPoints.getOrDefault(tp, 0L),
                        startOffsets.getOrDefault(tp, 0L),
                        highWatermarks.getOrDefault(tp, 0L));
                loads.add(pool.submit(() -> {
                    readTopicId(dir).ifPresent(id -> topicIds.put(tp, id));
                    return UnifiedLog.open(dir, defaultConfig, time, scheduler, clean, checkpoints)
                            .withPageCacheBudget(pageCache);
                }));
            }
        }
        return loads;
    }

    /** The log of {@code tp}, creating it in the least loaded log dir; its config becomes {@code config}. */
    public synchronized UnifiedLog getOrCreateLog(TopicPartition tp, Uuid topicId, LogConfig config) {
        UnifiedLog existing = logs.get(tp);
        if (existing != null) {
            Uuid known = topicIds.get(tp);
            if (known != null && topicId != null && !topicId.isZero() && !known.equals(topicId)) {
                throw new ApiException(
                        Errors.INCONSISTENT_TOPIC_ID, "log " + tp + " has topic id " + known + ", not " + topicId);
            }
            if (known == null && topicId != null && !topicId.isZero()) {
                writeTopicId(existing.dir(), topicId);
                topicIds.put(tp, topicId);
            }
            existing.updateConfig(config);
            awaitingConfig.remove(tp);
            return existing;
        }
        Path dir = leastLoadedDir().resolve(tp.toString());
        UnifiedLog log = UnifiedLog.open(dir, config, time, scheduler, true, UnifiedLog.LogCheckpoints.NONE)
                .withPageCacheBudget(pageCache);
        if (topicId != null && !topicId.isZero()) {
            writeTopicId(dir, topicId);
            topicIds.put(tp, topicId);
        }
        logs.put(tp, log);
        return log;
    }

    private Path leastLoadedDir() {
        if (logDirs.size() == 1) {
            return logDirs.get(0);
        }
        Map<Path, Integer> counts = new HashMap<>();
        for (Path d : logDirs) {
            counts.put(d, 0);
        }
        for (UnifiedLog log : logs.values()) {
            counts.computeIfPresent(log.dir().getParent(), (d, c) -> c + 1);
        }
        Path best = logDirs.get(0);
        for (Path d : logDirs) {
            if (counts.get(d) < counts.get(best)) {
                best = d;
            }
        }
        return best;
    }

    /** The log directories, as configured ({@code log.dirs}). */
    public List<Path> logDirs() {
        return logDirs;
    }

    public Optional<UnifiedLog> log(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Optional<Uuid> topicId(TopicPartition tp) {
        return Optional.ofNullable(topicIds.get(tp));
    }

    public Collection<UnifiedLog> allLogs() {
        return List.copyOf(logs.values());
    }

    /**
     * Removes the log of {@code tp}: closes it, renames its directory to {@code <name>.<n>-delete} and
     * removes that on the scheduler. Returns false if there was no such log.
     */
    public synchronized boolean deleteLog(TopicPartition tp) {
        LogCleaner c = cleaner;
        if (c != null) {
            c.abortAndPause(tp);
        }
        try {
            return deleteLogNow(tp);
        } finally {
            if (c != null) {
                c.forget(tp);
            }
        }
    }

    private boolean deleteLogNow(TopicPartition tp) {
        UnifiedLog log = logs.remove(tp);
        topicIds.remove(tp);
        awaitingConfig.remove(tp);
        if (log == null) {
            return false;
        }
        log.closeForDeletion();
        Path dir = log.dir();
        Path renamed = dir.resolveSibling(
                dir.getFileName() + "." + time.milliseconds() + "." + deletions.incrementAndGet() + DELETE_DIR_SUFFIX);
        try {
            Files.move(dir, renamed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + dir + " for deletion", e);
        }
        scheduler.execute(() -> LogLoader.deleteRecursively(renamed));
        return true;
    }

    /**
     * One retention pass over every log (normally run by the scheduler); also expires idle producers. A
     * log loaded at startup is skipped until {@link #getOrCreateLog} hands it its topic's config.
     */
    public void runRetention() {
        for (UnifiedLog log : logs.values()) {
            if (awaitingConfig.contains(log.topicPartition())) {
                continue; // loaded with the broker defaults: a compact or keep-forever topic would lose data
            }
            log.deleteOldSegments();
            log.removeExpiredProducers(producerIdExpirationMs);
        }
    }

    /**
     * Flushes logs whose last flush is older than their flush.ms, and segments rolled since the last flush
     * (so the recovery point follows the active segment); then writes the checkpoints.
     */
    public void flushDirtyLogs() {
        long nowMs = time.milliseconds();
        for (UnifiedLog log : logs.values()) {
            if (nowMs - log.lastFlushTimeMs() >= log.config().flushMs()) {
                log.flush();
            } else if (log.recoveryPoint() < log.activeSegmentBaseOffset()) {
                log.flushUntil(log.activeSegmentBaseOffset());
            }
        }
        writeCheckpoints();
    }

    /** Writes the recovery-point, log-start-offset and high-watermark checkpoints of every log dir. */
    public void writeCheckpoints() {
        for (Path dir : logDirs) {
            List<String> recovery = new ArrayList<>();
            List<String> starts = new ArrayList<>();
            List<String> hws = new ArrayList<>();
            for (UnifiedLog log : logs.values()) {
                if (!log.dir().getParent().equals(dir)) {
                    continue;
                }
                String prefix = log.topicPartition().topic() + " "
                        + log.topicPartition().partition() + " ";
                recovery.add(prefix + log.recoveryPoint());
                starts.add(prefix + log.logStartOffset());
                hws.add(prefix + log.highWatermark());
            }
            maybeWriteCheckpoint(dir.resolve(RECOVERY_POINT_CHECKPOINT), recovery);
            maybeWriteCheckpoint(dir.resolve(LOG_START_OFFSET_CHECKPOINT), starts);
            maybeWriteCheckpoint(dir.resolve(HIGH_WATERMARK_CHECKPOINT), hws);
        }
    }

    /**
     * Writes (and fsyncs) a checkpoint unless this manager last wrote it with the same entries. Recovery points and
     * log start offsets rarely move (flush.ms defaults to never; retention runs every few minutes), yet all three
     * files were written and fsynced every second: on ext4 each fsync commits the journal, which also writes out the
     * log segments' newly appended blocks, and appends that extend a segment can wait behind that commit.
     */
    private void maybeWriteCheckpoint(Path file, List<String> entries) {
        synchronized (checkpointLock) {
            if (entries.equals(lastCheckpoints.get(file))) {
                return;
            }
            new CheckpointFile(file).write(entries);
            lastCheckpoints.put(file, List.copyOf(entries));
        }
    }

    /** Stops the scheduler, closes every log (flush, snapshots), writes checkpoints and the clean marker. */
    public synchronized void shutdown() {
        if (cleaner != null) {
            cleaner.shutdown();
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdownNow();
        }
        boolean allClosed = true;
        for (UnifiedLog log : logs.values()) {
            try {
                log.close();
            } catch (RuntimeException e) {
                allClosed = false; // no clean marker: the next start recovers this log
                LOG.error("cannot close the log of " + log.topicPartition(), e);
            }
        }
        writeCheckpoints();
        if (allClosed) {
            try {
                for (Path dir : logDirs) {
                    Files.writeString(dir.resolve(CLEAN_SHUTDOWN_FILE), "", StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the clean shutdown marker", e);
            }
        }
        logs.clear();
        pageCache.close();
    }

    private static void safely(String task, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("log manager task " + task + " failed", e);
        }
    }

    private static Map<TopicPartition, Long> readOffsets(Path file) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try {
            for (String[] entry : new CheckpointFile(file).read()) {
                if (entry.length == 3) {
                    offsets.put(new TopicPartition(entry[0], Integer.parseInt(entry[1])), Long.parseLong(entry[2]));
                }
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.warn("ignoring unreadable checkpoint " + file, e);
        }
        return offsets;
    }

    private static void writeTopicId(Path dir, Uuid topicId) {
        try {
            Files.writeString(
                    dir.resolve(PARTITION_METADATA), "version: 0\ntopic_id: " + topicId + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(PARTITION_METADATA), e);
        }
    }

    private static Optional<Uuid> readTopicId(Path dir) {
        Path file = dir.resolve(PARTITION_METADATA);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("topic_id: ")) {
                    return Optional.of(Uuid.fromString(
                            line.substring("topic_id: ".length()).trim()));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("ignoring unreadable " + file, e);
        }
        return Optional.empty();
    }
}

package io.fjord.common.config;

import static io.fjord.common.config.ConfigDef.Importance.HIGH;
import static io.fjord.common.config.ConfigDef.Importance.LOW;
import static io.fjord.common.config.ConfigDef.Importance.MEDIUM;
import static io.fjord.common.config.ConfigDef.Range.atLeast;
import static io.fjord.common.config.ConfigDef.Range.between;
import static io.fjord.common.config.ConfigDef.Type.BOOLEAN;
import static io.fjord.common.config.ConfigDef.Type.DOUBLE;
import static io.fjord.common.config.ConfigDef.Type.INT;
import static io.fjord.common.config.ConfigDef.Type.LIST;
import static io.fjord.common.config.ConfigDef.Type.LONG;
import static io.fjord.common.config.ConfigDef.Type.SHORT;
import static io.fjord.common.config.ConfigDef.Type.STRING;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The broker configuration keys: the ones Fjord reads, typed with Kafka's defaults and validators
 * ({@link #DEF}), and the names of every other Kafka 4.x broker key, which are accepted so that a
 * Kafka {@code server.properties} works unchanged (read from {@code kafka-broker-keys.txt}). The typed keys
 * are built at class load, the other names when a key Fjord does not define is first checked; read-only after
 * that.
 */
final class BrokerConfigDef {

    static final ConfigDef DEF = new ConfigDef();

    private static final String PROTOCOL_MAP_DEFAULT =
            "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL";

    static {
        defineServer();
        defineSocket();
        defineLog();
        defineLogCleaner();
        defineReplicationAndCoordinators();
    }

    private BrokerConfigDef() {}

    private static void defineServer() {
        DEF.define(BrokerConfig.NODE_ID, INT, "1", atLeast(0), HIGH, "This node's id (Fjord: 1 unless set).")
                .define(BrokerConfig.BROKER_ID, INT, null, atLeast(0), HIGH, "Old name of node.id; must match it.")
                .define(
                        BrokerConfig.PROCESS_ROLES,
                        LIST,
                        "broker,controller",
                        ConfigDef.ValidList.in(false, "broker", "controller"),
                        HIGH,
                        "The roles of this node.")
                .define(BrokerConfig.BROKER_RACK, STRING, null, MEDIUM, "Rack of the broker.")
                .define(
                        BrokerConfig.CONTROLLER_LISTENER_NAMES,
                        LIST,
                        "",
                        ConfigDef.ValidList.anyNonDuplicateValues(true),
                        HIGH,
                        "Listeners used by the controller.")
                .define(
                        BrokerConfig.CONTROLLER_QUORUM_VOTERS,
                        LIST,
                        "",
                        ConfigDef.ValidList.anyNonDuplicateValues(true),
                        HIGH,
                        "Static voter set, id@host:port,...")
                .define(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, "true", HIGH, "Create a topic on first use.")
                .define(BrokerConfig.DELETE_TOPIC_ENABLE, BOOLEAN, "true", HIGH, "Allow topic deletion.")
                .define(
                        BrokerConfig.SUPER_USERS,
                        STRING,
                        "",
                        MEDIUM,
                        "Principals (User:name) separated by ';' that the authorizer allows everything.")
                .define(
                        BrokerConfig.ALLOW_EVERYONE_IF_NO_ACL_FOUND,
                        BOOLEAN,
                        "false",
                        MEDIUM,
                        "With an authorizer, a resource with no ACL at all is open to everyone.")
                .define(BrokerConfig.NUM_PARTITIONS, INT, "1", atLeast(1), MEDIUM, "Default partitions of a new topic.")
                .define(BrokerConfig.DEFAULT_REPLICATION_FACTOR, INT, "1", MEDIUM, "Default replication factor.")
                .define(
                        BrokerConfig.MIN_INSYNC_REPLICAS,
                        INT,
                        "1",
                        atLeast(1),
                        HIGH,
                        "Replicas that must acknowledge an acks=all write.")
                .define(
                        BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE,
                        BOOLEAN,
                        "false",
                        HIGH,
                        "Allow an out-of-sync replica to become leader.")
                .define(
                        BrokerConfig.COMPRESSION_TYPE,
                        STRING,
                        "producer",
                        ConfigDef.ValidString.in(TopicConfigs.COMPRESSION_TYPES.toArray(String[]::new)),
                        HIGH,
                        "Default compression of stored batches.")
                .define(BrokerConfig.MESSAGE_MAX_BYTES, INT, "1048588", atLeast(0), HIGH, "Largest record batch.")
                .define(BrokerConfig.NUM_IO_THREADS, INT, "8", atLeast(1), HIGH, "Request handler threads.")
                .define(BrokerConfig.BACKGROUND_THREADS, INT, "10", atLeast(1), HIGH, "Background task threads.")
                .define(
                        BrokerConfig.QUEUED_MAX_REQUESTS,
                        INT,
                        "500",
                        atLeast(1),
                        HIGH,
                        "Requests queued before the network threads stop reading.")
                .define(BrokerConfig.METADATA_LOG_DIR, STRING, null, HIGH, "Directory of the metadata log.")
                .define(
                        BrokerConfig.METADATA_LOG_MAX_RECORD_BYTES_BETWEEN_SNAPSHOTS,
                        LONG,
                        String.valueOf(20L * 1024 * 1024),
                        atLeast(1),
                        HIGH,
                        "Bytes of records appended to the metadata log after which a snapshot is taken and the"
                                + " log before it dropped (single-node metadata log).")
                .define(
                        BrokerConfig.METADATA_LOG_MAX_SNAPSHOT_INTERVAL_MS,
                        LONG,
                        "3600000",
                        atLeast(0),
                        HIGH,
                        "Time after the last metadata snapshot at which a new one is taken if records were"
                                + " appended; 0 turns the time trigger off (single-node metadata log).")
                .define(
                        BrokerConfig.FJORD_METADATA_LISTENER_PORT,
                        INT,
                        null,
                        between(1, 65535),
                        HIGH,
                        "Fjord: the Raft port on which a broker-only node (process.roles=broker) receives the"
                                + " metadata log from the controllers.");
    }

    private static void defineSocket() {
        DEF.define(
                        BrokerConfig.LISTENERS,
                        LIST,
                        "PLAINTEXT://127.0.0.1:9092",
                        ConfigDef.ValidList.anyNonDuplicateValues(false),
                        HIGH,
                        "NAME://host:port,... to bind.")
                .define(
                        BrokerConfig.ADVERTISED_LISTENERS,
                        LIST,
                        null,
                        ConfigDef.ValidList.anyNonDuplicateValues(false),
                        HIGH,
                        "NAME://host:port,... given to clients; default: listeners.")
                .define(
                        BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP,
                        STRING,
                        PROTOCOL_MAP_DEFAULT,
                        LOW,
                        "Listener name to security protocol.")
                .define(BrokerConfig.INTER_BROKER_LISTENER_NAME, STRING, null, MEDIUM, "Listener between brokers.")
                .define(
                        BrokerConfig.SECURITY_INTER_BROKER_PROTOCOL,
                        STRING,
                        "PLAINTEXT",
                        ConfigDef.ValidString.in("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
                        MEDIUM,
                        "Security protocol between brokers.")
                .define(BrokerConfig.NUM_NETWORK_THREADS, INT, "3", atLeast(1), HIGH, "Network threads.")
                .define(BrokerConfig.SOCKET_SEND_BUFFER_BYTES, INT, "102400", HIGH, "SO_SNDBUF; -1: OS default.")
                .define(BrokerConfig.SOCKET_RECEIVE_BUFFER_BYTES, INT, "102400", HIGH, "SO_RCVBUF; -1: OS default.")
                .define(
                        BrokerConfig.SOCKET_REQUEST_MAX_BYTES,
                        INT,
                        "104857600",
                        atLeast(1),
                        HIGH,
                        "Largest request frame.")
                .define(BrokerConfig.SOCKET_LISTEN_BACKLOG_SIZE, INT, "50", atLeast(1), MEDIUM, "Accept backlog.")
                .define(BrokerConfig.CONNECTIONS_MAX_IDLE_MS, LONG, "600000", MEDIUM, "Idle connections close after.")
                .define(
                        BrokerConfig.MAX_CONNECTIONS,
                        INT,
                        Integer.toString(Integer.MAX_VALUE),
                        atLeast(0),
                        MEDIUM,
                        "Connections allowed at once.")
                .define(
                        BrokerConfig.MAX_CONNECTIONS_PER_IP,
                        INT,
                        Integer.toString(Integer.MAX_VALUE),
                        atLeast(0),
                        MEDIUM,
                        "Connections allowed from one address.");
    }

    private static void defineLog() {
        String max = Long.toString(Long.MAX_VALUE);
        DEF.define(
                        BrokerConfig.LOG_DIRS,
                        LIST,
                        null,
                        ConfigDef.ValidList.anyNonDuplicateValues(false),
                        HIGH,
                        "Data directories; default: log.dir.")
                .define(
                        BrokerConfig.LOG_DIR,
                        LIST,
                        "./data",
                        ConfigDef.ValidList.anyNonDuplicateValues(false),
                        HIGH,
                        "Data directory when log.dirs is not set (Fjord: ./data).")
                .define(BrokerConfig.LOG_SEGMENT_BYTES, INT, "1073741824", atLeast(1024 * 1024), HIGH, "Segment size.")
                .define(BrokerConfig.LOG_ROLL_MS, LONG, null, HIGH, "Segment age; default: log.roll.hours.")
                .define(BrokerConfig.LOG_ROLL_HOURS, INT, "168", atLeast(1), HIGH, "Segment age in hours.")
                .define(
                        BrokerConfig.LOG_ROLL_JITTER_MS,
                        LONG,
                        null,
                        HIGH,
                        "Roll jitter; default: log.roll.jitter.hours.")
                .define(BrokerConfig.LOG_ROLL_JITTER_HOURS, INT, "0", atLeast(0), HIGH, "Roll jitter in hours.")
                .define(BrokerConfig.LOG_RETENTION_MS, LONG, null, HIGH, "Retention; -1: forever.")
                .define(BrokerConfig.LOG_RETENTION_MINUTES, INT, null, HIGH, "Retention in minutes.")
                .define(BrokerConfig.LOG_RETENTION_HOURS, INT, "168", HIGH, "Retention in hours.")
                .define(BrokerConfig.LOG_RETENTION_BYTES, LONG, "-1", HIGH, "Partition size limit; -1: none.")
                .define(
                        BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS,
                        LONG,
                        "300000",
                        atLeast(1),
                        MEDIUM,
                        "How often retention runs.")
                .define(
                        BrokerConfig.LOG_CLEANUP_POLICY,
                        LIST,
                        "delete",
                        ConfigDef.ValidList.in(true, "compact", "delete"),
                        MEDIUM,
                        "Default cleanup.policy.")
                .define(
                        BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES,
                        INT,
                        "10485760",
                        atLeast(4),
                        MEDIUM,
                        "Offset index size.")
                .define(BrokerConfig.LOG_INDEX_INTERVAL_BYTES, INT, "4096", atLeast(0), MEDIUM, "Index entry interval.")
                .define(
                        BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES,
                        LONG,
                        max,
                        atLeast(1),
                        HIGH,
                        "fsync every N messages.")
                .define(
                        BrokerConfig.LOG_FLUSH_INTERVAL_MS,
                        LONG,
                        null,
                        HIGH,
                        "fsync every N ms; default: log.flush.scheduler.interval.ms.")
                .define(BrokerConfig.LOG_FLUSH_SCHEDULER_INTERVAL_MS, LONG, max, HIGH, "Flusher check interval.")
                .define(BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS, LONG, "60000", atLeast(0), HIGH, "File delete delay.")
                .define(BrokerConfig.LOG_PREALLOCATE, BOOLEAN, "false", MEDIUM, "Preallocate segment files.")
                .define(
                        BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE,
                        STRING,
                        "CreateTime",
                        ConfigDef.ValidString.in("CreateTime", "LogAppendTime"),
                        MEDIUM,
                        "Default timestamp type.")
                .define(
                        BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                        LONG,
                        max,
                        atLeast(0),
                        MEDIUM,
                        "How old a CreateTime timestamp may be.")
                .define(
                        BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                        LONG,
                        "3600000",
                        atLeast(0),
                        MEDIUM,
                        "How far ahead a CreateTime timestamp may be.")
                .define(
                        BrokerConfig.NUM_RECOVERY_THREADS_PER_DATA_DIR,
                        INT,
                        "2",
                        atLeast(1),
                        HIGH,
                        "Recovery threads per data directory.");
    }

    private static void defineLogCleaner() {
        DEF.define(
                        BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS,
                        LONG,
                        "86400000",
                        atLeast(0),
                        MEDIUM,
                        "Tombstone retention.")
                .define(
                        BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS,
                        LONG,
                        "0",
                        atLeast(0),
                        MEDIUM,
                        "Minimum compaction lag.")
                .define(
                        BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS,
                        LONG,
                        Long.toString(Long.MAX_VALUE),
                        atLeast(1),
                        MEDIUM,
                        "Maximum compaction lag.")
                .define(
                        BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO,
                        DOUBLE,
                        "0.5",
                        between(0, 1),
                        MEDIUM,
                        "Dirty ratio that triggers compaction.");
    }

    private static void defineReplicationAndCoordinators() {
        DEF.define(
                        BrokerConfig.AUTO_LEADER_REBALANCE_ENABLE,
                        BOOLEAN,
                        "true",
                        MEDIUM,
                        "Move leadership back to preferred replicas.")
                .define(
                        BrokerConfig.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS,
                        LONG,
                        "300",
                        atLeast(1),
                        MEDIUM,
                        "How often the controller checks leader imbalance.")
                .define(
                        BrokerConfig.LEADER_IMBALANCE_PER_BROKER_PERCENTAGE,
                        INT,
                        "10",
                        between(0, 100),
                        MEDIUM,
                        "Imbalance per broker that triggers a rebalance.")
                .define(
                        BrokerConfig.CONTROLLED_SHUTDOWN_ENABLE,
                        BOOLEAN,
                        "true",
                        MEDIUM,
                        "Hand leadership away before stopping.")
                .define(
                        BrokerConfig.NUM_REPLICA_FETCHERS,
                        INT,
                        "1",
                        atLeast(1),
                        MEDIUM,
                        "Fetcher threads per source broker.")
                .define(
                        BrokerConfig.REPLICA_FETCH_BACKOFF_MS,
                        INT,
                        "1000",
                        atLeast(0),
                        MEDIUM,
                        "Wait after a failed replica fetch.")
                .define(
                        BrokerConfig.REPLICA_FETCH_MAX_BYTES,
                        INT,
                        "1048576",
                        atLeast(0),
                        MEDIUM,
                        "Bytes fetched per partition by a follower.")
                .define(
                        BrokerConfig.FETCH_MAX_BYTES,
                        INT,
                        "57671680",
                        atLeast(1024),
                        MEDIUM,
                        "The most bytes one fetch response carries, whatever its request asks (a first record batch"
                                + " larger than it is still sent whole).")
                .define(
                        BrokerConfig.REPLICA_FETCH_MIN_BYTES,
                        INT,
                        "1",
                        atLeast(0),
                        MEDIUM,
                        "Bytes a follower fetch waits for.")
                .define(
                        BrokerConfig.REPLICA_FETCH_RESPONSE_MAX_BYTES,
                        INT,
                        "10485760",
                        atLeast(0),
                        MEDIUM,
                        "Bytes per follower fetch response.")
                .define(
                        BrokerConfig.REPLICA_FETCH_WAIT_MAX_MS,
                        INT,
                        "500",
                        atLeast(0),
                        MEDIUM,
                        "Longest wait of a follower fetch.")
                .define(
                        BrokerConfig.REPLICA_SOCKET_TIMEOUT_MS,
                        INT,
                        "30000",
                        atLeast(1),
                        MEDIUM,
                        "Socket timeout of follower fetches.")
                .define(
                        BrokerConfig.REPLICA_SELECTOR_CLASS,
                        STRING,
                        null,
                        MEDIUM,
                        "Chooses the replica a consumer reads from (KIP-392).")
                .define(BrokerConfig.LOG_CLEANER_ENABLE, BOOLEAN, "true", MEDIUM, "Run the log cleaner (compaction).")
                .define(BrokerConfig.LOG_CLEANER_THREADS, INT, "1", atLeast(0), MEDIUM, "Log cleaner threads.")
                .define(
                        BrokerConfig.LOG_CLEANER_BACKOFF_MS,
                        LONG,
                        "15000",
                        atLeast(0),
                        MEDIUM,
                        "Sleep when no log needs cleaning.")
                .define(
                        BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE,
                        LONG,
                        "134217728",
                        atLeast(0),
                        MEDIUM,
                        "Memory for the cleaner's key map, all threads.")
                .define(
                        BrokerConfig.LOG_CLEANER_IO_BUFFER_SIZE,
                        INT,
                        "524288",
                        atLeast(0),
                        MEDIUM,
                        "Cleaner read/write buffer, all threads.")
                .define(
                        BrokerConfig.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND,
                        DOUBLE,
                        Double.toString(Double.MAX_VALUE),
                        MEDIUM,
                        "Cleaner I/O limit.")
                .define(
                        BrokerConfig.FJORD_PAGE_CACHE_BUDGET_BYTES,
                        LONG,
                        "-1",
                        atLeast(-1),
                        LOW,
                        "Fjord: the page cache the logs' appends may hold before the oldest appended data is dropped"
                                + " from it (once written to disk), so new appends reuse that memory; -1: an eighth"
                                + " of the machine's memory (at least 256 MiB); 0: leave it all to the kernel."
                                + " Linux only.");
        DEF.define(BrokerConfig.REPLICA_LAG_TIME_MAX_MS, LONG, "30000", HIGH, "Lag that drops a follower from ISR.")
                .define(
                        BrokerConfig.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS,
                        INT,
                        "1000",
                        atLeast(0),
                        MEDIUM,
                        "Most incremental fetch sessions kept.")
                .define(
                        BrokerConfig.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS,
                        LONG,
                        "120000",
                        MEDIUM,
                        "Idle time before a fetch session may be evicted.")
                .define(
                        BrokerConfig.REPLICATION_QUOTA_WINDOW_NUM,
                        INT,
                        "11",
                        atLeast(1),
                        LOW,
                        "Samples kept by the replication throttle's byte rate.")
                .define(
                        BrokerConfig.REPLICATION_QUOTA_WINDOW_SIZE_SECONDS,
                        INT,
                        "1",
                        atLeast(1),
                        LOW,
                        "Length of one sample of the replication throttle's byte rate.")
                .define(
                        BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS,
                        INT,
                        "50",
                        atLeast(1),
                        HIGH,
                        "Partitions of __consumer_offsets.")
                .define(
                        BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR,
                        SHORT,
                        "3",
                        atLeast(1),
                        HIGH,
                        "Replication factor of __consumer_offsets (capped by live brokers).")
                .define(
                        BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES,
                        INT,
                        "104857600",
                        atLeast(1),
                        HIGH,
                        "Segment size of __consumer_offsets.")
                .define(
                        BrokerConfig.OFFSETS_RETENTION_MINUTES,
                        INT,
                        "10080",
                        atLeast(1),
                        HIGH,
                        "Retention of committed offsets of empty groups.")
                .define(
                        BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS,
                        LONG,
                        "600000",
                        atLeast(1),
                        HIGH,
                        "How often stale offsets are removed.")
                .define(BrokerConfig.OFFSET_METADATA_MAX_BYTES, INT, "4096", HIGH, "Largest offset commit metadata.")
                .define(
                        BrokerConfig.TRANSACTION_STATE_LOG_REPLICATION_FACTOR,
                        SHORT,
                        "3",
                        atLeast(1),
                        HIGH,
                        "Replication factor of __transaction_state.")
                .define(
                        BrokerConfig.TRANSACTION_STATE_LOG_NUM_PARTITIONS,
                        INT,
                        "50",
                        atLeast(1),
                        HIGH,
                        "Partitions of __transaction_state.")
                .define(
                        BrokerConfig.TRANSACTION_STATE_LOG_MIN_ISR,
                        INT,
                        "2",
                        atLeast(1),
                        HIGH,
                        "min.insync.replicas of __transaction_state.")
                .define(
                        BrokerConfig.TRANSACTION_MAX_TIMEOUT_MS,
                        INT,
                        "900000",
                        atLeast(1),
                        HIGH,
                        "Largest transaction timeout.")
                .define(
                        BrokerConfig.TRANSACTION_STATE_LOG_SEGMENT_BYTES,
                        INT,
                        "104857600",
                        atLeast(1),
                        HIGH,
                        "Segment size of __transaction_state.")
                .define(
                        BrokerConfig.TRANSACTIONAL_ID_EXPIRATION_MS,
                        INT,
                        "604800000",
                        atLeast(1),
                        HIGH,
                        "How long a transactional id with no transaction open is kept.")
                .define(
                        BrokerConfig.TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS,
                        INT,
                        "10000",
                        atLeast(1),
                        LOW,
                        "How often transactions open past their timeout are aborted.")
                .define(
                        BrokerConfig.TRANSACTION_PARTITION_VERIFICATION_ENABLE,
                        BOOLEAN,
                        "true",
                        HIGH,
                        "Verify with the transaction coordinator that a partition is in the producer's ongoing"
                                + " transaction before appending the transaction's first batch to it (KIP-890).")
                .define(
                        BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS,
                        INT,
                        "3000",
                        MEDIUM,
                        "Wait for more members before the first rebalance.")
                .define(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS, INT, "6000", MEDIUM, "Smallest session timeout.")
                .define(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS, INT, "1800000", MEDIUM, "Largest session timeout.")
                .define(
                        BrokerConfig.GROUP_MAX_SIZE,
                        INT,
                        Integer.toString(Integer.MAX_VALUE),
                        atLeast(1),
                        MEDIUM,
                        "Members allowed in one classic group.")
                .define(
                        BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS,
                        INT,
                        "45000",
                        atLeast(1),
                        MEDIUM,
                        "Session timeout of consumer-protocol groups.")
                .define(
                        BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS,
                        INT,
                        "5000",
                        atLeast(1),
                        MEDIUM,
                        "Heartbeat interval of consumer-protocol groups.")
                .define(
                        BrokerConfig.GROUP_CONSUMER_MAX_SIZE,
                        INT,
                        Integer.toString(Integer.MAX_VALUE),
                        atLeast(1),
                        MEDIUM,
                        "Members allowed in one consumer-protocol group.");
    }

    /** True when Kafka's broker knows {@code name} (typed here, or listed, or under a known prefix). */
    static boolean isKafkaKey(String name) {
        if (DEF.key(name) != null || OtherKafkaKeys.KEYS.contains(name)) {
            return true;
        }
        for (String prefix : OtherKafkaKeys.PREFIXES) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /** The known key closest to {@code name} by edit distance, or null when none is close. */
    static String closestKey(String name) {
        String best = null;
        int bestDistance = Math.max(2, name.length() / 4) + 1;
        List<String> candidates = new ArrayList<>(DEF.names());
        candidates.addAll(OtherKafkaKeys.KEYS);
        for (String candidate : candidates) {
            int d = distance(name, candidate, bestDistance);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The Kafka broker keys Fjord accepts without typing them, read from {@code kafka-broker-keys.txt} when a key
     * Fjord does not define is first checked. A configuration of Fjord's own keys never reads the file: finding it
     * opens the jars ahead of fjord-common on the class path, about 10 ms of the broker's start.
     */
    private static final class OtherKafkaKeys {

        static final Set<String> KEYS = new HashSet<>();
        static final List<String> PREFIXES = new ArrayList<>();

        static {
            try (InputStream in = BrokerConfigDef.class.getResourceAsStream("kafka-broker-keys.txt")) {
                if (in == null) {
                    throw new IllegalStateException("kafka-broker-keys.txt is missing from the classpath");
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = reader.readLine()) != null) {
                    line = line.trim();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    if (line.endsWith(".")) {
                        PREFIXES.add(line);
                    } else {
                        KEYS.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private OtherKafkaKeys() {}
    }
}

package io.fjord.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A broker's static configuration: the properties file plus command-line overrides, parsed with Kafka's
 * key names, types, defaults and precedence rules into typed accessors. Every key Kafka's broker knows is
 * accepted (a Kafka {@code server.properties} works unchanged), even when Fjord does not use it yet; a key
 * Kafka does not know is refused with a {@link ConfigException} naming it. Immutable; safe from any
 * thread.
 */
public final class BrokerConfig {

    public static final String NODE_ID = "node.id";
    public static final String BROKER_ID = "broker.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String BROKER_RACK = "broker.rack";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String SECURITY_INTER_BROKER_PROTOCOL = "security.inter.broker.protocol";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String AUTHORIZER_CLASS_NAME = "authorizer.class.name";
    /** Kafka's KRaft authorizer, the only one Fjord runs: ACLs kept in the metadata log. */
    public static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    public static final String SUPER_USERS = "super.users";
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND = "allow.everyone.if.no.acl.found";
    public static final String PRINCIPAL_BUILDER_CLASS = "principal.builder.class";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String METADATA_LOG_MAX_RECORD_BYTES_BETWEEN_SNAPSHOTS =
            "metadata.log.max.record.bytes.between.snapshots";
    public static final String METADATA_LOG_MAX_SNAPSHOT_INTERVAL_MS = "metadata.log.max.snapshot.interval.ms";
    /** Fjord's own key: the Raft port on which a broker-only node receives the metadata log. */
    public static final String FJORD_METADATA_LISTENER_PORT = "fjord.metadata.listener.port";

    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_ROLL_JITTER_MS = "log.roll.jitter.ms";
    public static final String LOG_ROLL_JITTER_HOURS = "log.roll.jitter.hours";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    public static final String LOG_PREALLOCATE = "log.preallocate";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String NUM_RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_LISTEN_BACKLOG_SIZE = "socket.listen.backlog.size";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String QUEUED_MAX_REQUESTS = "queued.max.requests";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String BACKGROUND_THREADS = "background.threads";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = "leader.imbalance.per.broker.percentage";
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    public static final String REPLICA_SELECTOR_CLASS = "replica.selector.class";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_SIZE = "log.cleaner.io.buffer.size";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String FJORD_PAGE_CACHE_BUDGET_BYTES = "fjord.page.cache.budget.bytes";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS = "min.incremental.fetch.session.eviction.ms";
    public static final String REPLICATION_QUOTA_WINDOW_NUM = "replication.quota.window.num";
    public static final String REPLICATION_QUOTA_WINDOW_SIZE_SECONDS = "replication.quota.window.size.seconds";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTION_STATE_LOG_SEGMENT_BYTES = "transaction.state.log.segment.bytes";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_PARTITION_VERIFICATION_ENABLE = "transaction.partition.verification.enable";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";

    private final Map<String, String> originals;
    private final Map<String, Object> values;
    private final int nodeId;
    private final List<Endpoint> listeners;
    private final List<Endpoint> advertisedListeners;
    private final Map<String, String> securityProtocols;
    private final List<QuorumVoter> quorumVoters;
    private final String interBrokerListenerName;
    private final List<Path> logDirs;

    private BrokerConfig(Map<String, String> originals, Map<String, Object> values) {
        this.originals = originals;
        this.values = values;
        this.nodeId = resolveNodeId();
        this.securityProtocols = parseProtocolMap();
        this.listeners = Endpoint.parseList(LISTENERS, list(LISTENERS));
        this.advertisedListeners = resolveAdvertisedListeners();
        checkSecurityProtocols();
        checkAuthorizer();
        this.interBrokerListenerName = resolveInterBrokerListenerName();
        this.quorumVoters = parseVoters();
        List<Path> dirs = new ArrayList<>();
        for (String dir : values.get(LOG_DIRS) != null ? list(LOG_DIRS) : list(LOG_DIR)) {
            dirs.add(Path.of(dir));
        }
        this.logDirs = List.copyOf(dirs);
    }

    /**
     * Parses broker properties (the file's entries with overrides already applied).
     *
     * @throws ConfigException naming the first key that is not a Kafka broker key or whose value is bad
     */
    public static BrokerConfig parse(Map<String, String> props) {
        Map<String, String> originals = new TreeMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String name = e.getKey().trim();
            if (!BrokerConfigDef.isKafkaKey(name)) {
                String suggestion = BrokerConfigDef.closestKey(name);
                throw new ConfigException(
                        name,
                        "Unknown configuration " + name + ": not a Kafka broker configuration"
                                + (suggestion == null ? "" : " (did you mean " + suggestion + "?)"));
            }
            originals.put(name, e.getValue());
        }
        for (String topicKey : TopicConfigs.names()) {
            // A broker synonym's value must also be a valid value of the topic key it supplies.
            for (TopicConfigs.BrokerSynonym synonym : TopicConfigs.brokerSynonyms(topicKey)) {
                if (originals.containsKey(synonym.name()) && BrokerConfigDef.DEF.key(synonym.name()) == null) {
                    TopicConfigs.definition().key(topicKey).parse(originals.get(synonym.name()));
                }
            }
        }
        return new BrokerConfig(Collections.unmodifiableMap(originals), BrokerConfigDef.DEF.parse(originals));
    }

    /** The typed broker keys Fjord reads, with Kafka's defaults (Fjord's where noted). */
    public static ConfigDef definition() {
        return BrokerConfigDef.DEF;
    }

    /** True when Kafka's broker knows {@code name}. */
    public static boolean isKafkaBrokerKey(String name) {
        return BrokerConfigDef.isKafkaKey(name);
    }

    private int resolveNodeId() {
        Integer brokerId = (Integer) values.get(BROKER_ID);
        if (brokerId != null && originals.containsKey(NODE_ID) && brokerId != (int) (Integer) values.get(NODE_ID)) {
            throw new ConfigException(
                    BROKER_ID, brokerId, "broker.id must equal node.id (" + values.get(NODE_ID) + ")");
        }
        return brokerId != null && !originals.containsKey(NODE_ID) ? brokerId : (Integer) values.get(NODE_ID);
    }

    private Map<String, String> parseProtocolMap() {
        String raw = (String) values.get(LISTENER_SECURITY_PROTOCOL_MAP);
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : raw.isEmpty() ? new String[0] : raw.split("\\s*,\\s*")) {
            String[] parts = entry.split("\\s*:\\s*");
            if (parts.length != 2 || parts[0].isEmpty()) {
                throw new ConfigException(
                        LISTENER_SECURITY_PROTOCOL_MAP, raw, "Entries must be NAME:PROTOCOL, found " + entry);
            }
            String protocol = parts[1].toUpperCase(Locale.ROOT);
            if (!List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(protocol)) {
                throw new ConfigException(LISTENER_SECURITY_PROTOCOL_MAP, raw, "Unknown security protocol " + parts[1]);
            }
            map.put(parts[0].toUpperCase(Locale.ROOT), protocol);
        }
        if (!originals.containsKey(LISTENER_SECURITY_PROTOCOL_MAP)) {
            // Kafka maps the controller listeners to PLAINTEXT when the map is left at its default.
            for (String name : list(CONTROLLER_LISTENER_NAMES)) {
                map.putIfAbsent(name.toUpperCase(Locale.ROOT), "PLAINTEXT");
            }
        }
        return Collections.unmodifiableMap(map);
    }

    private List<Endpoint> resolveAdvertisedListeners() {
        for (Endpoint e : listeners) {
            if (!securityProtocols.containsKey(e.listenerName())) {
                throw new ConfigException(
                        LISTENERS,
                        e,
                        "Listener name " + e.listenerName() + " is not defined in " + LISTENER_SECURITY_PROTOCOL_MAP);
            }
        }
        List<String> controllerNames = upper(list(CONTROLLER_LISTENER_NAMES));
        if (values.get(ADVERTISED_LISTENERS) != null) {
            List<Endpoint> advertised = Endpoint.parseList(ADVERTISED_LISTENERS, list(ADVERTISED_LISTENERS));
            for (Endpoint e : advertised) {
                if (e.isWildcard()) {
                    throw new ConfigException(
                            ADVERTISED_LISTENERS,
                            e,
                            "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. "
                                    + "Use a routable IP address.");
                }
                if (listeners.stream().noneMatch(l -> l.listenerName().equals(e.listenerName()))) {
                    throw new ConfigException(
                            ADVERTISED_LISTENERS, e, "Listener " + e.listenerName() + " is not one of " + LISTENERS);
                }
            }
            List<Endpoint> result = new ArrayList<>(advertised);
            for (Endpoint l : listeners) {
                if (advertised.stream().noneMatch(a -> a.listenerName().equals(l.listenerName()))) {
                    result.add(checkAdvertisable(l, controllerNames));
                }
            }
            return List.copyOf(result);
        }
        List<Endpoint> result = new ArrayList<>();
        for (Endpoint l : listeners) {
            result.add(checkAdvertisable(l, controllerNames));
        }
        return List.copyOf(result);
    }

    /**
     * Broker listeners may use any of Kafka's four security protocols; a controller listener that is not PLAINTEXT
     * stops the start instead of failing its peers, since the Raft port speaks neither TLS nor SASL.
     */
    private void checkSecurityProtocols() {
        List<String> controllerNames = upper(list(CONTROLLER_LISTENER_NAMES));
        for (Endpoint e : listeners) {
            String protocol = securityProtocols.get(e.listenerName());
            if (controllerNames.contains(e.listenerName()) && !"PLAINTEXT".equals(protocol)) {
                throw new ConfigException(
                        LISTENERS,
                        e,
                        "Listener " + e.listenerName() + " uses security protocol " + protocol
                                + ", which Fjord does not support on a controller listener: controller listeners must"
                                + " be PLAINTEXT");
            }
        }
    }

    /**
     * The authorizer may only be Kafka's {@link #STANDARD_AUTHORIZER} (or empty, Kafka's default: no authorizer);
     * another class cannot be loaded, and starting without it would let everyone do everything. With it, the
     * principals it judges are built by Kafka's default builder, the only one Fjord has: {@code
     * principal.builder.class} must name it or be unset; and {@code super.users} must parse.
     */
    private void checkAuthorizer() {
        String authorizer = authorizerClassName();
        if (authorizer.isEmpty()) {
            return; // as in Kafka, the principal builder and super users matter only to an authorizer
        }
        if (!authorizer.equals(STANDARD_AUTHORIZER)) {
            throw new ConfigException(
                    AUTHORIZER_CLASS_NAME,
                    authorizer,
                    "Fjord's authorizer is Kafka's " + STANDARD_AUTHORIZER + " (ACLs kept in the metadata log);"
                            + " other authorizer classes cannot be loaded");
        }
        String builder = originals.getOrDefault(PRINCIPAL_BUILDER_CLASS, "").trim();
        if (!builder.isEmpty()
                && !builder.equals("org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder")) {
            throw new ConfigException(
                    PRINCIPAL_BUILDER_CLASS,
                    builder,
                    "Fjord builds principals as Kafka's DefaultKafkaPrincipalBuilder does; other builder classes"
                            + " cannot be loaded");
        }
        superUsers();
    }

    /** {@code authorizer.class.name}, trimmed; empty when there is no authorizer. */
    public String authorizerClassName() {
        return originals.getOrDefault(AUTHORIZER_CLASS_NAME, "").trim();
    }

    /** Whether ACLs are enforced ({@code authorizer.class.name} names Kafka's StandardAuthorizer). */
    public boolean authorizerEnabled() {
        return !authorizerClassName().isEmpty();
    }

    /**
     * {@code super.users}: principals ({@code User:admin}) separated by semicolons, each allowed everything whatever
     * the ACLs say. A principal without a {@code :} is refused, as Kafka's StandardAuthorizer refuses it.
     */
    public Set<String> superUsers() {
        Set<String> users = new LinkedHashSet<>();
        String configured = (String) values.get(SUPER_USERS);
        for (String part : (configured == null ? "" : configured).split(";")) {
            String user = part.trim();
            if (user.isEmpty()) {
                continue;
            }
            int colon = user.indexOf(':');
            if (colon <= 0 || colon == user.length() - 1) {
                throw new ConfigException(
                        SUPER_USERS,
                        configured,
                        "expected principals of the form Type:name separated by ';', got `" + user + "`");
            }
            users.add(user);
        }
        return Collections.unmodifiableSet(users);
    }

    /** {@code allow.everyone.if.no.acl.found}: a resource with no ACL at all is open to everyone (default false). */
    public boolean allowEveryoneIfNoAclFound() {
        return booleanValue(ALLOW_EVERYONE_IF_NO_ACL_FOUND);
    }

    /**
     * Kafka's rule: {@code inter.broker.listener.name}, else the listener named after {@code
     * security.inter.broker.protocol} (PLAINTEXT), which must be one of the broker's advertised listeners. When neither
     * key is set and no listener is called PLAINTEXT, Fjord takes the first broker listener where Kafka stops. Null on
     * a controller-only node.
     */
    private String resolveInterBrokerListenerName() {
        String named = (String) values.get(INTER_BROKER_LISTENER_NAME);
        boolean protocolSet = originals.containsKey(SECURITY_INTER_BROKER_PROTOCOL);
        if (named != null && protocolSet) {
            throw new ConfigException(
                    INTER_BROKER_LISTENER_NAME,
                    named,
                    "Only one of " + INTER_BROKER_LISTENER_NAME + " and " + SECURITY_INTER_BROKER_PROTOCOL
                            + " should be set.");
        }
        List<String> controllerNames = upper(list(CONTROLLER_LISTENER_NAMES));
        List<String> brokerListeners = advertisedListeners.stream()
                .map(Endpoint::listenerName)
                .filter(name -> !controllerNames.contains(name))
                .toList();
        if (brokerListeners.isEmpty()) {
            return null;
        }
        String wanted =
                (named != null ? named : (String) values.get(SECURITY_INTER_BROKER_PROTOCOL)).toUpperCase(Locale.ROOT);
        if (brokerListeners.contains(wanted)) {
            return wanted;
        }
        if (named != null || protocolSet) {
            throw new ConfigException(
                    named != null ? INTER_BROKER_LISTENER_NAME : SECURITY_INTER_BROKER_PROTOCOL,
                    named != null ? named : wanted,
                    INTER_BROKER_LISTENER_NAME + " must be a listener name defined in " + ADVERTISED_LISTENERS
                            + ". The valid options based on currently configured listeners are "
                            + String.join(",", brokerListeners));
        }
        return brokerListeners.get(0);
    }

    private static Endpoint checkAdvertisable(Endpoint listener, List<String> controllerNames) {
        if (listener.isWildcard() && !controllerNames.contains(listener.listenerName())) {
            throw new ConfigException(
                    LISTENERS,
                    listener,
                    "A listener bound to every interface needs an address " + "clients can reach: set "
                            + ADVERTISED_LISTENERS + " for " + listener.listenerName());
        }
        return listener;
    }

    private List<QuorumVoter> parseVoters() {
        List<QuorumVoter> voters = new ArrayList<>();
        for (String entry : list(CONTROLLER_QUORUM_VOTERS)) {
            voters.add(QuorumVoter.parse(CONTROLLER_QUORUM_VOTERS, entry));
        }
        return List.copyOf(voters);
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String name) {
        Object v = values.get(name);
        return v == null ? List.of() : (List<String>) v;
    }

    private static List<String> upper(List<String> names) {
        return names.stream().map(n -> n.toUpperCase(Locale.ROOT)).toList();
    }

    private int intValue(String name) {
        return (Integer) values.get(name);
    }

    private long longValue(String name) {
        return (Long) values.get(name);
    }

    private boolean booleanValue(String name) {
        return (Boolean) values.get(name);
    }

    /** The keys and values exactly as given (file + overrides), sorted by key. */
    public Map<String, String> originals() {
        return originals;
    }

    /** The parsed value of a typed key (see {@link #definition()}), or null when unset. */
    public Object value(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("Not a typed broker configuration: " + name);
        }
        return values.get(name);
    }

    public int nodeId() {
        return nodeId;
    }

    /** The roles of this node: {@code broker}, {@code controller} or both. */
    public Set<String> processRoles() {
        return Set.copyOf(list(PROCESS_ROLES));
    }

    /** The addresses to bind, in the order given. */
    public List<Endpoint> listeners() {
        return listeners;
    }

    /** What clients are told, per listener: {@code advertised.listeners}, else the bound listener. */
    public List<Endpoint> advertisedListeners() {
        return advertisedListeners;
    }

    /** Listener name (upper case) to security protocol. */
    public Map<String, String> listenerSecurityProtocolMap() {
        return securityProtocols;
    }

    /** The security protocol of listener {@code listenerName}. */
    public String securityProtocol(String listenerName) {
        return securityProtocols.get(listenerName.toUpperCase(Locale.ROOT));
    }

    /**
     * The SASL mechanisms listener {@code listenerName} offers: {@code listener.name.<listener>.sasl.enabled.mechanisms},
     * else {@code sasl.enabled.mechanisms}, else Kafka's default GSSAPI.
     */
    public List<String> saslEnabledMechanisms(String listenerName) {
        String value = originals.get(listenerPrefix(listenerName) + "sasl.enabled.mechanisms");
        if (value == null) {
            value = originals.getOrDefault("sasl.enabled.mechanisms", "GSSAPI");
        }
        return java.util.Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(m -> !m.isEmpty())
                .toList();
    }

    /** Kafka's per-listener key prefix, {@code listener.name.<listener name in lower case>.}. */
    public static String listenerPrefix(String listenerName) {
        return "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
    }

    /**
     * The listener other brokers are reached on (replica fetchers, transaction markers): see {@code
     * inter.broker.listener.name}. Null on a controller-only node.
     */
    public String interBrokerListenerName() {
        return interBrokerListenerName;
    }

    public List<String> controllerListenerNames() {
        return upper(list(CONTROLLER_LISTENER_NAMES));
    }

    public List<QuorumVoter> controllerQuorumVoters() {
        return quorumVoters;
    }

    /** The data directories: {@code log.dirs}, else {@code log.dir} (Fjord default {@code ./data}). */
    public List<Path> logDirs() {
        return logDirs;
    }

    /** {@code metadata.log.dir}, else the first data directory. */
    public Path metadataLogDir() {
        String dir = (String) values.get(METADATA_LOG_DIR);
        return dir == null ? logDirs.get(0) : Path.of(dir);
    }

    /** Bytes of metadata batches appended after which the single-node metadata log takes a snapshot. */
    public long metadataLogMaxRecordBytesBetweenSnapshots() {
        return longValue(METADATA_LOG_MAX_RECORD_BYTES_BETWEEN_SNAPSHOTS);
    }

    /** Time after which the single-node metadata log snapshots if anything was appended; 0 turns it off. */
    public long metadataLogMaxSnapshotIntervalMs() {
        return longValue(METADATA_LOG_MAX_SNAPSHOT_INTERVAL_MS);
    }

    /**
     * A broker-only node's Raft port ({@code fjord.metadata.listener.port}): the controllers send it the
     * committed metadata log there, as to a non-voting Ratis listener. Empty when not set.
     */
    public OptionalInt metadataListenerPort() {
        Integer port = (Integer) values.get(FJORD_METADATA_LISTENER_PORT);
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    public Optional<String> brokerRack() {
        return Optional.ofNullable((String) values.get(BROKER_RACK));
    }

    public int numPartitions() {
        return intValue(NUM_PARTITIONS);
    }

    public int defaultReplicationFactor() {
        return intValue(DEFAULT_REPLICATION_FACTOR);
    }

    public int minInsyncReplicas() {
        return intValue(MIN_INSYNC_REPLICAS);
    }

    public boolean autoCreateTopicsEnable() {
        return booleanValue(AUTO_CREATE_TOPICS_ENABLE);
    }

    public boolean deleteTopicEnable() {
        return booleanValue(DELETE_TOPIC_ENABLE);
    }

    public boolean uncleanLeaderElectionEnable() {
        return booleanValue(UNCLEAN_LEADER_ELECTION_ENABLE);
    }

    public String compressionType() {
        return (String) values.get(COMPRESSION_TYPE);
    }

    /**
     * Retention by age, Kafka's precedence: {@code log.retention.ms}, else {@code log.retention.minutes},
     * else {@code log.retention.hours} (168). Any negative value means forever and is returned as -1.
     */
    public long logRetentionMs() {
        Long ms = (Long) values.get(LOG_RETENTION_MS);
        Integer minutes = (Integer) values.get(LOG_RETENTION_MINUTES);
        long millis = ms != null
                ? ms
                : minutes != null
                        ? minutes * TopicConfigs.MINUTE_MS
                        : intValue(LOG_RETENTION_HOURS) * TopicConfigs.HOUR_MS;
        return millis < 0 ? -1 : millis;
    }

    public long logRetentionBytes() {
        return longValue(LOG_RETENTION_BYTES);
    }

    public long logRetentionCheckIntervalMs() {
        return longValue(LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    public int logSegmentBytes() {
        return intValue(LOG_SEGMENT_BYTES);
    }

    /** {@code log.roll.ms}, else {@code log.roll.hours} (168) in ms. */
    public long logRollMs() {
        Long ms = (Long) values.get(LOG_ROLL_MS);
        return ms != null ? ms : intValue(LOG_ROLL_HOURS) * TopicConfigs.HOUR_MS;
    }

    /** {@code log.roll.jitter.ms}, else {@code log.roll.jitter.hours} (0) in ms. */
    public long logRollJitterMs() {
        Long ms = (Long) values.get(LOG_ROLL_JITTER_MS);
        return ms != null ? ms : intValue(LOG_ROLL_JITTER_HOURS) * TopicConfigs.HOUR_MS;
    }

    @SuppressWarnings("unchecked")
    public List<String> logCleanupPolicy() {
        return (List<String>) values.get(LOG_CLEANUP_POLICY);
    }

    public int logIndexSizeMaxBytes() {
        return intValue(LOG_INDEX_SIZE_MAX_BYTES);
    }

    public int logIndexIntervalBytes() {
        return intValue(LOG_INDEX_INTERVAL_BYTES);
    }

    public long logFlushIntervalMessages() {
        return longValue(LOG_FLUSH_INTERVAL_MESSAGES);
    }

    /** {@code log.flush.interval.ms}, else {@code log.flush.scheduler.interval.ms} (Long.MAX_VALUE). */
    public long logFlushIntervalMs() {
        Long ms = (Long) values.get(LOG_FLUSH_INTERVAL_MS);
        return ms != null ? ms : longValue(LOG_FLUSH_SCHEDULER_INTERVAL_MS);
    }

    public long logSegmentDeleteDelayMs() {
        return longValue(LOG_SEGMENT_DELETE_DELAY_MS);
    }

    public String logMessageTimestampType() {
        return (String) values.get(LOG_MESSAGE_TIMESTAMP_TYPE);
    }

    public long logMessageTimestampBeforeMaxMs() {
        return longValue(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
    }

    public long logMessageTimestampAfterMaxMs() {
        return longValue(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS);
    }

    public int numRecoveryThreadsPerDataDir() {
        return intValue(NUM_RECOVERY_THREADS_PER_DATA_DIR);
    }

    public int messageMaxBytes() {
        return intValue(MESSAGE_MAX_BYTES);
    }

    public int socketRequestMaxBytes() {
        return intValue(SOCKET_REQUEST_MAX_BYTES);
    }

    public int socketSendBufferBytes() {
        return intValue(SOCKET_SEND_BUFFER_BYTES);
    }

    public int socketReceiveBufferBytes() {
        return intValue(SOCKET_RECEIVE_BUFFER_BYTES);
    }

    public int socketListenBacklogSize() {
        return intValue(SOCKET_LISTEN_BACKLOG_SIZE);
    }

    public long connectionsMaxIdleMs() {
        return longValue(CONNECTIONS_MAX_IDLE_MS);
    }

    public int maxConnections() {
        return intValue(MAX_CONNECTIONS);
    }

    public int maxConnectionsPerIp() {
        return intValue(MAX_CONNECTIONS_PER_IP);
    }

    public int queuedMaxRequests() {
        return intValue(QUEUED_MAX_REQUESTS);
    }

    public int numNetworkThreads() {
        return intValue(NUM_NETWORK_THREADS);
    }

    public int numIoThreads() {
        return intValue(NUM_IO_THREADS);
    }

    public int backgroundThreads() {
        return intValue(BACKGROUND_THREADS);
    }

    public long replicaLagTimeMaxMs() {
        return longValue(REPLICA_LAG_TIME_MAX_MS);
    }

    /** Most incremental fetch sessions (KIP-227) the broker keeps; 0 turns sessions off. */
    public int maxIncrementalFetchSessionCacheSlots() {
        return intValue(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS);
    }

    /** How long a fetch session must be idle before a new session may evict it. */
    public long minIncrementalFetchSessionEvictionMs() {
        return longValue(MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS);
    }

    public boolean autoLeaderRebalanceEnable() {
        return booleanValue(AUTO_LEADER_REBALANCE_ENABLE);
    }

    public long leaderImbalanceCheckIntervalSeconds() {
        return longValue(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS);
    }

    public int leaderImbalancePerBrokerPercentage() {
        return intValue(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE);
    }

    public boolean controlledShutdownEnable() {
        return booleanValue(CONTROLLED_SHUTDOWN_ENABLE);
    }

    /** Samples kept by the replication throttle's byte rate ({@code replication.quota.window.num}). */
    public int replicationQuotaWindowNum() {
        return intValue(REPLICATION_QUOTA_WINDOW_NUM);
    }

    /** The length of one sample of the replication throttle's byte rate, in seconds. */
    public int replicationQuotaWindowSizeSeconds() {
        return intValue(REPLICATION_QUOTA_WINDOW_SIZE_SECONDS);
    }

    public int numReplicaFetchers() {
        return intValue(NUM_REPLICA_FETCHERS);
    }

    public int replicaFetchBackoffMs() {
        return intValue(REPLICA_FETCH_BACKOFF_MS);
    }

    public int replicaFetchMaxBytes() {
        return intValue(REPLICA_FETCH_MAX_BYTES);
    }

    public int replicaFetchMinBytes() {
        return intValue(REPLICA_FETCH_MIN_BYTES);
    }

    public int fetchMaxBytes() {
        return intValue(FETCH_MAX_BYTES);
    }

    public int replicaFetchResponseMaxBytes() {
        return intValue(REPLICA_FETCH_RESPONSE_MAX_BYTES);
    }

    public int replicaFetchWaitMaxMs() {
        return intValue(REPLICA_FETCH_WAIT_MAX_MS);
    }

    public int replicaSocketTimeoutMs() {
        return intValue(REPLICA_SOCKET_TIMEOUT_MS);
    }

    /** Chooses the replica a consumer reads from (KIP-392). Null when unset. */
    public String replicaSelectorClass() {
        return (String) values.get(REPLICA_SELECTOR_CLASS);
    }

    public boolean logCleanerEnable() {
        return booleanValue(LOG_CLEANER_ENABLE);
    }

    public int logCleanerThreads() {
        return intValue(LOG_CLEANER_THREADS);
    }

    public long logCleanerBackoffMs() {
        return longValue(LOG_CLEANER_BACKOFF_MS);
    }

    public long logCleanerDedupeBufferSize() {
        return longValue(LOG_CLEANER_DEDUPE_BUFFER_SIZE);
    }

    public int logCleanerIoBufferSize() {
        return intValue(LOG_CLEANER_IO_BUFFER_SIZE);
    }

    public double logCleanerIoMaxBytesPerSecond() {
        return (Double) values.get(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND);
    }

    public long pageCacheBudgetBytes() {
        return longValue(FJORD_PAGE_CACHE_BUDGET_BYTES);
    }

    public int offsetsTopicNumPartitions() {
        return intValue(OFFSETS_TOPIC_NUM_PARTITIONS);
    }

    public short offsetsTopicReplicationFactor() {
        return (Short) values.get(OFFSETS_TOPIC_REPLICATION_FACTOR);
    }

    public int offsetsTopicSegmentBytes() {
        return intValue(OFFSETS_TOPIC_SEGMENT_BYTES);
    }

    public long offsetsRetentionMs() {
        return intValue(OFFSETS_RETENTION_MINUTES) * TopicConfigs.MINUTE_MS;
    }

    public long offsetsRetentionCheckIntervalMs() {
        return longValue(OFFSETS_RETENTION_CHECK_INTERVAL_MS);
    }

    public int offsetMetadataMaxBytes() {
        return intValue(OFFSET_METADATA_MAX_BYTES);
    }

    public short transactionStateLogReplicationFactor() {
        return (Short) values.get(TRANSACTION_STATE_LOG_REPLICATION_FACTOR);
    }

    public int transactionStateLogNumPartitions() {
        return intValue(TRANSACTION_STATE_LOG_NUM_PARTITIONS);
    }

    public int transactionStateLogMinIsr() {
        return intValue(TRANSACTION_STATE_LOG_MIN_ISR);
    }

    public int transactionMaxTimeoutMs() {
        return intValue(TRANSACTION_MAX_TIMEOUT_MS);
    }

    public int transactionStateLogSegmentBytes() {
        return intValue(TRANSACTION_STATE_LOG_SEGMENT_BYTES);
    }

    public long transactionalIdExpirationMs() {
        return intValue(TRANSACTIONAL_ID_EXPIRATION_MS);
    }

    public long transactionAbortTimedOutTransactionCleanupIntervalMs() {
        return intValue(TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS);
    }

    /** KIP-890 part 1: a leader asks the transaction coordinator before a transaction's first batch in a partition. */
    public boolean transactionPartitionVerificationEnable() {
        return booleanValue(TRANSACTION_PARTITION_VERIFICATION_ENABLE);
    }

    public int groupInitialRebalanceDelayMs() {
        return intValue(GROUP_INITIAL_REBALANCE_DELAY_MS);
    }

    public int groupMinSessionTimeoutMs() {
        return intValue(GROUP_MIN_SESSION_TIMEOUT_MS);
    }

    public int groupMaxSessionTimeoutMs() {
        return intValue(GROUP_MAX_SESSION_TIMEOUT_MS);
    }

    public int groupMaxSize() {
        return intValue(GROUP_MAX_SIZE);
    }

    public int groupConsumerSessionTimeoutMs() {
        return intValue(GROUP_CONSUMER_SESSION_TIMEOUT_MS);
    }

    public int groupConsumerHeartbeatIntervalMs() {
        return intValue(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS);
    }

    public int groupConsumerMaxSize() {
        return intValue(GROUP_CONSUMER_MAX_SIZE);
    }

    /**
     * The default value of every topic configuration on this broker (its static broker synonyms applied,
     * e.g. {@code retention.ms} from {@code log.retention.hours}), typed as {@link TopicConfigs#effectiveValues}.
     */
    public Map<String, Object> topicDefaults() {
        return TopicConfigs.effectiveValues(Map.of(), Map.of(), originals);
    }

    /**
     * The DescribeConfigs rows of this broker: every typed key (set or default) and every other key that
     * was set. Sensitive values (passwords, secrets, JAAS) are null.
     */
    public List<ConfigEntry> describe() {
        List<ConfigEntry> entries = new ArrayList<>();
        for (ConfigKey key : BrokerConfigDef.DEF.keys().values()) {
            String set = originals.get(key.name());
            boolean sensitive = key.isSensitive();
            String dflt = sensitive ? null : key.defaultText();
            if (set == null) {
                entries.add(entry(key.name(), dflt, ConfigSource.DEFAULT_CONFIG, sensitive, key.defaultText()));
            } else {
                String value = sensitive ? null : set.trim();
                entries.add(entry(key.name(), value, ConfigSource.STATIC_BROKER_CONFIG, sensitive, key.defaultText()));
            }
        }
        for (Map.Entry<String, String> e : originals.entrySet()) {
            if (BrokerConfigDef.DEF.key(e.getKey()) == null) {
                boolean sensitive = looksSensitive(e.getKey());
                entries.add(entry(
                        e.getKey(),
                        sensitive ? null : e.getValue().trim(),
                        ConfigSource.STATIC_BROKER_CONFIG,
                        sensitive,
                        null));
            }
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        return entries;
    }

    /**
     * One row with Kafka's synonyms: the static setting if there is one, then the default if the key has one (a key
     * whose default is unset, e.g. {@code log.retention.ms}, lists none, as Kafka leaves such defaults out).
     */
    private static ConfigEntry entry(
            String name, String value, ConfigSource source, boolean sensitive, String defaultText) {
        boolean readOnly = !TopicConfigs.isBrokerSynonym(name);
        List<ConfigEntry.Synonym> synonyms = new ArrayList<>(2);
        if (source == ConfigSource.STATIC_BROKER_CONFIG) {
            synonyms.add(new ConfigEntry.Synonym(name, value, source));
        }
        if (defaultText != null) {
            synonyms.add(new ConfigEntry.Synonym(name, sensitive ? null : defaultText, ConfigSource.DEFAULT_CONFIG));
        }
        return new ConfigEntry(
                name, value, source, source == ConfigSource.DEFAULT_CONFIG, sensitive, readOnly, List.copyOf(synonyms));
    }

    private static boolean looksSensitive(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith("password") || n.contains("jaas") || n.contains("secret") || n.endsWith(".key");
    }

    @Override
    public String toString() {
        return "BrokerConfig(nodeId=" + nodeId + ", listeners=" + listeners + ", logDirs=" + logDirs + ")";
    }
}

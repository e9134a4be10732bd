package io.fjord.common.config;

import static io.fjord.common.config.ConfigDef.Importance.MEDIUM;
import static io.fjord.common.config.ConfigDef.Range.atLeast;
import static io.fjord.common.config.ConfigDef.Range.between;
import static io.fjord.common.config.ConfigDef.Type.BOOLEAN;
import static io.fjord.common.config.ConfigDef.Type.DOUBLE;
import static io.fjord.common.config.ConfigDef.Type.INT;
import static io.fjord.common.config.ConfigDef.Type.LIST;
import static io.fjord.common.config.ConfigDef.Type.LONG;
import static io.fjord.common.config.ConfigDef.Type.STRING;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every topic-level configuration Kafka 4.x defines (tiered-storage keys left out), with Kafka's types,
 * defaults and validators, and the broker configurations that supply a topic's value when the topic does
 * not set it (its synonyms, highest precedence first: {@code retention.ms <- log.retention.ms,
 * log.retention.minutes, log.retention.hours}).
 *
 * <p>Precedence of a topic's effective value: the topic's own setting, then for each broker synonym in
 * order a dynamic broker setting, then a static one (properties file), then Kafka's default. Stateless;
 * safe from any thread.
 */
public final class TopicConfigs {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_IN_SYNC_REPLICAS = "min.insync.replicas";
    public static final String PREALLOCATE = "preallocate";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String LEADER_REPLICATION_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_REPLICATION_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";
    public static final String ERRORS_DEADLETTERQUEUE_GROUP_ENABLE = "errors.deadletterqueue.group.enable";

    /** {@code compression.type} values: a codec, {@code uncompressed}, or keep the {@code producer}'s. */
    public static final List<String> COMPRESSION_TYPES =
            List.of("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer");

    static final long HOUR_MS = 60L * 60 * 1000;
    static final long MINUTE_MS = 60L * 1000;
    static final long DEFAULT_RETENTION_MS = 168 * HOUR_MS;
    static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;

    /**
     * A broker configuration that supplies a topic configuration's value.
     *
     * @param name the broker key
     * @param toMsFactor the broker value times this is the topic value (hours and minutes to ms; else 1)
     */
    public record BrokerSynonym(String name, long toMsFactor) {}

    private static final ConfigDef DEF = new ConfigDef();
    private static final Map<String, List<BrokerSynonym>> SYNONYMS = new LinkedHashMap<>();

    static {
        topic(
                CLEANUP_POLICY,
                LIST,
                "delete",
                ConfigDef.ValidList.in(true, "compact", "delete"),
                "delete: old segments are deleted by retention; compact: the last record per key is kept.",
                "log.cleanup.policy");
        topic(
                COMPRESSION_TYPE,
                STRING,
                "producer",
                ConfigDef.ValidString.in(COMPRESSION_TYPES.toArray(String[]::new)),
                "The codec of stored batches; producer keeps the producer's, uncompressed stores them uncompressed.",
                COMPRESSION_TYPE);
        topic(
                COMPRESSION_GZIP_LEVEL,
                INT,
                -1,
                gzipLevel(),
                "The gzip level when compression.type is gzip.",
                COMPRESSION_GZIP_LEVEL);
        topic(
                COMPRESSION_LZ4_LEVEL,
                INT,
                9,
                between(1, 17),
                "The lz4 level when compression.type is lz4.",
                COMPRESSION_LZ4_LEVEL);
        topic(
                COMPRESSION_ZSTD_LEVEL,
                INT,
                3,
                between(-131072, 22),
                "The zstd level when compression.type is zstd.",
                COMPRESSION_ZSTD_LEVEL);
        topic(
                DELETE_RETENTION_MS,
                LONG,
                24 * HOUR_MS,
                atLeast(0),
                "How long delete tombstones are kept in a compacted topic.",
                "log.cleaner.delete.retention.ms");
        topic(
                FILE_DELETE_DELAY_MS,
                LONG,
                60000L,
                atLeast(0),
                "How long a deleted segment's files wait before removal.",
                "log.segment.delete.delay.ms");
        topic(
                FLUSH_MESSAGES,
                LONG,
                Long.MAX_VALUE,
                atLeast(1),
                "fsync after this many messages.",
                "log.flush.interval.messages");
        topic(
                FLUSH_MS,
                LONG,
                Long.MAX_VALUE,
                atLeast(0),
                "fsync after this many milliseconds.",
                "log.flush.interval.ms",
                "log.flush.scheduler.interval.ms");
        topic(
                INDEX_INTERVAL_BYTES,
                INT,
                4096,
                atLeast(0),
                "Bytes between two entries of the offset index.",
                "log.index.interval.bytes");
        topic(
                MAX_COMPACTION_LAG_MS,
                LONG,
                Long.MAX_VALUE,
                atLeast(1),
                "The longest a record stays uncompacted.",
                "log.cleaner.max.compaction.lag.ms");
        topic(
                MAX_MESSAGE_BYTES,
                INT,
                DEFAULT_MAX_MESSAGE_BYTES,
                atLeast(0),
                "The largest record batch the topic accepts.",
                "message.max.bytes");
        topic(
                MESSAGE_TIMESTAMP_TYPE,
                STRING,
                "CreateTime",
                ConfigDef.ValidString.in("CreateTime", "LogAppendTime"),
                "Keep the producer's timestamp (CreateTime) or stamp the broker's (LogAppendTime).",
                "log.message.timestamp.type");
        topic(
                MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                LONG,
                Long.MAX_VALUE,
                atLeast(0),
                "How far in the past a CreateTime timestamp may be.",
                "log.message.timestamp.before.max.ms");
        topic(
                MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                LONG,
                HOUR_MS,
                atLeast(0),
                "How far in the future a CreateTime timestamp may be.",
                "log.message.timestamp.after.max.ms");
        topic(
                MIN_CLEANABLE_DIRTY_RATIO,
                DOUBLE,
                0.5,
                between(0, 1),
                "The dirty share of a log that triggers compaction.",
                "log.cleaner.min.cleanable.ratio");
        topic(
                MIN_COMPACTION_LAG_MS,
                LONG,
                0L,
                atLeast(0),
                "The shortest a record stays uncompacted.",
                "log.cleaner.min.compaction.lag.ms");
        topic(
                MIN_IN_SYNC_REPLICAS,
                INT,
                1,
                atLeast(1),
                "Replicas that must acknowledge an acks=all write.",
                MIN_IN_SYNC_REPLICAS);
        topic(PREALLOCATE, BOOLEAN, false, null, "Preallocate segment files.", "log.preallocate");
        topic(
                RETENTION_BYTES,
                LONG,
                -1L,
                null,
                "Largest size of a partition before old segments are deleted; -1: no limit.",
                "log.retention.bytes");
        topic(
                RETENTION_MS,
                LONG,
                DEFAULT_RETENTION_MS,
                atLeast(-1),
                "Age after which old segments are deleted; -1: no limit.");
        SYNONYMS.put(
                RETENTION_MS,
                List.of(
                        new BrokerSynonym("log.retention.ms", 1),
                        new BrokerSynonym("log.retention.minutes", MINUTE_MS),
                        new BrokerSynonym("log.retention.hours", HOUR_MS)));
        topic(
                SEGMENT_BYTES,
                INT,
                DEFAULT_SEGMENT_BYTES,
                atLeast(1024 * 1024),
                "Size at which a segment rolls.",
                "log.segment.bytes");
        topic(
                SEGMENT_INDEX_BYTES,
                INT,
                DEFAULT_SEGMENT_INDEX_BYTES,
                atLeast(4),
                "Size of a segment's offset index.",
                "log.index.size.max.bytes");
        topic(SEGMENT_JITTER_MS, LONG, 0L, atLeast(0), "Random jitter subtracted from segment.ms.");
        SYNONYMS.put(
                SEGMENT_JITTER_MS,
                List.of(
                        new BrokerSynonym("log.roll.jitter.ms", 1),
                        new BrokerSynonym("log.roll.jitter.hours", HOUR_MS)));
        topic(SEGMENT_MS, LONG, DEFAULT_RETENTION_MS, atLeast(1), "Age at which a segment rolls.");
        SYNONYMS.put(
                SEGMENT_MS, List.of(new BrokerSynonym("log.roll.ms", 1), new BrokerSynonym("log.roll.hours", HOUR_MS)));
        topic(
                UNCLEAN_LEADER_ELECTION_ENABLE,
                BOOLEAN,
                false,
                null,
                "Allow an out-of-sync replica to become leader (may lose data).",
                UNCLEAN_LEADER_ELECTION_ENABLE);
        topic(
                LEADER_REPLICATION_THROTTLED_REPLICAS,
                LIST,
                "",
                throttledReplicas(),
                "partitionId:brokerId pairs (or *) whose leader replication is throttled.");
        topic(
                FOLLOWER_REPLICATION_THROTTLED_REPLICAS,
                LIST,
                "",
                throttledReplicas(),
                "partitionId:brokerId pairs (or *) whose follower replication is throttled.");
        topic(
                ERRORS_DEADLETTERQUEUE_GROUP_ENABLE,
                BOOLEAN,
                false,
                null,
                "Allow share groups to use this topic as a dead-letter queue.");
    }

    private TopicConfigs() {}

    private static void topic(
            String name, ConfigDef.Type type, Object dflt, ConfigDef.Validator v, String doc, String... synonyms) {
        DEF.define(name, type, dflt instanceof String ? dflt : ConfigDef.toText(dflt), v, MEDIUM, doc);
        List<BrokerSynonym> list = new ArrayList<>();
        for (String s : synonyms) {
            list.add(new BrokerSynonym(s, 1));
        }
        SYNONYMS.put(name, List.copyOf(list));
    }

    private static ConfigDef.Validator gzipLevel() {
        return (name, value) -> {
            int level = (Integer) value;
            if (level != -1 && (level < 1 || level > 9)) {
                throw new ConfigException(name, value, "Value must be between 1 and 9, or -1 for the default");
            }
        };
    }

    private static final Pattern THROTTLED = Pattern.compile("([0-9]+:[0-9]+)?");

    private static ConfigDef.Validator throttledReplicas() {
        return (name, value) -> {
            List<?> list = (List<?>) value;
            if (list.size() == 1 && "*".equals(list.get(0))) {
                return;
            }
            for (Object o : list) {
                if (!THROTTLED.matcher((String) o).matches()) {
                    throw new ConfigException(
                            name,
                            ConfigDef.toText(list),
                            "must be the literal '*' or a list of replicas in the following format: "
                                    + "[partitionId]:[brokerId],[partitionId]:[brokerId],...");
                }
            }
        };
    }

    /** The definitions of every topic configuration. */
    public static ConfigDef definition() {
        return DEF;
    }

    /** Every topic configuration name, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(DEF.names());
    }

    /** True when {@code name} is a topic configuration. */
    public static boolean isKnown(String name) {
        return DEF.key(name) != null;
    }

    /** The broker configurations that supply {@code name}'s value, highest precedence first. */
    public static List<BrokerSynonym> brokerSynonyms(String name) {
        return SYNONYMS.getOrDefault(name, List.of());
    }

    /** True when {@code brokerKey} supplies the default of some topic configuration. */
    public static boolean isBrokerSynonym(String brokerKey) {
        for (List<BrokerSynonym> list : SYNONYMS.values()) {
            for (BrokerSynonym s : list) {
                if (s.name().equals(brokerKey)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Checks one topic configuration as CreateTopics and AlterConfigs receive it.
     *
     * @return the error message (naming the key), or empty when the value is acceptable
     */
    public static Optional<String> validate(String name, String value) {
        ConfigKey key = DEF.key(name);
        if (key == null) {
            return Optional.of("Unknown topic config name: " + name);
        }
        if (value == null) {
            return Optional.empty();
        }
        try {
            key.parse(value);
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Checks every entry of {@code configs} and the rules between keys (min vs max compaction lag). */
    public static Optional<String> validateAll(Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            Optional<String> error = validate(e.getKey(), e.getValue());
            if (error.isPresent()) {
                return error;
            }
        }
        long min = (Long) value(MIN_COMPACTION_LAG_MS, configs);
        long max = (Long) value(MAX_COMPACTION_LAG_MS, configs);
        if (min > max) {
            return Optional.of("conflict topic config setting " + MIN_COMPACTION_LAG_MS + " (" + min + ") > "
                    + MAX_COMPACTION_LAG_MS + " (" + max + ")");
        }
        return Optional.empty();
    }

    private static Object value(String name, Map<String, String> configs) {
        String raw = configs.get(name);
        return raw == null ? DEF.key(name).defaultValue() : DEF.key(name).parse(raw);
    }

    /**
     * The effective value of topic configuration {@code name} and where it came from.
     *
     * @param topicConfigs what the topic itself sets (DYNAMIC_TOPIC_CONFIG)
     * @param dynamicBrokerConfigs broker keys set at runtime (DYNAMIC_BROKER_CONFIG)
     * @param staticBrokerConfigs broker keys from the properties file, e.g. {@link BrokerConfig#originals()}
     */
    public static ConfigEntry resolve(
            String name,
            Map<String, String> topicConfigs,
            Map<String, String> dynamicBrokerConfigs,
            Map<String, String> staticBrokerConfigs) {
        return resolve(name, topicConfigs, dynamicBrokerConfigs, Map.of(), staticBrokerConfigs);
    }

    /**
     * {@link #resolve(String, Map, Map, Map)} with the cluster-wide dynamic defaults (broker resource
     * "", DYNAMIC_DEFAULT_BROKER_CONFIG) between this broker's dynamic settings and its static ones.
     */
    public static ConfigEntry resolve(
            String name,
            Map<String, String> topicConfigs,
            Map<String, String> dynamicBrokerConfigs,
            Map<String, String> dynamicDefaultBrokerConfigs,
            Map<String, String> staticBrokerConfigs) {
        ConfigKey key = DEF.key(name);
        if (key == null) {
            throw new IllegalArgumentException("Unknown topic config name: " + name);
        }
        List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
        String topicValue = topicConfigs.get(name);
        if (topicValue != null) {
            synonyms.add(new ConfigEntry.Synonym(name, topicValue, ConfigSource.DYNAMIC_TOPIC_CONFIG));
        }
        for (BrokerSynonym s : brokerSynonyms(name)) {
            addBrokerSynonym(synonyms, s, dynamicBrokerConfigs, ConfigSource.DYNAMIC_BROKER_CONFIG);
            addBrokerSynonym(synonyms, s, dynamicDefaultBrokerConfigs, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            addBrokerSynonym(synonyms, s, staticBrokerConfigs, ConfigSource.STATIC_BROKER_CONFIG);
        }
        defaultSynonym(name, key).ifPresent(synonyms::add);
        if (synonyms.isEmpty()) {
            return new ConfigEntry(name, key.defaultText(), ConfigSource.DEFAULT_CONFIG, true, false, false, synonyms);
        }
        ConfigEntry.Synonym chosen = synonyms.get(0);
        String value = chosen.source() == ConfigSource.DYNAMIC_TOPIC_CONFIG
                ? chosen.value()
                : chosen.source() == ConfigSource.DEFAULT_CONFIG ? key.defaultText() : convert(name, chosen);
        return new ConfigEntry(
                name, value, chosen.source(), chosen.source() == ConfigSource.DEFAULT_CONFIG, false, false, synonyms);
    }

    /**
     * The DEFAULT_CONFIG synonym Kafka lists for a topic configuration: named after its first broker synonym
     * (the broker key Kafka's {@code ServerTopicConfigSynonyms} maps it to) with that key's default, e.g.
     * {@code log.cleanup.policy=delete} for {@code cleanup.policy}. None when the topic configuration has no
     * broker synonym ({@code leader.replication.throttled.replicas}) or that key has no default: Kafka then
     * lists no default, e.g. for {@code retention.ms}, whose {@code log.retention.ms} is unset by default
     * ({@code log.retention.hours=168} supplies the value but is not listed as its synonym).
     */
    private static Optional<ConfigEntry.Synonym> defaultSynonym(String name, ConfigKey topicKey) {
        List<BrokerSynonym> brokerSynonyms = brokerSynonyms(name);
        if (brokerSynonyms.isEmpty()) {
            return Optional.empty();
        }
        String brokerName = brokerSynonyms.get(0).name();
        ConfigKey brokerKey = BrokerConfig.definition().key(brokerName);
        // A broker key Fjord does not define (compression.*.level) has the topic's default in Kafka.
        String dflt = brokerKey == null ? topicKey.defaultText() : brokerKey.defaultText();
        return dflt == null
                ? Optional.empty()
                : Optional.of(new ConfigEntry.Synonym(brokerName, dflt, ConfigSource.DEFAULT_CONFIG));
    }

    private static void addBrokerSynonym(
            List<ConfigEntry.Synonym> out, BrokerSynonym s, Map<String, String> configs, ConfigSource source) {
        String raw = configs.get(s.name());
        if (raw != null) {
            out.add(new ConfigEntry.Synonym(s.name(), raw.trim(), source));
        }
    }

    private static String convert(String topicName, ConfigEntry.Synonym chosen) {
        for (BrokerSynonym s : brokerSynonyms(topicName)) {
            if (s.name().equals(chosen.name()) && s.toMsFactor() != 1) {
                long v = Long.parseLong(chosen.value());
                return Long.toString(v < 0 ? -1 : Math.multiplyExact(v, s.toMsFactor()));
            }
        }
        return chosen.value();
    }

    /** {@link #resolve} for every topic configuration, sorted by name. */
    public static List<ConfigEntry> resolveAll(
            Map<String, String> topicConfigs,
            Map<String, String> dynamicBrokerConfigs,
            Map<String, String> staticBrokerConfigs) {
        return resolveAll(topicConfigs, dynamicBrokerConfigs, Map.of(), staticBrokerConfigs);
    }

    /** {@link #resolve(String, Map, Map, Map, Map)} for every topic configuration, sorted by name. */
    public static List<ConfigEntry> resolveAll(
            Map<String, String> topicConfigs,
            Map<String, String> dynamicBrokerConfigs,
            Map<String, String> dynamicDefaultBrokerConfigs,
            Map<String, String> staticBrokerConfigs) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (String name : names()) {
            entries.add(resolve(
                    name, topicConfigs, dynamicBrokerConfigs, dynamicDefaultBrokerConfigs, staticBrokerConfigs));
        }
        return entries;
    }

    /**
     * The typed effective value of every topic configuration (Integer, Long, Double, Boolean, String or
     * List), for building a partition's log configuration.
     */
    public static Map<String, Object> effectiveValues(
            Map<String, String> topicConfigs,
            Map<String, String> dynamicBrokerConfigs,
            Map<String, String> staticBrokerConfigs) {
        return effectiveValues(topicConfigs, dynamicBrokerConfigs, Map.of(), staticBrokerConfigs);
    }

    /** {@link #effectiveValues(Map, Map, Map)} with cluster-wide dynamic defaults as well. */
    public static Map<String, Object> effectiveValues(
            Map<String, String> topicConfigs,
            Map<String, String> dynamicBrokerConfigs,
            Map<String, String> dynamicDefaultBrokerConfigs,
            Map<String, String> staticBrokerConfigs) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigEntry e :
                resolveAll(topicConfigs, dynamicBrokerConfigs, dynamicDefaultBrokerConfigs, staticBrokerConfigs)) {
            values.put(e.name(), e.value() == null ? null : DEF.key(e.name()).parse(e.value()));
        }
        return values;
    }
}

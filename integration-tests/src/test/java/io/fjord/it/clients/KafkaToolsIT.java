package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.coordinator.GroupCoordinator;
import io.fjord.it.EmbeddedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own command-line tools (4.3.1, the classes behind {@code bin/kafka-*.sh}, each in a JVM of its
 * own from the kafka-apps module) against Fjord, as an operator uses them: their output is what the
 * tests read, and a failing command must exit non-zero with Kafka's message.
 */
class KafkaToolsIT {

    static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
    static final String CONFIGS = "kafka.admin.ConfigCommand";
    static final String GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dataDir, Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void kafkaTopicsCreatesDescribesAltersListsAndDeletes() throws Exception {
        assertThat(assertSucceeds(tool(
                        TOPICS, "--create", "--topic", "ops", "--partitions", "3", "--config", "retention.ms=3600000")))
                .contains("Created topic ops.");
        KafkaAppProcess.Result again = tool(TOPICS, "--create", "--topic", "ops", "--partitions", "3");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stdout() + again.stderr()).contains("Topic 'ops' already exists.");

        assertSucceeds(tool(TOPICS, "--alter", "--topic", "ops", "--partitions", "5"));
        String described = assertSucceeds(tool(TOPICS, "--describe", "--topic", "ops"));
        assertThat(described)
                .contains("Topic: ops", "PartitionCount: 5", "ReplicationFactor: 1", "Configs: retention.ms=3600000");
        assertThat(described.lines().filter(l -> l.contains("Partition: ") && l.contains("Leader: 1")))
                .hasSize(5);
        assertThat(assertSucceeds(tool(TOPICS, "--list")).lines()).contains("ops");

        assertSucceeds(tool(TOPICS, "--delete", "--topic", "ops"));
        assertThat(assertSucceeds(tool(TOPICS, "--list")).lines()).doesNotContain("ops");
        KafkaAppProcess.Result missing = tool(TOPICS, "--describe", "--topic", "ops");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stdout() + missing.stderr()).contains("Topic 'ops' does not exist");
    }

    @Test
    void kafkaConfigsAddsDescribesAndDeletesTopicAndBrokerConfigs() throws Exception {
        assertSucceeds(tool(TOPICS, "--create", "--topic", "configured", "--partitions", "1"));
        String[] topic = {"--entity-type", "topics", "--entity-name", "configured"};
        assertThat(assertSucceeds(configs(
                        topic, "--alter", "--add-config", "retention.ms=60000,cleanup.policy=[delete,compact]")))
                .contains("Completed updating config for topic configured.");
        assertThat(assertSucceeds(configs(topic, "--describe")))
                .contains("retention.ms=60000 sensitive=false", "cleanup.policy=delete,compact sensitive=false");
        assertSucceeds(configs(topic, "--alter", "--delete-config", "retention.ms"));
        assertThat(assertSucceeds(configs(topic, "--describe"))).doesNotContain("retention.ms=60000");
        KafkaAppProcess.Result invalid = configs(topic, "--alter", "--add-config", "retention.ms=soon");
        assertThat(invalid.exitCode()).isNotZero();
        assertThat(invalid.stdout() + invalid.stderr()).contains("retention.ms");

        String[] clusterDefault = {"--entity-type", "brokers", "--entity-default"};
        String[] brokerOne = {"--entity-type", "brokers", "--entity-name", "1"};
        assertSucceeds(configs(clusterDefault, "--alter", "--add-config", "log.retention.ms=7200000"));
        assertThat(assertSucceeds(configs(clusterDefault, "--describe")))
                .contains("Default configs for brokers in the cluster are:", "log.retention.ms=7200000");
        // broker 1's own dynamic configs: none, the cluster default is not its own (as kafka-configs shows it)
        assertThat(assertSucceeds(configs(brokerOne, "--describe"))).isEqualTo("Dynamic configs for broker 1 are:\n");
        assertThat(assertSucceeds(configs(brokerOne, "--describe", "--all")))
                .contains("log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG");
        assertSucceeds(configs(clusterDefault, "--alter", "--delete-config", "log.retention.ms"));
    }

    @Test
    void kafkaConfigsChangesTheBrokersLogLevelsWhileItRuns() throws Exception {
        String[] loggers = {"--entity-type", "broker-loggers", "--entity-name", "1"};
        assertThat(assertSucceeds(configs(loggers, "--describe")))
                .contains("root=INFO sensitive=false", "io.fjord.broker=INFO sensitive=false");

        assertThat(assertSucceeds(configs(loggers, "--alter", "--add-config", "io.fjord.broker=DEBUG")))
                .contains("Completed updating config for broker-logger 1.");
        assertThat(org.slf4j.LoggerFactory.getLogger("io.fjord.broker.BrokerServer")
                        .isDebugEnabled())
                .as("the broker's own logger, in this JVM")
                .isTrue();
        assertThat(assertSucceeds(configs(loggers, "--describe")))
                .contains("io.fjord.broker=DEBUG", "io.fjord.broker.BrokerServer=DEBUG", "io.fjord.storage=INFO");

        assertSucceeds(configs(loggers, "--alter", "--delete-config", "io.fjord.broker"));
        assertThat(org.slf4j.LoggerFactory.getLogger("io.fjord.broker.BrokerServer")
                        .isDebugEnabled())
                .isFalse();

        KafkaAppProcess.Result badLevel = configs(loggers, "--alter", "--add-config", "io.fjord.broker=LOUD");
        assertThat(badLevel.exitCode()).isNotZero();
        assertThat(badLevel.stdout() + badLevel.stderr())
                .contains("InvalidConfigurationException: Cannot set the log level of io.fjord.broker to LOUD");
        KafkaAppProcess.Result root = configs(loggers, "--alter", "--delete-config", "root");
        assertThat(root.exitCode()).isNotZero();
        assertThat(root.stdout() + root.stderr())
                .contains("InvalidRequestException: Removing the log level of the root logger is not allowed");
    }

    /** kafka-configs on {@code entity} (its --entity-* options) with {@code args}. */
    private static KafkaAppProcess.Result configs(String[] entity, String... args) throws Exception {
        String[] all = new String[entity.length + args.length];
        System.arraycopy(entity, 0, all, 0, entity.length);
        System.arraycopy(args, 0, all, entity.length, args.length);
        return tool(CONFIGS, all);
    }

    @Test
    void theConsoleToolsAndKafkaConsumerGroupsShowOffsetsLagAndResets() throws Exception {
        assertSucceeds(tool(TOPICS, "--create", "--topic", "console", "--partitions", "2"));
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            input.append("k")
                    .append(i % 4)
                    .append(':')
                    .append("value ")
                    .append(i)
                    .append('\n');
        }
        KafkaAppProcess.Result produced = KafkaAppProcess.run(
                input.toString(),
                CONSOLE_PRODUCER,
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                "console",
                "--property",
                "parse.key=true",
                "--property",
                "key.separator=:");
        assertThat(produced.exitCode())
                .as("console producer: %s", produced.stderr())
                .isZero();

        String consumed = assertSucceeds(KafkaAppProcess.run(
                "",
                CONSOLE_CONSUMER,
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                "console",
                "--group",
                "console-group",
                "--from-beginning",
                "--max-messages",
                "20",
                "--timeout-ms",
                "60000",
                "--property",
                "print.key=true",
                "--property",
                "key.separator=="));
        assertThat(consumed.lines().filter(l -> l.startsWith("k")).toList())
                .hasSize(20)
                .contains("k1=value 1", "k3=value 19");

        assertThat(assertSucceeds(tool(GROUPS, "--list")).lines()).contains("console-group");
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("console", 0, "late", "late " + i));
            }
        }
        KafkaAppProcess.Result described = tool(GROUPS, "--describe", "--group", "console-group");
        String lag = assertSucceeds(described);
        assertThat(described.stderr()).contains("Consumer group 'console-group' has no active members.");
        assertThat(groupRows(lag)).hasSize(2).allSatisfy(row -> assertThat(row).hasSize(9));
        long totalLag =
                groupRows(lag).stream().mapToLong(row -> Long.parseLong(row[5])).sum();
        long logEnd =
                groupRows(lag).stream().mapToLong(row -> Long.parseLong(row[4])).sum();
        assertThat(totalLag).isEqualTo(5);
        assertThat(logEnd).isEqualTo(25);

        String reset = assertSucceeds(tool(
                GROUPS,
                "--reset-offsets",
                "--group",
                "console-group",
                "--topic",
                "console",
                "--to-earliest",
                "--execute"));
        assertThat(groupRows(reset)).hasSize(2).allSatisfy(row -> assertThat(row[3])
                .isEqualTo("0"));
        assertThat(groupRows(assertSucceeds(tool(GROUPS, "--describe", "--group", "console-group"))).stream()
                        .mapToLong(row -> Long.parseLong(row[5]))
                        .sum())
                .isEqualTo(25);

        assertThat(assertSucceeds(tool(GROUPS, "--delete", "--group", "console-group")))
                .contains("Deletion of requested consumer groups ('console-group') was successful.");
        assertThat(assertSucceeds(tool(GROUPS, "--list")).lines()).doesNotContain("console-group");
    }

    @Test
    void getOffsetsDeleteRecordsLogDirsLeaderElectionClusterIdAndMetadataQuorum() throws Exception {
        assertSucceeds(tool(TOPICS, "--create", "--topic", "offsets", "--partitions", "2"));
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("offsets", i % 2, null, "record " + i));
            }
        }
        assertThat(offsets("-1")).containsExactlyInAnyOrder("offsets:0:5", "offsets:1:5");

        Path json = dataDir.resolveSibling(dataDir.getFileName() + "-delete-records.json");
        Files.writeString(
                json, "{\"partitions\":[{\"topic\":\"offsets\",\"partition\":0,\"offset\":3}],\"version\":1}");
        assertThat(assertSucceeds(
                        tool("org.apache.kafka.tools.DeleteRecordsCommand", "--offset-json-file", json.toString())))
                .contains("partition: offsets-0\tlow_watermark: 3");
        assertThat(offsets("-2")).containsExactlyInAnyOrder("offsets:0:3", "offsets:1:0");

        assertThat(assertSucceeds(
                        tool("org.apache.kafka.tools.LogDirsCommand", "--describe", "--topic-list", "offsets")))
                .contains("\"partition\":\"offsets-0\"", "\"partition\":\"offsets-1\"", "\"broker\":1");

        assertThat(assertSucceeds(tool(
                        "org.apache.kafka.tools.LeaderElectionCommand",
                        "--election-type",
                        "preferred",
                        "--topic",
                        "offsets",
                        "--partition",
                        "0")))
                .contains("Valid replica already elected for partitions offsets-0");

        assertThat(assertSucceeds(KafkaAppProcess.run(
                        "",
                        "org.apache.kafka.tools.ClusterTool",
                        "cluster-id",
                        "--bootstrap-server",
                        broker.bootstrap())))
                .startsWith("Cluster ID: ");

        // a single broker on its own metadata log is a quorum of one, its own leader
        String quorum = assertSucceeds(tool("org.apache.kafka.tools.MetadataQuorumCommand", "describe", "--status"));
        assertThat(quorum.lines())
                .contains("LeaderId:               1", "MaxFollowerLag:         0", "CurrentObservers:       []")
                .anySatisfy(l -> assertThat(l).matches("HighWatermark: +[1-9][0-9]*"))
                .anySatisfy(l -> assertThat(l).startsWith("CurrentVoters:          [{\"id\": 1"));
        assertThat(assertSucceeds(tool("org.apache.kafka.tools.MetadataQuorumCommand", "describe", "--replication"))
                        .lines()
                        .filter(l -> l.startsWith("1 "))
                        .toList())
                .singleElement()
                .satisfies(l -> assertThat(l).contains("Leader"));
    }

    @Test
    void kafkaDumpLogFindsEveryIndexEntryOfAFjordSegmentSound() throws Exception {
        assertSucceeds(tool(
                TOPICS, "--create", "--topic", "dumped", "--partitions", "1", "--config", "index.interval.bytes=512"));
        String value = "x".repeat(200);
        for (String compression : List.of("none", "lz4")) {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrap(),
                    ProducerConfig.COMPRESSION_TYPE_CONFIG,
                    compression,
                    ProducerConfig.LINGER_MS_CONFIG,
                    5,
                    ProducerConfig.BATCH_SIZE_CONFIG,
                    2048,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class))) {
                for (int i = 0; i < 400; i++) {
                    producer.send(new ProducerRecord<>("dumped", "key " + i, value + i));
                }
            }
        }
        Path segment = dataDir.resolve("dumped-0").resolve("00000000000000000000");
        KafkaAppProcess.Result verified = KafkaAppProcess.run(
                "",
                "org.apache.kafka.tools.DumpLogSegments",
                "--files",
                segment + ".index," + segment + ".timeindex",
                "--verify-index-only");
        assertThat(assertSucceeds(verified).lines())
                .containsExactly("Dumping " + segment + ".index", "Dumping " + segment + ".timeindex");
        // kafka-dump-log reports on stderr each entry that does not name the last offset of the batch at its position
        // ("Mismatches in :...", "  Index offset: X, log offset: Y") or whose timestamp disagrees with the log.
        assertThat(verified.stderr()).isBlank();
        String entries = assertSucceeds(
                KafkaAppProcess.run("", "org.apache.kafka.tools.DumpLogSegments", "--files", segment + ".index"));
        assertThat(entries.lines().filter(l -> l.startsWith("offset: "))).hasSizeGreaterThan(20);
    }

    @Test
    void kafkaDumpLogDecodesTheCommittedOffsetsAndGroupsOfConsumerOffsets() throws Exception {
        assertSucceeds(tool(TOPICS, "--create", "--topic", "committed", "--partitions", "2"));
        String group = "dump-decoded";
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of("committed"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            assertThat(consumer.assignment()).hasSize(2);
            consumer.commitSync(Map.of(
                    new TopicPartition("committed", 0), new OffsetAndMetadata(7, "checkpoint A"),
                    new TopicPartition("committed", 1), new OffsetAndMetadata(0)));
        }
        Path segment = dataDir.resolve("__consumer_offsets-" + GroupCoordinator.partitionFor(group, 50))
                .resolve("00000000000000000000.log");
        String dumped = assertSucceeds(KafkaAppProcess.run(
                "", "org.apache.kafka.tools.DumpLogSegments", "--files", segment.toString(), "--offsets-decoder"));
        List<String> records =
                dumped.lines().filter(l -> l.startsWith("| offset: ")).toList();
        assertThat(records).as(dumped).isNotEmpty().noneMatch(l -> l.contains("Error at offset"));
        assertThat(records)
                .as(dumped)
                .anySatisfy(l -> assertThat(l)
                        .contains("key: {\"type\":\"1\",\"data\":{\"group\":\"dump-decoded\",\"topic\":\"committed\","
                                + "\"partition\":0}}")
                        .contains("\"offset\":7,", "\"metadata\":\"checkpoint A\""))
                .anySatisfy(l -> assertThat(l).contains("\"partition\":1}}", "\"offset\":0,", "\"metadata\":\"\""))
                .anySatisfy(l -> assertThat(l)
                        .contains("key: {\"type\":\"2\",\"data\":{\"group\":\"dump-decoded\"}}")
                        .contains("\"protocolType\":\"consumer\"", "\"generation\":1,", "\"topics\":[\"committed\"]"));
    }

    @Test
    void kafkaAclsIsToldThatNoAuthorizerIsConfigured() throws Exception {
        // --list and --add both describe first (DescribeAcls); --remove --force goes straight to DeleteAcls
        Map<List<String>, String> expected = Map.of(
                List.of("--list"), "No Authorizer is configured on the broker",
                List.of("--add", "--allow-principal", "User:alice", "--operation", "Read", "--topic", "t"),
                        "No Authorizer is configured on the broker",
                List.of("--remove", "--force", "--topic", "t"), "No Authorizer is configured.");
        for (Map.Entry<List<String>, String> e : expected.entrySet()) {
            KafkaAppProcess.Result result =
                    tool("org.apache.kafka.tools.AclCommand", e.getKey().toArray(new String[0]));
            assertThat(result.exitCode()).as("kafka-acls %s", e.getKey()).isEqualTo(1);
            assertThat(result.stdout() + result.stderr()).contains("SecurityDisabledException: " + e.getValue() + "\n");
        }
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** kafka-get-offsets for the topic "offsets" at {@code time} (-1 latest, -2 earliest): topic:partition:offset. */
    private static List<String> offsets(String time) throws Exception {
        return assertSucceeds(tool("org.apache.kafka.tools.GetOffsetShell", "--topic", "offsets", "--time", time))
                .lines()
                .toList();
    }

    /** The data rows of a kafka-consumer-groups table (GROUP TOPIC PARTITION ...), split on blanks. */
    private static List<String[]> groupRows(String output) {
        return output.lines()
                .filter(l -> l.startsWith("console-group "))
                .map(l -> l.trim().split("\\s+"))
                .toList();
    }

    private static KafkaAppProcess.Result tool(String mainClass, String... args) throws Exception {
        String[] withBootstrap = new String[args.length + 2];
        withBootstrap[0] = "--bootstrap-server";
        withBootstrap[1] = broker.bootstrap();
        System.arraycopy(args, 0, withBootstrap, 2, args.length);
        return KafkaAppProcess.run("", mainClass, withBootstrap);
    }

    /** Asserts the tool exited 0 and returns what it printed. */
    private static String assertSucceeds(KafkaAppProcess.Result result) {
        assertThat(result.exitCode())
                .as("exit code; stdout: %s; stderr: %s", result.stdout(), result.stderr())
                .isZero();
        return result.stdout();
    }
}

package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.protocol.record.BatchIterator;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatches;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's Python clients against one in-process broker: python3-confluent-kafka (librdkafka: idempotent and
 * transactional producers, balanced consumer groups, the AdminClient) and python3-kafka (kafka-python 2.0.2, a
 * pure-Python client, also over a SASL_PLAINTEXT listener). Each case is a script run under {@code /usr/bin/python3} that prints what the client
 * saw as JSON; the assertions here are on that, and where it matters on what the broker stored (the batches
 * on disk, the Java client reading the same records, the Java Admin client's view of producers and groups).
 * .ci/run installs the packages; without them the test fails naming the package.
 */
class PythonClientsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CASES = new AtomicInteger();

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;
    static int saslPort;
    static Admin admin;
    static PythonScript confluent;
    static PythonScript kafkaPython;

    @BeforeAll
    static void startBroker() throws Exception {
        saslPort = BrokerProcess.freePort();
        broker = EmbeddedBroker.start(
                dir.resolve("data"),
                Map.of(
                        "num.partitions", "3",
                        "listeners",
                                "PLAINTEXT://127.0.0.1:" + BrokerProcess.freePort() + ",SASL_PLAINTEXT://127.0.0.1:"
                                        + saslPort,
                        "listener.security.protocol.map",
                                "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "inter.broker.listener.name", "PLAINTEXT",
                        "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                        + " user_alice=\"alice-secret\";",
                        "connection.failed.authentication.delay.ms", "0"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                        "bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret")))
                .all()
                .get(30, TimeUnit.SECONDS);
        Files.createDirectories(dir.resolve("runs"));
        confluent = new PythonScript("confluent_clients.py", "python3-confluent-kafka", dir.resolve("runs"));
        kafkaPython = new PythonScript("kafka_python_clients.py", "python3-kafka", dir.resolve("runs"));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    /** A fresh prefix for one run's topics and groups. */
    static String prefix(String name) {
        return "py" + CASES.incrementAndGet() + "-" + name;
    }

    /** JSON written with single quotes, to keep expected values readable in Java strings. */
    static JsonNode json(String singleQuoted) throws Exception {
        return JSON.readTree(singleQuoted.replace('\'', '"'));
    }

    /** [[partition, offset], ...] for offsets from..to-1 of one partition. */
    static String offsets(int partition, int from, int to) {
        return String.join(
                ",",
                IntStream.range(from, to)
                        .mapToObj(o -> "[" + partition + "," + o + "]")
                        .toList());
    }

    @Nested
    class ConfluentKafka {

        @Test
        void adminClientCreatesGrowsDescribesAndDeletesTopicsWithKafkasErrorCodes() throws Exception {
            JsonNode r = confluent.run("admin", broker.bootstrap(), prefix("admin"));
            JsonNode configs = ((ObjectNode) r).remove("configs");
            assertThat(r)
                    .isEqualTo(
                            json(
                                    "{'create': 0, 'createAgain': 36, 'createZeroPartitions': 37,"
                                            + " 'createBadConfig': 40, 'createTooManyReplicas': 38, 'validateOnly': 0,"
                                            + " 'partitionsAfterCreate': [3, null, null, null], 'grow': 0, 'shrink': 37,"
                                            + " 'growValidateOnly': 0, 'growMissing': 3, 'partitionsAfterGrow': 5,"
                                            + " 'describeMissing': [3, 'Broker: Unknown topic or partition'], 'delete': 0, 'deleteAgain': 3, 'partitionsAfterDelete': null}"));
            // name: [value, source, synonyms]; source 1 is the topic's own setting, 5 Kafka's default, which Kafka
            // lists under the broker key that supplies it (log.cleanup.policy, not cleanup.policy).
            assertThat(configs)
                    .isEqualTo(json("{'retention.ms': ['1234567', 1, [['retention.ms', '1234567', 1]]],"
                            + " 'cleanup.policy': ['compact', 1,"
                            + " [['cleanup.policy', 'compact', 1], ['log.cleanup.policy', 'delete', 5]]],"
                            + " 'segment.bytes': ['1073741824', 5, [['log.segment.bytes', '1073741824', 5]]]}"));
        }

        @Test
        void idempotentProducerWritesEveryRecordOnceWithItsSequence() throws Exception {
            JsonNode r = confluent.run("idempotent", broker.bootstrap(), prefix("idem"));
            String topic = r.get("topic").asText();
            assertThat(r.get("deliveries")).isEqualTo(json("[" + offsets(0, 0, 100) + "]"));

            TopicPartition tp = new TopicPartition(topic, 0);
            List<ProducerState> producers = admin.describeProducers(List.of(tp))
                    .partitionResult(tp)
                    .get(10, TimeUnit.SECONDS)
                    .activeProducers();
            assertThat(producers).hasSize(1);
            assertThat(producers.get(0).producerEpoch()).isZero();
            assertThat(producers.get(0).lastSequence()).isEqualTo(99);

            List<RecordBatch> batches = batchesOnDisk(topic, 0);
            assertThat(batches).hasSizeGreaterThan(1).allSatisfy(b -> {
                assertThat(b.producerId()).isEqualTo(producers.get(0).producerId());
                assertThat(b.baseSequence()).isEqualTo((int) b.baseOffset());
            });
            assertThat(values(readAll(topic, 1, "read_uncommitted")))
                    .containsExactlyElementsOf(IntStream.range(0, 100)
                            .mapToObj(i -> "0:" + i + ":v" + i)
                            .toList());
        }

        @Test
        void murmur2PartitionerPlacesEachKeyWhereTheJavaClientDoes() throws Exception {
            JsonNode r = confluent.run("keyed", broker.bootstrap(), prefix("keyed"), "murmur2_random");
            JsonNode placed = r.get("partitions");
            assertThat(placed.size()).isEqualTo(200);
            Set<Integer> used = new HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = placed.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int javas = Utils.toPositive(Utils.murmur2(e.getKey().getBytes(StandardCharsets.UTF_8))) % 7;
                assertThat(e.getValue().asInt())
                        .as("partition of key %s", e.getKey())
                        .isEqualTo(javas);
                used.add(javas);
            }
            assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
            List<ConsumerRecord<String, String>> stored = readAll(r.get("topic").asText(), 7, "read_uncommitted");
            assertThat(stored).hasSize(200).allSatisfy(record -> assertThat(record.partition())
                    .as("partition holding key %s", record.key())
                    .isEqualTo(placed.get(record.key()).asInt()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
        void producesAndConsumesWithEachCodec(String codec) throws Exception {
            JsonNode r = confluent.run("codec", broker.bootstrap(), prefix("codec"), codec);
            String topic = r.get("topic").asText();
            assertThat(r.get("deliveries")).isEqualTo(json("[" + offsets(0, 0, 200) + "]"));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String value = "value " + i + " " + "x".repeat(i % 80);
                expected.add(
                        JSON.writeValueAsString(List.of(0, i, "k" + (i % 13), value, List.of(List.of("n", "" + i)))));
            }
            assertThat(r.get("records")).isEqualTo(JSON.readTree("[" + String.join(",", expected) + "]"));
            // librdkafka sends a batch uncompressed when compressing it would make it larger (a batch of one or
            // two short records), so NONE may appear next to the codec; the broker keeps each batch as it came.
            assertThat(batchesOnDisk(topic, 0))
                    .extracting(RecordBatch::compressionType)
                    .contains(CompressionType.forName(codec))
                    .isSubsetOf(CompressionType.forName(codec), CompressionType.NONE);
            List<ConsumerRecord<String, String>> javaRead = readAll(topic, 1, "read_uncommitted");
            assertThat(javaRead).hasSize(200);
            assertThat(javaRead.get(199).value()).isEqualTo("value 199 " + "x".repeat(199 % 80));
            assertThat(new String(javaRead.get(199).headers().lastHeader("n").value(), StandardCharsets.UTF_8))
                    .isEqualTo("199");
        }

        @Test
        void transactionsCommitAbortFenceAndCommitConsumedOffsets() throws Exception {
            String p = prefix("txn");
            JsonNode r = confluent.run("transactions", broker.bootstrap(), p);
            assertThat(r.get("consumed").size()).isEqualTo(5);
            // Per partition: two committed records (0, 1), the commit marker (2), two aborted records (3, 4), the
            // abort marker (5), one committed record (6) and its marker (7).
            assertThat(r.get("readCommitted"))
                    .isEqualTo(json("[[0,0,'committed-0'],[0,1,'committed-3'],[0,6,'second-0'],"
                            + "[1,0,'committed-1'],[1,1,'committed-4'],[1,6,'second-1'],"
                            + "[2,0,'committed-2'],[2,1,'committed-5'],[2,6,'second-2']]"));
            assertThat(r.get("readUncommitted"))
                    .isEqualTo(json("[[0,0,'committed-0'],[0,1,'committed-3'],[0,3,'aborted-0'],[0,4,'aborted-3'],"
                            + "[0,6,'second-0'],[1,0,'committed-1'],[1,1,'committed-4'],[1,3,'aborted-1'],"
                            + "[1,4,'aborted-4'],[1,6,'second-1'],[2,0,'committed-2'],[2,1,'committed-5'],"
                            + "[2,3,'aborted-2'],[2,4,'aborted-5'],[2,6,'second-2']]"));
            assertThat(r.get("watermarks")).isEqualTo(json("[[0,8],[0,8],[0,8]]"));
            assertThat(r.get("groupOffset").asLong()).isEqualTo(5);
            assertThat(r.get("abortedGroupOffset").asLong())
                    .as("OFFSET_INVALID")
                    .isEqualTo(-1001);
            // The open transaction's record (offset 8) is above the last stable offset.
            assertThat(r.get("openWatermarkCommitted")).isEqualTo(json("[0,8]"));
            assertThat(r.get("openWatermarkUncommitted")).isEqualTo(json("[0,9]"));
            assertThat(r.get("openReadCommitted")).isEqualTo(json("[]"));
            assertThat(r.get("openReadUncommitted")).isEqualTo(json("[[0,8,'open']]"));
            // The successor's InitProducerId aborted it (marker at 9); the old producer is fenced (_FENCED, fatal).
            assertThat(r.get("zombie")).isEqualTo(json("{'code': -144, 'fatal': true}"));
            assertThat(r.get("afterFencing")).isEqualTo(json("[[0,10,'successor']]"));

            assertThat(values(readAll(p + "-out", 3, "read_committed")))
                    .containsExactly(
                            "0:0:committed-0",
                            "0:1:committed-3",
                            "0:6:second-0",
                            "0:10:successor",
                            "1:0:committed-1",
                            "1:1:committed-4",
                            "1:6:second-1",
                            "2:0:committed-2",
                            "2:1:committed-5",
                            "2:6:second-2");
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(p + "-group")
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            assertThat(committed).containsOnlyKeys(new TopicPartition(p + "-src", 0));
            assertThat(committed.get(new TopicPartition(p + "-src", 0)).offset())
                    .isEqualTo(5);
        }

        @Test
        void rangeGroupSplitsPartitionsAndRebalancesEagerlyWhenAMemberLeaves() throws Exception {
            JsonNode r = groupRun("range");
            assertThat(Set.of(r.at("/split/first"), r.at("/split/second")))
                    .isEqualTo(Set.of(json("[0,1]"), json("[2,3]")));
            // Eager: the second member gives its partitions up too, so it reads its uncommitted ones again.
            List<JsonNode> secondEvents = eventsOf(r, "second");
            assertThat(secondEvents.get(secondEvents.size() - 2).get(1).asText())
                    .isEqualTo("revoke");
            assertThat(secondEvents.get(secondEvents.size() - 1)).isEqualTo(json("['second','assign',[0,1,2,3]]"));
            assertThat(r.get("readAfterLeave")).isEqualTo(readAfterLeave(r.at("/split/second")));
        }

        @Test
        void cooperativeStickyGroupMovesOnlyTheLeavingMembersPartitions() throws Exception {
            JsonNode r = groupRun("cooperative-sticky");
            assertThat(r.at("/split/first")).hasSize(2);
            assertThat(r.at("/split/second")).hasSize(2);
            // Incremental: the second member keeps its partitions and is given only the first member's.
            assertThat(eventsOf(r, "second"))
                    .containsExactly(
                            json("['second','assign'," + r.at("/split/second") + "]"),
                            json("['second','assign'," + r.at("/split/first") + "]"));
            assertThat(r.get("readAfterLeave")).isEqualTo(readAfterLeave(json("[]")));
        }

        private JsonNode groupRun(String strategy) throws Exception {
            JsonNode r = confluent.run("group", broker.bootstrap(), prefix("group"), strategy);
            Set<Integer> all = new HashSet<>();
            r.at("/split/first").forEach(n -> all.add(n.asInt()));
            r.at("/split/second").forEach(n -> all.add(n.asInt()));
            assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3);
            for (String member : List.of("first", "second")) {
                List<String> read = new ArrayList<>();
                r.at("/records/" + member).forEach(n -> read.add(n.toString()));
                List<String> expected = new ArrayList<>();
                r.at("/split/" + member)
                        .forEach(p -> IntStream.range(0, 10).forEach(o -> expected.add("[" + p + "," + o + "]")));
                assertThat(read).as("records read by %s", member).containsExactlyInAnyOrderElementsOf(expected);
            }
            List<String> committed = new ArrayList<>();
            r.at("/split/first").forEach(p -> committed.add("[" + p + ",10]"));
            assertThat(r.get("committed")).isEqualTo(JSON.readTree("[" + String.join(",", committed) + "]"));
            assertThat(r.get("afterLeave")).isEqualTo(json("[0,1,2,3]"));
            return r;
        }

        @ParameterizedTest
        @CsvSource({
            "PLAIN, alice, alice-secret, Authentication failed: Invalid username or password",
            "SCRAM-SHA-256, bob, bob-secret,"
                    + " Authentication failed during authentication due to invalid credentials with SASL mechanism"
                    + " SCRAM-SHA-256"
        })
        void logsInOverSaslWithSaslAuthenticate(String mechanism, String user, String password, String refusal)
                throws Exception {
            JsonNode r = confluent.run("sasl", "127.0.0.1:" + saslPort, prefix("sasl"), mechanism, user, password);
            JsonNode delivered = r.get("delivered");
            assertThat(delivered).hasSize(1);
            assertThat(delivered.get(0).get(1).asLong()).isZero();
            assertThat(r.get("read")).isEqualTo(json("[[0, 'k', 'over " + mechanism + "']]"));
            // _AUTHENTICATION (-169), with the broker's SaslAuthenticate error message
            assertThat(r.get("wrongPassword"))
                    .isEqualTo(JSON.valueToTree(List.of(-169, "SASL authentication error: " + refusal)));
        }

        @Test
        void consumerCommitsSeeksAndLooksUpOffsetsByTime() throws Exception {
            String p = prefix("consumer");
            JsonNode r = confluent.run("consumer", broker.bootstrap(), p);
            assertThat(r)
                    .isEqualTo(json("{'committedBefore': -1001, 'first': [[0,'v0'],[1,'v1'],[2,'v2'],[3,'v3']],"
                            + " 'committedAfterCommit': 4, 'committedExplicit': 7,"
                            + " 'forTimes': {'exact': 3, 'between': 4, 'before': 0, 'after': -1},"
                            + " 'watermarks': [[0,10],[0,0]], 'afterSeek': [[8,'v8'],[9,'v9']], 'position': 10,"
                            + " 'metadata': {'0': [1,[1],[1]], '1': [1,[1],[1]]}, 'unknownTopicError': 3}"));
            assertThat(admin.listConsumerGroupOffsets(p + "-group")
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS)
                            .get(new TopicPartition(p + "-topic", 0))
                            .offset())
                    .isEqualTo(7);
        }
    }

    @Nested
    class KafkaPython {

        @Test
        void adminClientCreatesGrowsDescribesAndDeletesTopics() throws Exception {
            String p = prefix("kp-admin");
            JsonNode r = kafkaPython.run("admin", broker.bootstrap(), p);
            JsonNode configs = ((ObjectNode) r).remove("configs");
            JsonNode brokerConfigs = ((ObjectNode) r).remove("brokerConfigs");
            assertThat(r)
                    .isEqualTo(json("{'create': 0, 'createAgain': 36, 'createZeroPartitions': 37, 'validateOnly': 0,"
                            + " 'grow': 0, 'growMissing': 3, 'topics': ['" + p + "-cfg'], 'partitions': [0,1,2,3,4],"
                            + " 'describeError': 0, 'alter': 0, 'alterInvalid': 40,"
                            + " 'afterAlter': {'retention.ms': ['604800000', 5], 'segment.ms': ['600000', 1]},"
                            + " 'delete': 0, 'deleteAgain': 3, 'topicsAfterDelete': []}"));
            // name: [value, source, synonyms]: a default is listed under its broker key (message.max.bytes), and
            // not at all when that key has no default (log.retention.ms) or there is none (throttled replicas).
            assertThat(configs)
                    .isEqualTo(json("{'retention.ms': ['7654321', 1, [['retention.ms', '7654321', 1]]],"
                            + " 'cleanup.policy': ['delete', 5, [['log.cleanup.policy', 'delete', 5]]],"
                            + " 'max.message.bytes': ['1048588', 5, [['message.max.bytes', '1048588', 5]]],"
                            + " 'leader.replication.throttled.replicas': ['', 5, []]}"));
            // The broker's own: a static setting (4) lists the default after it; an unset default is no synonym.
            assertThat(brokerConfigs)
                    .isEqualTo(json(
                            "{'num.partitions': ['3', 4, [['num.partitions', '3', 4], ['num.partitions', '1', 5]]],"
                                    + " 'log.retention.hours': ['168', 5, [['log.retention.hours', '168', 5]]],"
                                    + " 'log.retention.ms': [null, 5, []]}"));
        }

        @Test
        void consumerReturnsTransactionMarkersAsRecordsAsItDoesAgainstKafka() throws Exception {
            // kafka-python 2.0.2 predates transactions support (dpkp/kafka-python#1853, fixed in 2025): it hands the
            // commit and abort markers to the application as records, and returns aborted records too. The broker
            // sends what Kafka sends; this pins what the client makes of it.
            String topic = prefix("kp-txn");
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            broker.bootstrap(),
                            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                            topic),
                    new StringSerializer(),
                    new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k1", "kept"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k2", "gone")).get();
                producer.abortTransaction();
            }
            JsonNode records = kafkaPython
                    .run("read", broker.bootstrap(), prefix("kp-read"), topic, "4")
                    .get("records");
            assertThat(records).hasSize(4);
            assertThat(records.get(0)).isEqualTo(json("[0, '" + hex("k1") + "', '" + hex("kept") + "']"));
            assertThat(records.get(2)).isEqualTo(json("[2, '" + hex("k2") + "', '" + hex("gone") + "']"));
            // A control record's key is version 0 and type (1 commit, 0 abort); its value version 0 and the
            // coordinator epoch.
            assertThat(records.get(1).get(0).asInt()).isEqualTo(1);
            assertThat(records.get(1).get(1).asText()).isEqualTo("00000001");
            assertThat(records.get(3).get(0).asInt()).isEqualTo(3);
            assertThat(records.get(3).get(1).asText()).isEqualTo("00000000");
            assertThat(List.of(
                            records.get(1).get(2).asText(),
                            records.get(3).get(2).asText()))
                    .allSatisfy(v -> assertThat(v).hasSize(12).startsWith("0000"));
        }

        @ParameterizedTest
        @CsvSource({"PLAIN, alice, alice-secret", "SCRAM-SHA-256, bob, bob-secret"})
        void logsInWithSaslHandshakeV0AndBareTokensAsKafkaAllows(String mechanism, String user, String password)
                throws Exception {
            // kafka-python 2.0.2 sends SaslHandshake v0 and then the tokens without SaslAuthenticate: Kafka 4 still
            // serves that exchange (SaslServerAuthenticator reads bare tokens after a v0 handshake).
            JsonNode r = kafkaPython.run("sasl", "127.0.0.1:" + saslPort, prefix("kp-sasl"), mechanism, user, password);
            assertThat(r)
                    .isEqualTo(json("{'sent': 0, 'read': [[0, 'k', 'over " + mechanism + "']],"
                            + " 'wrongPassword': 'NoBrokersAvailable'}"));
        }

        @Test
        void requestVersionsKafka4RemovedCloseTheConnectionAsKafka4Does() throws Exception {
            // api_version=(0, 10, 1) makes kafka-python send Produce v2, removed in Kafka 4 (KIP-896); Kafka 4's
            // SocketServer closes a connection on a version it does not support, and Fjord does the same.
            JsonNode r = kafkaPython.run("old-protocol", broker.bootstrap(), prefix("kp-old"));
            assertThat(r).isEqualTo(json("{'0.10.1': ['error', 'KafkaConnectionError'], '0.11': ['ok', 0]}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"none", "gzip"})
        void producerWithAcksAllWritesWhatItsConsumerAndTheJavaClientRead(String codec) throws Exception {
            JsonNode r = kafkaPython.run("produce", broker.bootstrap(), prefix("kp-produce"), codec);
            String topic = r.get("topic").asText();
            List<String> deliveries = new ArrayList<>();
            List<String> records = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                deliveries.add("[" + (i % 2) + "," + (i / 2) + "]");
                String value = "value " + i + " " + "y".repeat(i % 60);
                records.add(
                        JSON.writeValueAsString(List.of(i % 2, i / 2, "k" + i, value, List.of(List.of("n", "" + i)))));
            }
            assertThat(r.get("deliveries")).isEqualTo(JSON.readTree("[" + String.join(",", deliveries) + "]"));
            List<JsonNode> read = new ArrayList<>();
            r.get("records").forEach(read::add);
            List<JsonNode> expected = new ArrayList<>();
            for (String s : records) {
                expected.add(JSON.readTree(s));
            }
            assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(Stream.concat(batchesOnDisk(topic, 0).stream(), batchesOnDisk(topic, 1).stream())
                            .map(RecordBatch::compressionType))
                    .containsOnly(CompressionType.forName(codec));
            assertThat(readAll(topic, 2, "read_uncommitted")).hasSize(100);
        }

        @Test
        void groupOfTwoSplitsPartitionsCommitsAndIsListedAndDescribed() throws Exception {
            String p = prefix("kp-group");
            JsonNode r = kafkaPython.run("group", broker.bootstrap(), p);
            assertThat(r.get("split"))
                    .isIn(json("{'first':[0,1],'second':[2,3]}"), json("{'first':[2,3],'second':[0,1]}"));
            JsonNode firsts = r.at("/split/first");
            String committed = "[" + firsts.get(0) + ",10],[" + firsts.get(1) + ",10]";
            assertThat(r.get("committed")).isEqualTo(json("[" + committed + "]"));
            assertThat(r.get("groupOffsets")).isEqualTo(json("[" + committed + "]"));
            assertThat(r.get("listed")).isEqualTo(json("[['" + p + "-group','consumer']]"));
            assertThat(r.get("described"))
                    .isEqualTo(json("{'group': '" + p + "-group', 'state': 'Stable', 'protocolType': 'consumer',"
                            + " 'protocol': 'range', 'members': [['first'," + firsts + "],['second',"
                            + r.at("/split/second") + "]]}"));
            assertThat(r.get("afterLeave")).isEqualTo(json("[0,1,2,3]"));
            assertThat(r.get("readAfterLeave")).isEqualTo(readAfterLeave(r.at("/split/second")));
        }

        @Test
        void consumerSeeksAndLooksUpOffsetsByTime() throws Exception {
            JsonNode r = kafkaPython.run("consumer", broker.bootstrap(), prefix("kp-consumer"));
            assertThat(r)
                    .isEqualTo(json("{'committedBefore': null, 'end': [[0,10],[1,0]], 'beginning': [[0,0],[1,0]],"
                            + " 'forTimes': {'exact': [3,1700000003000], 'between': [4,1700000004000],"
                            + " 'before': [0,1700000000000], 'after': null},"
                            + " 'afterSeek': [[6,'v6'],[7,'v7']], 'positionAfterSeekToBeginning': 0,"
                            + " 'afterSeekToBeginning': [[0,'v0'],[1,'v1'],[2,'v2']], 'committed': 3,"
                            + " 'positionsAfterSeekToEnd': [10,0]}"));
        }
    }

    static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What the remaining member reads after the rebalance, as [[partition, offset], ...] sorted: offsets 0..9 again
     * of the partitions in {@code reread} (its own, never committed), and on every partition the record at offset 10
     * produced after the rebalance.
     */
    static JsonNode readAfterLeave(JsonNode reread) throws Exception {
        Set<Integer> again = new HashSet<>();
        reread.forEach(p -> again.add(p.asInt()));
        List<String> pairs = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            pairs.add(offsets(p, again.contains(p) ? 0 : 10, 11));
        }
        return JSON.readTree("[" + String.join(",", pairs) + "]");
    }

    /** The member's rebalance callbacks that moved partitions (librdkafka may also report empty ones). */
    static List<JsonNode> eventsOf(JsonNode r, String member) {
        List<JsonNode> events = new ArrayList<>();
        r.get("events").forEach(e -> {
            if (e.get(0).asText().equals(member) && !e.get(2).isEmpty()) {
                events.add(e);
            }
        });
        return events;
    }

    /** Every batch in a partition's segment files, each checked against its CRC. */
    static List<RecordBatch> batchesOnDisk(String topic, int partition) throws Exception {
        List<RecordBatch> batches = new ArrayList<>();
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir.resolve("data").resolve(topic + "-" + partition))) {
            segments = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        for (Path segment : segments) {
            BatchIterator it = RecordBatches.iterate(ByteBuffer.wrap(Files.readAllBytes(segment)));
            while (it.hasNext()) {
                RecordBatch batch = it.next();
                assertThat(batch.isValid())
                        .as("CRC of the batch at offset %d", batch.baseOffset())
                        .isTrue();
                batches.add(batch);
            }
        }
        return batches;
    }

    /** What the Java consumer reads from every partition, from the beginning to the end offsets. */
    static List<ConsumerRecord<String, String>> readAll(String topic, int partitions, String isolation) {
        List<TopicPartition> tps = IntStream.range(0, partitions)
                .mapToObj(i -> new TopicPartition(topic, i))
                .toList();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrap(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        isolation),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    /** "partition:offset:value" of each record. */
    static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream()
                .map(r -> r.partition() + ":" + r.offset() + ":" + r.value())
                .toList();
    }
}

package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaJS 2.2.4, the pure-JavaScript client, against Fjord: the scripts under {@code src/test/js} use it as an
 * application would (producer, transactions, consumer groups, admin) and print what they saw as JSON; this test
 * asserts on it and cross-checks with the Java client what landed in the broker. Needs Node.js and npm on the
 * PATH; {@link NodeScripts} installs the pinned packages on first use.
 */
public class KafkaJsIT {

    private static final long SCRIPT_TIMEOUT_MS = 90_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;
    private static JsonNode produceResult;
    private static JsonNode adminResult;

    @BeforeAll
    static void startBroker() throws Exception {
        NodeScripts.ensureInstalled();
        // KafkaJS members join one at a time: Kafka's 3 s initial rebalance delay would only slow the group tests.
        broker = EmbeddedBroker.start(dataDir, Map.of("group.initial.rebalance.delay.ms", "0"));
        // A new __consumer_offsets is led before its partitions are registered with the group coordinator, and
        // meanwhile group requests get NOT_COORDINATOR (Kafka has the same window). KafkaJS 2.2.4's sendOffsets
        // does not retry it (it checks for the type NOT_COORDINATOR, but names code 16 NOT_COORDINATOR_FOR_GROUP):
        // the Java Admin client, which retries, creates the topic and waits for its coordinator first.
        try (Admin admin = admin()) {
            admin.listConsumerGroupOffsets("kafkajs-it-warm-up")
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void keyedRecordsLandWhereTheJavaPartitionerPutsThem() throws Exception {
        JsonNode result = produced();

        Map<String, Integer> java = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "key-" + i;
            java.put(key, BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 6));
        }
        Map<String, Integer> kafkaJs = new TreeMap<>();
        result.get("keys")
                .fields()
                .forEachRemaining(e -> kafkaJs.put(e.getKey(), e.getValue().asInt()));
        assertThat(kafkaJs).isEqualTo(java);
        assertThat(java.values()).containsOnly(0, 1, 2, 3, 4, 5).contains(0, 1, 2, 3, 4, 5);

        Map<String, Integer> stored = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll("p-keys", 6, "read_uncommitted")) {
            stored.put(new String(r.key(), StandardCharsets.UTF_8), r.partition());
        }
        assertThat(stored).isEqualTo(java);
    }

    @Test
    void headersNullKeysGzipEveryAcksAndTheIdempotentProducer() throws Exception {
        JsonNode result = produced();

        assertField(result, "/misc", "[{'partition':0,'baseOffset':'0','errorCode':0}]");
        List<ConsumerRecord<byte[], byte[]>> misc = readAll("p-misc", 1, "read_uncommitted");
        assertThat(misc).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(text(misc.get(0).key())).isEqualTo("h");
        assertThat(text(misc.get(0).value())).isEqualTo("with headers");
        Map<String, byte[]> headers = new HashMap<>();
        for (Header h : misc.get(0).headers()) {
            headers.put(h.key(), h.value());
        }
        assertThat(headers).containsOnlyKeys("trace-id", "bin");
        assertThat(text(headers.get("trace-id"))).isEqualTo("abc-123");
        assertThat(headers.get("bin")).containsExactly(0, 1, 2, 255);
        assertThat(misc.get(1).key()).isNull();
        assertThat(text(misc.get(1).value())).isEqualTo("null key");
        assertThat(misc.get(2).key()).isNull();
        assertThat(text(misc.get(3).key())).isEqualTo("tomb");
        assertThat(misc.get(3).value()).isNull();
        assertThat(result.get("read"))
                .as("what a KafkaJS consumer reads back")
                .isEqualTo(json("[{'partition':0,'offset':'0','key':'h','value':'with headers',"
                        + "'headers':{'trace-id':'6162632d313233','bin':'000102ff'}},"
                        + "{'partition':0,'offset':'1','key':null,'value':'null key','headers':{}},"
                        + "{'partition':0,'offset':'2','key':null,'value':'no key','headers':{}},"
                        + "{'partition':0,'offset':'3','key':'tomb','value':null,'headers':{}}]"));

        assertField(result, "/gzip", "[{'partition':0,'baseOffset':'0','errorCode':0}]");
        List<ConsumerRecord<byte[], byte[]>> gzip = readAll("p-gzip", 1, "read_uncommitted");
        assertThat(gzip).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(text(gzip.get(i).value())).isEqualTo("gzipped value " + i + " " + "z".repeat(i));
        }
        ByteBuffer segment = ByteBuffer.wrap(Files.readAllBytes(dataDir.resolve("p-gzip-0/00000000000000000000.log")));
        assertThat(segment.getShort(21) & 0x7)
                .as("the stored batch's codec (1 = gzip)")
                .isEqualTo(1);

        // acks=0 gets no answer, so KafkaJS reports no offset; the record is stored all the same.
        assertField(
                result,
                "/acks",
                "{'0':[],'1':[{'partition':0,'baseOffset':'1','errorCode':0}],"
                        + "'-1':[{'partition':0,'baseOffset':'2','errorCode':0}]}");
        assertThat(readAll("p-acks", 1, "read_uncommitted"))
                .extracting(r -> r.offset() + ":" + text(r.value()))
                .containsExactly("0:acks=0", "1:acks=1", "2:acks=-1");

        assertThat(result.get("idem"))
                .extracting(n -> n.get("baseOffset").asText())
                .containsExactly("0", "3", "6", "9", "12");
        List<String> idem = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                idem.add("idem-" + i + "-" + j);
            }
        }
        assertThat(readAll("p-idem", 1, "read_uncommitted"))
                .extracting(r -> text(r.value()))
                .isEqualTo(idem);
        TopicPartition idemPartition = new TopicPartition("p-idem", 0);
        try (Admin admin = admin()) {
            List<ProducerState> producers = admin.describeProducers(List.of(idemPartition))
                    .partitionResult(idemPartition)
                    .get(15, TimeUnit.SECONDS)
                    .activeProducers();
            assertThat(producers).hasSize(1);
            assertThat(producers.get(0).producerId()).isNotNegative();
            assertThat(producers.get(0).producerEpoch()).isZero();
            assertThat(producers.get(0).lastSequence()).isEqualTo(14);
        }
    }

    @Test
    void transactionsCommitAbortAndSendOffsets() throws Exception {
        JsonNode result = run("txn.js", "t");

        assertField(
                result,
                "/readCommitted",
                "[{'offset':'0','value':'c1'},{'offset':'1','value':'c2'},{'offset':'2','value':'c3'},"
                        + "{'offset':'7','value':'c4'}]");
        assertField(
                result,
                "/readUncommitted",
                "[{'offset':'0','value':'c1'},{'offset':'1','value':'c2'},{'offset':'2','value':'c3'},"
                        + "{'offset':'4','value':'a1'},{'offset':'5','value':'a2'},{'offset':'7','value':'c4'}]");
        assertField(result, "/endOffsets", "[{'partition':0,'offset':'9','high':'9','low':'0'}]");
        assertThat(readAll("t-out", 1, "read_committed"))
                .extracting(r -> r.offset() + ":" + text(r.value()))
                .containsExactly("0:c1", "1:c2", "2:c3", "7:c4");

        // A second producer with the same transactional id fences the first: Kafka answers the zombie's Produce v7
        // and EndTxn v1 with INVALID_PRODUCER_EPOCH (PRODUCER_FENCED only from EndTxn v2), and its records stay out.
        assertField(result, "/fenced/zombieSend/type", "'INVALID_PRODUCER_EPOCH'");
        assertField(result, "/fenced/zombieSend/code", "47");
        assertField(result, "/fenced/zombieCommit/type", "'INVALID_PRODUCER_EPOCH'");
        assertField(result, "/fenced/zombieCommit/code", "47");
        assertField(result, "/fenced/read", "[{'offset':'2','value':'fresh'}]");

        assertField(result, "/groupOffsets", "[{'partition':0,'offset':'42'},{'partition':1,'offset':'7'}]");
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("t-group")
                    .partitionsToOffsetAndMetadata()
                    .get(15, TimeUnit.SECONDS);
            assertThat(committed).containsOnlyKeys(new TopicPartition("t-in", 0), new TopicPartition("t-in", 1));
            assertThat(committed.get(new TopicPartition("t-in", 0)).offset()).isEqualTo(42);
            assertThat(committed.get(new TopicPartition("t-in", 1)).offset()).isEqualTo(7);
        }
    }

    @Test
    void twoMembersSplitTheTopicAndTheSurvivorTakesItAllWhenOneLeaves() throws Exception {
        JsonNode result = run("group.js", "g");

        List<Integer> a = ints(result.at("/split/a"));
        List<Integer> b = ints(result.at("/split/b"));
        assertThat(a).hasSize(2).doesNotContainAnyElementsOf(b);
        assertThat(b).hasSize(2);
        assertThat(ints(result.at("/firstRound/a"))).isEqualTo(a);
        assertThat(ints(result.at("/firstRound/b"))).isEqualTo(b);
        assertField(
                result,
                "/describedWhileTwo",
                "{'state':'Stable','protocol':'RoundRobinAssigner'," + "'members':['kafkajs-group','kafkajs-group']}");

        assertField(result, "/afterLeaveAssignment", "[0,1,2,3]");
        assertField(result, "/secondRound", "[0,1,2,3]");
        assertField(result, "/describedAfterLeave", "{'state':'Stable','members':['kafkajs-group']}");
        assertField(
                result,
                "/committed",
                "[{'partition':0,'offset':'2'},{'partition':1,'offset':'2'},"
                        + "{'partition':2,'offset':'2'},{'partition':3,'offset':'2'}]");
    }

    @Test
    void manualCommitsSeekPauseResumeAndWhereAConsumerStarts() throws Exception {
        JsonNode result = run("consumer.js", "c");

        assertField(
                result,
                "/manual",
                "{'firstRead':['0','1','2','3','4','5','6','7','8','9'],'committed':'4',"
                        + "'resumed':['4','5','6','7','8','9']}");
        assertField(result, "/seek", "['0','1','2','7','8','9']");
        assertField(
                result,
                "/pause",
                "{'paused':[{'topic':'c-c','partitions':[0]}],'countWhilePaused':10,"
                        + "'afterResume':['while-paused']}");
        assertField(result, "/latest", "['after-join']");
        assertField(
                result,
                "/beginning",
                "['m0','m1','m2','m3','m4','m5','m6','m7','m8','m9','while-paused','after-join']");
    }

    @Test
    void adminCreatesDescribesAndDeletesTopicsAnsweringErrorsAsKafkaDoes() throws Exception {
        JsonNode r = admin("a");

        assertField(r, "/createWithConfigs", "{'value':true}");
        assertField(r, "/createValidateOnly", "{'value':true}");
        // KafkaJS answers false when every topic failed with TOPIC_ALREADY_EXISTS.
        assertField(r, "/createAlreadyExists", "{'value':false}");
        assertField(r, "/createZeroPartitions/error/items", "[{'type':'INVALID_PARTITIONS','code':37}]");
        assertField(r, "/createTooManyReplicas/error/items", "[{'type':'INVALID_REPLICATION_FACTOR','code':38}]");
        assertField(r, "/createBadConfig/error/items", "[{'type':'INVALID_CONFIG','code':40}]");
        assertField(r, "/topicsAfterCreates", "['a-configured']");
        assertField(
                r,
                "/describeTopicConfigs",
                "{'cleanup.policy':{'value':'compact','isDefault':false},"
                        + "'retention.ms':{'value':'3600000','isDefault':false},"
                        + "'segment.bytes':{'value':'1073741824','isDefault':true}}");
        assertThat(r.at("/alterConfigs/error").isMissingNode())
                .as("alterConfigs: %s", r.at("/alterConfigs"))
                .isTrue();
        assertField(
                r,
                "/alterConfigsInvalid/error",
                "{'name':'KafkaJSProtocolError','message':'Configuration is invalid',"
                        + "'type':'INVALID_CONFIG','code':40}");
        assertField(
                r,
                "/configsAfterAlter",
                "{'cleanup.policy':{'value':'delete','isDefault':true},"
                        + "'retention.ms':{'value':'604800000','isDefault':true},"
                        + "'segment.ms':{'value':'600000','isDefault':false}}");
        assertField(
                r,
                "/describeBrokerConfigs",
                "{'auto.create.topics.enable':{'value':'true','isDefault':true},"
                        + "'log.retention.hours':{'value':'168','isDefault':true},"
                        + "'num.partitions':{'value':'1','isDefault':true}}");
        assertField(
                r,
                "/describeCluster",
                "{'brokers':[{'nodeId':1,'host':'127.0.0.1','port':"
                        + broker.address().getPort() + "}],'controller':1,'clusterIdPresent':true}");

        assertField(r, "/createPartitions", "{}");
        assertField(
                r,
                "/createPartitionsFewer/error",
                "{'name':'KafkaJSProtocolError','message':'Number of partitions is invalid',"
                        + "'type':'INVALID_PARTITIONS','code':37}");
        List<String> partitions = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            partitions.add("{'partition':" + p + ",'leader':1,'replicas':[1],'isr':[1],'errorCode':0}");
        }
        assertField(
                r,
                "/metadataAfterCreatePartitions",
                "[{'name':'a-configured','partitions':[" + String.join(",", partitions) + "]}]");

        assertField(r, "/deleteTopics", "{}");
        assertThat(r.at("/deleteUnknownTopic/error/type").asText()).isEqualTo("UNKNOWN_TOPIC_OR_PARTITION");
        assertField(r, "/topicsAfterDelete", "['a-configured']");
    }

    @Test
    void adminReadsSetsResetsAndTruncatesOffsets() throws Exception {
        JsonNode r = admin("a");

        assertField(
                r,
                "/fetchTopicOffsets",
                "[{'partition':0,'offset':'6','high':'6','low':'0'},"
                        + "{'partition':1,'offset':'3','high':'3','low':'0'}]");
        // Record i has timestamp base + i s; a timestamp after a partition's last record gives its end offset.
        assertField(
                r,
                "/fetchTopicOffsetsByTimestamp",
                "{'middle':[{'partition':0,'offset':'3'},{'partition':1,'offset':'3'}],"
                        + "'exact':[{'partition':0,'offset':'1'},{'partition':1,'offset':'1'}],"
                        + "'beforeAll':[{'partition':0,'offset':'0'},{'partition':1,'offset':'0'}]}");

        assertField(r, "/deleteTopicRecords", "{}");
        assertField(
                r,
                "/deleteTopicRecordsBeyondEnd/error/items",
                "[{'partition':1,'type':'OFFSET_OUT_OF_RANGE','code':1}]");
        assertField(
                r,
                "/fetchTopicOffsetsAfterDelete",
                "[{'partition':0,'offset':'6','high':'6','low':'5'},"
                        + "{'partition':1,'offset':'3','high':'3','low':'0'}]");

        assertField(r, "/setOffsets", "{}");
        assertField(
                r,
                "/fetchOffsetsAfterSet",
                "[{'partition':0,'offset':'4','metadata':null},{'partition':1,'offset':'1','metadata':null}]");
        // resetOffsets commits KafkaJS's markers (-1 latest, -2 earliest); Kafka keeps committed offsets as sent.
        assertThat(r.get("fetchOffsetsAfterResetLatest"))
                .isEqualTo(
                        json(
                                "[{'partition':0,'offset':'-1','metadata':null},{'partition':1,'offset':'-1','metadata':null}]"));
        assertThat(r.get("fetchOffsetsAfterResetEarliest"))
                .isEqualTo(
                        json(
                                "[{'partition':0,'offset':'-2','metadata':null},{'partition':1,'offset':'-2','metadata':null}]"));
        // p0's committed 4 is below its new start 5: OFFSET_OUT_OF_RANGE, and KafkaJS starts from the earliest.
        assertField(r, "/firstReadAfterSet", "{'0':'5','1':'1'}");
        assertThat(r.get("fetchOffsetsUnknownGroup"))
                .isEqualTo(
                        json(
                                "[{'partition':0,'offset':'-1','metadata':null},{'partition':1,'offset':'-1','metadata':null}]"));
    }

    @Test
    void adminListsDescribesAndDeletesGroups() throws Exception {
        JsonNode r = admin("a");

        List<String> listed = new ArrayList<>();
        for (String group : List.of("a-idle", "a-live", "a-offsets-earliest", "a-offsets-latest", "a-offsets-set")) {
            listed.add("{'groupId':'" + group + "','protocolType':'consumer'}");
        }
        assertField(r, "/listGroups", "[" + String.join(",", listed) + "]");
        assertField(
                r,
                "/describeGroups",
                "[{'groupId':'a-live','state':'Stable','protocolType':'consumer',"
                        + "'protocol':'RoundRobinAssigner','errorCode':0,"
                        + "'members':[{'clientId':'kafkajs-admin','hasAssignment':true}]},"
                        + "{'groupId':'a-idle','state':'Empty','protocolType':'consumer','protocol':'','errorCode':0,"
                        + "'members':[]},"
                        + "{'groupId':'a-unknown','state':'Dead','protocolType':'','protocol':'','errorCode':0,"
                        + "'members':[]}]");
        assertField(r, "/deleteNonEmptyGroup/error/items", "[{'groupId':'a-live','type':'NON_EMPTY_GROUP','code':68}]");
        assertField(
                r,
                "/deleteUnknownGroup/error/items",
                "[{'groupId':'a-unknown','type':'GROUP_ID_NOT_FOUND','code':69}]");
        assertField(
                r,
                "/deleteGroups",
                "{'value':[{'groupId':'a-idle','errorCode':0},{'groupId':'a-live','errorCode':0}]}");
        assertField(r, "/groupsAfterDelete", "['a-offsets-earliest','a-offsets-latest','a-offsets-set']");
    }

    /** A broker without an authorizer configured tells ACL calls that security is disabled, as Kafka does. */
    @Test
    void aclCallsAreToldSecurityIsDisabled() throws Exception {
        JsonNode r = admin("a");

        for (String call : List.of("describeAcls", "createAcls", "deleteAcls")) {
            assertThat(r.at("/" + call + "/error/type").asText()).as(call).isEqualTo("SECURITY_DISABLED");
            assertThat(r.at("/" + call + "/error/code").asInt()).as(call).isEqualTo(54);
        }
        try (Admin admin = admin()) {
            assertThatThrownBy(() ->
                            admin.describeAcls(AclBindingFilter.ANY).values().get(15, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SecurityDisabledException.class)
                    .hasMessage("No Authorizer is configured on the broker");
        }
    }

    /**
     * KafkaJS logs in with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 on one SASL_PLAINTEXT listener (SCRAM users made
     * with the Java Admin client over a PLAINTEXT listener), produces, consumes in a group and lists topics; a wrong
     * password is refused for each mechanism with Kafka's messages.
     */
    @Test
    void saslLoginsWithPlainAndScram(@TempDir Path saslDir) throws Exception {
        int saslPort = BrokerProcess.freePort();
        int openPort = BrokerProcess.freePort();
        try (EmbeddedBroker sasl = startSaslBroker(saslDir, saslPort, openPort);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + openPort))) {
            admin.alterUserScramCredentials(List.of(
                            new UserScramCredentialUpsertion(
                                    "carol",
                                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                                    "carol-secret"),
                            new UserScramCredentialUpsertion(
                                    "dave",
                                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                                    "dave-secret")))
                    .all()
                    .get(30, TimeUnit.SECONDS);

            String logins = "[{'mechanism':'plain','username':'alice','password':'alice-secret','ok':true},"
                    + "{'mechanism':'scram-sha-256','username':'carol','password':'carol-secret','ok':true},"
                    + "{'mechanism':'scram-sha-512','username':'dave','password':'dave-secret','ok':true},"
                    + "{'mechanism':'plain','username':'alice','password':'wrong','ok':false},"
                    + "{'mechanism':'scram-sha-256','username':'carol','password':'wrong','ok':false},"
                    + "{'mechanism':'scram-sha-512','username':'nobody','password':'x','ok':false}]";
            JsonNode result = NodeScripts.run(
                    "sasl.js", SCRIPT_TIMEOUT_MS, "127.0.0.1:" + saslPort, "s", logins.replace('\'', '"'));

            String roundTrip = "{'read':['k1=hello','k2=world'],'listed':true}";
            assertField(result, "/0", roundTrip);
            assertField(result, "/1", roundTrip);
            assertField(result, "/2", roundTrip);
            assertField(
                    result,
                    "/3/error",
                    "{'name':'KafkaJSSASLAuthenticationError','type':null,"
                            + "'message':'SASL PLAIN authentication failed: Authentication failed: Invalid username"
                            + " or password'}");
            for (String sha : List.of("256", "512")) {
                assertField(
                        result,
                        sha.equals("256") ? "/4/error" : "/5/error",
                        "{'name':'KafkaJSSASLAuthenticationError','type':null,'message':'SASL SCRAM SHA" + sha
                                + " authentication failed: Authentication failed during authentication due to invalid"
                                + " credentials with SASL mechanism SCRAM-SHA-" + sha + "'}");
            }
        }
    }

    /** PLAIN (user alice) and both SCRAMs on SASL_PLAINTEXT, and a PLAINTEXT listener OPEN for the Admin client. */
    private static EmbeddedBroker startSaslBroker(Path dir, int saslPort, int openPort) {
        String properties = """
                listeners=SASL_PLAINTEXT://127.0.0.1:%d,OPEN://127.0.0.1:%d
                listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,OPEN:PLAINTEXT,CONTROLLER:PLAINTEXT
                inter.broker.listener.name=OPEN
                sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
                listener.name.sasl_plaintext.plain.sasl.jaas.config=\
                org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";
                group.initial.rebalance.delay.ms=0
                connection.failed.authentication.delay.ms=0
                """.formatted(saslPort, openPort);
        Map<String, String> settings = new HashMap<>();
        properties.lines().forEach(line -> {
            int eq = line.indexOf('=');
            settings.put(line.substring(0, eq), line.substring(eq + 1));
        });
        return EmbeddedBroker.start(dir, settings);
    }

    /** The produce script's result: it runs once, for the two tests that look at parts of it. */
    private static synchronized JsonNode produced() throws IOException, InterruptedException {
        if (produceResult == null) {
            produceResult = run("produce.js", "p");
        }
        return produceResult;
    }

    /** The admin script's result: it runs once, for the four tests that look at parts of it. */
    private static synchronized JsonNode admin(String prefix) throws IOException, InterruptedException {
        if (adminResult == null) {
            adminResult = run("admin.js", prefix);
        }
        return adminResult;
    }

    private static JsonNode run(String script, String prefix) throws IOException, InterruptedException {
        return NodeScripts.run(script, SCRIPT_TIMEOUT_MS, broker.bootstrap(), prefix);
    }

    /** Asserts that the value at {@code pointer} in a script's result is exactly {@code expected}. */
    private static void assertField(JsonNode result, String pointer, String expected) throws IOException {
        assertThat(result.at(pointer)).as(pointer).isEqualTo(json(expected));
    }

    /** JSON written with single quotes, to keep expectations readable in Java strings. */
    private static JsonNode json(String singleQuoted) throws IOException {
        return JSON.readTree(singleQuoted.replace('\'', '"'));
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    /** Every record of {@code topic}'s partitions up to their end offsets, read by the Java consumer. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions, String isolation) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(15));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime())
                        .as("read %s to %s within 30 s", topic, ends)
                        .isLessThan(deadlineNs);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}

package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fjord.common.Errors;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic auto-creation by Metadata requests (on by default, off with auto.create.topics.enable=false),
 * and librdkafka's view of the metadata through {@code kcat -L}.
 */
class AutoCreateAndKcatIT extends AdminITBase {

    @TempDir
    static Path otherDataDir;

    @BeforeAll
    static void start() {
        startBroker(Map.of("num.partitions", "4"));
    }

    @Test
    void aProducerSendingToAMissingTopicCreatesItWithTheDefaultPartitionCount() throws Exception {
        try (KafkaProducer<String, String> producer = newProducer(Map.of())) {
            RecordMetadata written = producer.send(new ProducerRecord<>("auto-created", "k", "v"))
                    .get(15, TimeUnit.SECONDS);
            assertThat(written.offset()).isZero();
            assertThat(producer.partitionsFor("auto-created")).hasSize(4);
        }
        assertThat(admin.describeTopics(List.of("auto-created"))
                        .allTopicNames()
                        .get()
                        .get("auto-created")
                        .partitions())
                .hasSize(4);
    }

    @Test
    void aProducerSendingToAnInvalidTopicNameFailsWithInvalidTopic() {
        try (KafkaProducer<String, String> producer = newProducer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000))) {
            Throwable thrown = catchThrowable(() ->
                    producer.send(new ProducerRecord<>("bad/name", "k", "v")).get(15, TimeUnit.SECONDS));
            Throwable cause = thrown instanceof ExecutionException ? thrown.getCause() : thrown;
            assertThat(cause).isInstanceOf(InvalidTopicException.class);
        }
    }

    @Test
    void withAutoCreationDisabledAProducerTimesOutOnAMissingTopic() throws Exception {
        try (EmbeddedBroker strict = EmbeddedBroker.start(otherDataDir, Map.of("auto.create.topics.enable", "false"));
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        strict.bootstrap(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        1500));
                Admin strictAdmin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, strict.bootstrap()))) {
            Throwable thrown = catchThrowable(() ->
                    producer.send(new ProducerRecord<>("not-created", "k", "v")).get(15, TimeUnit.SECONDS));

            Throwable cause = thrown instanceof ExecutionException ? thrown.getCause() : thrown;
            assertThat(cause).isInstanceOf(TimeoutException.class);
            assertThat(cause.getMessage()).contains("not-created").contains("not present in metadata");
            assertThat(strictAdmin.listTopics().names().get()).doesNotContain("not-created");
        }
    }

    @Test
    void kcatListsTopicsAndPartitions() throws Exception {
        createTopic("listed-by-kcat", 3, Map.of());

        Process process = new ProcessBuilder("kcat", "-b", broker.bootstrap(), "-L", "-t", "listed-by-kcat")
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).contains("1 brokers:").contains("broker 1 at " + broker.bootstrap());
        assertThat(out).contains("topic \"listed-by-kcat\" with 3 partitions:");
        for (int p = 0; p < 3; p++) {
            assertThat(out).contains("partition " + p + ", leader 1, replicas: 1, isrs: 1");
        }
    }

    /**
     * Clients racing to auto-create one topic (librdkafka asks on its bootstrap and its broker connection at once)
     * must never be told it does not exist: a request that finds the creation already under way, or done but not
     * yet in this broker's metadata, gets LEADER_NOT_AVAILABLE (retriable; librdkafka ignores it) as from Kafka.
     * UNKNOWN_TOPIC_OR_PARTITION there made kcat drop its topic's partitions and fail its messages.
     */
    @Test
    void metadataRequestsRacingToAutoCreateATopicNeverSayItIsUnknown() throws Exception {
        int connections = 4;
        List<RawKafkaClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            for (int c = 0; c < connections; c++) {
                clients.add(new RawKafkaClient(broker.address()));
            }
            for (int round = 0; round < 30; round++) {
                String topic = "raced-" + round;
                CyclicBarrier start = new CyclicBarrier(connections);
                List<Future<MetadataResponse.MetadataResponseTopic>> answers = new ArrayList<>();
                for (RawKafkaClient client : clients) {
                    answers.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        MetadataResponse response = (MetadataResponse) client.send(
                                ApiKeys.METADATA,
                                (short) 12,
                                new MetadataRequest()
                                        .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(topic)))
                                        .setAllowAutoTopicCreation(true));
                        return response.topics().get(0);
                    }));
                }
                for (Future<MetadataResponse.MetadataResponseTopic> answer : answers) {
                    MetadataResponse.MetadataResponseTopic t = answer.get(30, TimeUnit.SECONDS);
                    Errors error = Errors.forCode(t.errorCode());
                    assertThat(error).as("%s", topic).isIn(Errors.NONE, Errors.LEADER_NOT_AVAILABLE);
                    assertThat(t.partitions()).hasSize(error == Errors.NONE ? 4 : 0);
                }
            }
        } finally {
            pool.shutdownNow();
            for (RawKafkaClient client : clients) {
                client.close();
            }
        }
    }
}

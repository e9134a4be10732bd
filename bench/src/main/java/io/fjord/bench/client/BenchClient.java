package io.fjord.bench.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The harness's client helper, run on kafka-tools' classpath (so the same official client talks to every system):
 * {@code probe BOOTSTRAP} speaks the line protocol documented on {@code io.fjord.bench.harness.Probe}: it times
 * nothing itself, it only sends one record (acks=1, auto-created topic "bench-startup") as soon as the broker takes
 * it, then creates the workloads' topics through the Admin API. {@code cluster BOOTSTRAP} is the three-broker
 * workload's client ({@link ClusterClient}), {@code latency ...} the warm end-to-end loop ({@link WarmLatencyClient}).
 *
 * <p>Single threaded. Bounded: gives up after {@link #DEADLINE_MS} without an acknowledgement.
 */
public final class BenchClient {

    static final long DEADLINE_MS = 180_000;

    /** Producers that get a record acknowledged by the stand-in broker before the timed start. */
    static final int WARM_UP_PRODUCERS = 2;

    private BenchClient() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 7 && args[0].equals("latency")) {
            WarmLatencyClient.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length != 2 || !(args[0].equals("probe") || args[0].equals("cluster"))) {
            System.err.println("usage: BenchClient probe|cluster BOOTSTRAP, or BenchClient latency BOOTSTRAP TOPIC"
                    + " RECORDS ACKS RECORD_BYTES PASSES");
            System.exit(2);
        }
        String bootstrap = args[1];
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("cluster")) {
            try {
                new ClusterClient(bootstrap, in).run();
            } catch (Exception e) {
                say("ERROR " + e);
            }
            return;
        }
        warmUp(bootstrap);
        say("READY");
        if (!"GO".equals(in.readLine())) {
            return;
        }
        if (!firstAck(bootstrap)) {
            say("ERROR no acknowledged produce within " + DEADLINE_MS + " ms");
            return;
        }
        say("ACKED");
        String command = in.readLine();
        if (command == null || !command.startsWith("CREATE ")) {
            return;
        }
        try {
            createTopics(bootstrap, command.substring("CREATE ".length()));
            say("CREATED");
        } catch (ExecutionException e) {
            say("ERROR " + e.getCause());
        }
    }

    /**
     * Runs the producer's code before the broker starts, so the probe's own cold start is not measured. First two
     * producers each get a record acknowledged by a {@link WarmUpBroker}, through the same code as the timed produce:
     * connecting, ApiVersions, Metadata, a second connection to the leader, Produce. Then one producer tries the
     * not-yet-listening port until its short max.block.ms, as the timed one will. Without this the first produce paid
     * about 100 ms of the client's class loading and interpretation after each first response, for both systems
     * alike (per-request timestamps in the broker).
     */
    private static void warmUp(String bootstrap) {
        try (WarmUpBroker standIn = new WarmUpBroker()) {
            for (int i = 0; i < WARM_UP_PRODUCERS; i++) {
                try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerProperties(standIn.bootstrap()))) {
                    producer.send(new ProducerRecord<>("bench-warm-up", new byte[] {1}))
                            .get(10, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            System.err.println("probe: warm-up against the stand-in broker failed: " + e);
        }
        Properties p = producerProperties(bootstrap);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("bench-startup", new byte[] {1})).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Expected: nothing listens yet.
        }
    }

    private static boolean firstAck(String bootstrap) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        while (System.nanoTime() < deadlineNs) {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrap))) {
                producer.send(new ProducerRecord<>("bench-startup", new byte[] {1}))
                        .get(60, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                System.err.println("probe: produce not acknowledged yet: " + e);
                Thread.sleep(10);
            }
        }
        return false;
    }

    static Properties producerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Poll the not-yet-listening port, and the metadata of the topic being created, every 10 ms instead of
        // backing off to a second: the start-up figure should not carry the client's back-off.
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "10");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "10");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return p;
    }

    /** {@code spec} is "name:partitions,name:partitions"; topics that already exist are fine. */
    private static void createTopics(String bootstrap, String spec) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String item : spec.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.split(":");
            topics.add(new NewTopic(parts[0], Integer.parseInt(parts[1]), (short) 1));
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            createIfAbsent(admin, topics);
        }
    }

    /** Creates {@code topics} one by one, waiting up to 60 s for each; one that already exists is fine. */
    static void createIfAbsent(Admin admin, List<NewTopic> topics) throws Exception {
        for (NewTopic topic : topics) {
            try {
                admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}

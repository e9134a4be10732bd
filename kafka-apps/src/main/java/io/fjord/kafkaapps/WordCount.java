package io.fjord.kafkaapps;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The classic word count as a Kafka Streams application: lines from the input topic are split into
 * words, re-keyed by word through a repartition topic ({@code <app>-by-word-repartition}), counted in a
 * store backed by a changelog ({@code <app>-counts-changelog}), and each new count goes to the output
 * topic. The store's cache is off, so every input word yields one output record.
 *
 * <p>Usage: {@code WordCount <bootstrap> <application.id> <processing.guarantee> <input> <output>
 * <state.dir>}. It prints {@code STATE <new state> <active tasks>} on stdout at each state change and
 * runs until stdin closes or it gets SIGTERM, then closes the application cleanly and prints {@code
 * CLOSED}.
 */
public final class WordCount {

    private WordCount() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println(
                    "usage: WordCount <bootstrap> <application.id> <processing.guarantee> <input> <output> <state.dir>");
            System.exit(2);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> List.of(line.split(" ")))
                .groupBy((key, word) -> word, Grouped.with("by-word", Serdes.String(), Serdes.String()))
                .count(Materialized.as("counts"))
                .toStream()
                .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, args[2]);
        props.put(StreamsConfig.STATE_DIR_CONFIG, args[5]);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);

        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        CountDownLatch stop = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            int tasks = 0;
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                tasks += thread.activeTasks().size();
            }
            System.out.println("STATE " + now + " " + tasks);
            System.out.flush();
            if (now == KafkaStreams.State.ERROR) {
                stop.countDown();
            }
        });
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                closed.await(); // the JVM halts when its hooks return: let main close the application first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent holds stdin open while the application should run
                }
            } catch (java.io.IOException e) {
                // closed: stop
            }
            stop.countDown();
        });
        stdin.setDaemon(true);
        stdin.start();
        streams.start();
        stop.await();
        streams.close();
        System.out.println("CLOSED");
        System.out.flush();
        closed.countDown();
    }
}

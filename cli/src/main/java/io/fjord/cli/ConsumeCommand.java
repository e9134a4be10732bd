package io.fjord.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fjord consume TOPIC}: prints records, one per line, from a start position, until {@code -n} records,
 * the end of the partitions ({@code --exit-at-end}) or Ctrl-C. Without {@code --group} it reads the partitions
 * directly (assign); with one it joins the group, starts from the committed offsets, and commits what it
 * printed. The loop runs on the main thread; Ctrl-C's shutdown hook only wakes the consumer up and waits.
 */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = "Print records of a topic, one per line.",
        footer = {
            "",
            "--format placeholders: %%t topic, %%p partition, %%o offset, %%T timestamp (ms),",
            "%%k key, %%v value, %%h headers (k=v,...), %%%% a percent sign; \\n and \\t.",
            "A newline ends each record unless the template ends with one.",
            "--format json prints one JSON object per record.",
            "Default: the value, preceded by the key and a tab when the record has a key."
        })
final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TOPIC", description = "Topic to read.")
    String topic;

    @Option(
            names = {"-o", "--from"},
            paramLabel = "WHERE",
            description = "beginning, end, an OFFSET, or @TIMESTAMP_MS (default: beginning; with --group,"
                    + " the committed offset, else beginning).")
    String from;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "COUNT",
            description = "Stop after COUNT records.")
    Long count;

    @Option(
            names = {"-g", "--group"},
            paramLabel = "G",
            description = "Consume as a member of group G.")
    String group;

    @Option(
            names = {"-p", "--partition"},
            paramLabel = "P",
            description = "Read only partition P.")
    Integer partition;

    @Option(
            names = {"-e", "--exit-at-end"},
            description = "Stop at the end of the partitions as they were when the command started.")
    boolean exitAtEnd;

    @Option(
            names = {"-f", "--format"},
            paramLabel = "TEMPLATE",
            description = "Output template, or json (see below).")
    String format;

    @Mixin
    FormatOptions formats;

    /** Where to start reading: {@code beginning}, {@code end}, an offset or {@code @timestamp}. */
    record StartPosition(Kind kind, long value) {
        enum Kind {
            BEGINNING,
            END,
            OFFSET,
            TIMESTAMP
        }

        static StartPosition parse(String s) {
            try {
                if (s.equals("beginning") || s.equals("earliest")) {
                    return new StartPosition(Kind.BEGINNING, 0);
                } else if (s.equals("end") || s.equals("latest")) {
                    return new StartPosition(Kind.END, 0);
                } else if (s.startsWith("@")) {
                    return new StartPosition(Kind.TIMESTAMP, Long.parseLong(s.substring(1)));
                }
                long offset = Long.parseLong(s);
                if (offset >= 0) {
                    return new StartPosition(Kind.OFFSET, offset);
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw CliException.usage("expected beginning, end, an offset >= 0 or @TIMESTAMP_MS, got: " + s);
        }
    }

    @Override
    public Integer call() {
        StartPosition start = from == null ? null : StartPosition.parse(from);
        if (group != null && partition != null) {
            throw CliException.usage("--partition reads one partition directly; it cannot be used with --group");
        }
        if (count != null && count <= 0) {
            throw CliException.usage("-n must be at least 1, got " + count);
        }
        RecordTemplate template = RecordTemplate.parse(format);
        RecordFormat.Codec keyCodec = formats.keyCodec();
        RecordFormat.Codec valueCodec = formats.valueCodec();
        try (Clients clients = client.clients()) {
            List<TopicPartition> partitions = partitions(clients);
            try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer(consumerConfigs(start))) {
                Map<TopicPartition, Long> ends = exitAtEnd ? consumer.endOffsets(partitions) : Map.of();
                if (group == null) {
                    consumer.assign(partitions);
                    seek(consumer, partitions, start == null ? StartPosition.parse("beginning") : start);
                } else {
                    consumer.subscribe(List.of(topic), seekOnAssign(consumer, start));
                }
                new Loop(consumer, clients, template, keyCodec, valueCodec, ends).run();
            } catch (RuntimeException e) {
                throw clients.failure(e);
            }
        }
        return 0;
    }

    private List<TopicPartition> partitions(Clients clients) {
        List<TopicPartitionInfo> infos = clients.describeTopic(topic).partitions();
        if (partition != null && (partition < 0 || partition >= infos.size())) {
            throw new CliException(
                    "topic " + topic + " has no partition " + partition + " (it has " + infos.size() + ")");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicPartitionInfo p : infos) {
            if (partition == null || partition == p.partition()) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        return partitions;
    }

    private Map<String, Object> consumerConfigs(StartPosition start) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                start != null && start.kind() == StartPosition.Kind.END ? "latest" : "earliest");
        if (group != null) {
            configs.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return configs;
    }

    private static void seek(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> tps, StartPosition at) {
        switch (at.kind()) {
            case BEGINNING -> consumer.seekToBeginning(tps);
            case END -> consumer.seekToEnd(tps);
            case OFFSET -> tps.forEach(tp -> consumer.seek(tp, at.value()));
            case TIMESTAMP -> {
                Map<TopicPartition, Long> query = new HashMap<>();
                tps.forEach(tp -> query.put(tp, at.value()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
                List<TopicPartition> none = new ArrayList<>();
                for (TopicPartition tp : tps) {
                    OffsetAndTimestamp o = found.get(tp);
                    if (o == null) {
                        none.add(tp); // nothing at or after the timestamp yet
                    } else {
                        consumer.seek(tp, o.offset());
                    }
                }
                consumer.seekToEnd(none);
            }
        }
    }

    private static ConsumerRebalanceListener seekOnAssign(KafkaConsumer<byte[], byte[]> consumer, StartPosition at) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (at != null && !partitions.isEmpty()) {
                    seek(consumer, partitions, at);
                }
            }
        };
    }

    /** The poll loop and its stop conditions. */
    private final class Loop {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Clients clients;
        private final RecordTemplate template;
        private final RecordFormat.Codec keyCodec;
        private final RecordFormat.Codec valueCodec;
        private final Map<TopicPartition, Long> ends;
        private final Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
        private long seen;

        Loop(
                KafkaConsumer<byte[], byte[]> consumer,
                Clients clients,
                RecordTemplate template,
                RecordFormat.Codec keyCodec,
                RecordFormat.Codec valueCodec,
                Map<TopicPartition, Long> ends) {
            this.consumer = consumer;
            this.clients = clients;
            this.template = template;
            this.keyCodec = keyCodec;
            this.valueCodec = valueCodec;
            this.ends = ends;
        }

        void run() {
            CountDownLatch done = new CountDownLatch(1);
            Thread main = Thread.currentThread();
            Thread hook = new Thread(
                    () -> {
                        consumer.wakeup();
                        try {
                            done.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            main.interrupt();
                        }
                    },
                    "fjord-consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                loop();
            } catch (WakeupException e) {
                // Ctrl-C: commit what was printed and stop
            } finally {
                commit();
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }

        private void loop() {
            PrintWriter out = spec.commandLine().getOut();
            while (!finished()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String text = template.render(decode(r));
                    if (text.endsWith("\n")) {
                        out.print(text); // the template ends its own lines
                    } else {
                        out.println(text);
                    }
                    printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    seen++;
                    if (count != null && seen >= count) {
                        break;
                    }
                }
                out.flush();
                commit();
            }
        }

        private boolean finished() {
            if (count != null && seen >= count) {
                return true;
            }
            if (!exitAtEnd) {
                return false;
            }
            var assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                return false;
            }
            for (TopicPartition tp : assigned) {
                Long end = ends.get(tp);
                if (end != null && consumer.position(tp) < end) {
                    return false;
                }
            }
            return true;
        }

        private void commit() {
            if (group != null && !printed.isEmpty()) {
                try {
                    consumer.commitSync(printed);
                } catch (RuntimeException e) {
                    throw clients.failure(e);
                }
                printed.clear();
            }
        }

        private RecordTemplate.Decoded decode(ConsumerRecord<byte[], byte[]> r) {
            List<RecordTemplate.Header> headers = new ArrayList<>();
            for (var h : r.headers()) {
                headers.add(new RecordTemplate.Header(
                        h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
            }
            try {
                return new RecordTemplate.Decoded(
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        r.timestamp(),
                        r.key() == null ? null : keyCodec.decode(r.topic(), r.key()),
                        formats.keyFormat.decodesToJson(),
                        r.value() == null ? null : valueCodec.decode(r.topic(), r.value()),
                        formats.valueFormat.decodesToJson(),
                        headers);
            } catch (SerializationException e) {
                throw new CliException("partition " + r.partition() + " offset " + r.offset() + ": "
                        + ProduceCommand.oneLine(e.getMessage()));
            }
        }
    }
}

package io.fjord.cli;

import io.fjord.common.Time;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fjord produce TOPIC}: one record per input line. Every line is converted (key split, key and value
 * formats) before it is handed to the producer, so a line that does not parse stops the command with its
 * number and nothing after it is sent; the records before it are flushed first. Empty lines are skipped.
 * Runs on the main thread; the producer's callbacks (on its I/O thread) only print and record the first
 * failure.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Produce one record per line of standard input (or --file).",
            "A line that does not parse as the declared format stops with its number; the lines before it are sent,"
                    + " nothing after it."
        })
final class ProduceCommand implements Callable<Integer> {
    /** Inputs longer than this get a progress line on stderr every {@link #PROGRESS_INTERVAL_MS}. */
    static final long PROGRESS_AFTER_MS = 2_000;

    static final long PROGRESS_INTERVAL_MS = 2_000;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TOPIC", description = "Topic to produce to (it must exist).")
    String topic;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "Read lines from FILE instead of stdin.")
    Path file;

    @Option(
            names = {"-k", "--key"},
            paramLabel = "KEY",
            description = "The key of every record.")
    String key;

    @Option(
            names = {"-s", "--key-separator"},
            paramLabel = "SEP",
            description = "Each line is KEY<SEP>VALUE, split at the first SEP (\\t means a tab).")
    String keySeparator;

    @Option(
            names = {"-H", "--header"},
            paramLabel = "KEY=VALUE",
            description = "A header on every record; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(
            names = {"-p", "--partition"},
            paramLabel = "P",
            description = "Send every record to partition P (default: the client's partitioner).")
    Integer partition;

    @Option(
            names = {"-z", "--compression"},
            paramLabel = "CODEC",
            description = "none, gzip, snappy, lz4 or zstd (default: none).")
    String compression = "none";

    @Option(
            names = "--acks",
            paramLabel = "ACKS",
            description = "all (= -1), 1 or 0 (default: all, with an idempotent producer).")
    String acks = "all";

    @Mixin
    FormatOptions formats;

    @Option(
            names = {"-v", "--verbose"},
            description = "Print the partition and offset of each record.")
    boolean verbose;

    // Visible for testing
    InputStream stdin = System.in;

    Time time = Time.SYSTEM;

    @Override
    public Integer call() throws IOException {
        if (key != null && keySeparator != null) {
            throw CliException.usage("give --key or --key-separator, not both");
        }
        String separator = keySeparator == null ? null : unescape(keySeparator);
        if (separator != null && separator.isEmpty()) {
            throw CliException.usage("--key-separator must not be empty");
        }
        List<Header> recordHeaders = new ArrayList<>();
        TopicCommand.keyValues(headers, "-H")
                .forEach((k, v) -> recordHeaders.add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
        RecordFormat.Codec keyCodec = formats.keyCodec();
        RecordFormat.Codec valueCodec = formats.valueCodec();
        byte[] fixedKey = key == null ? null : encode(keyCodec, key, "--key");
        try (Clients clients = client.clients();
                BufferedReader lines = open()) {
            int partitions = clients.describeTopic(topic).partitions().size();
            if (partition != null && (partition < 0 || partition >= partitions)) {
                throw new CliException(
                        "topic " + topic + " has no partition " + partition + " (it has " + partitions + ")");
            }
            try (KafkaProducer<byte[], byte[]> producer = clients.producer(producerConfigs())) {
                Sender sender = new Sender(producer, clients);
                long lineNumber = 0;
                String line;
                while ((line = lines.readLine()) != null) {
                    lineNumber++;
                    if (line.isEmpty()) {
                        continue;
                    }
                    byte[] k = fixedKey;
                    String valueText = line;
                    if (separator != null) {
                        int at = line.indexOf(separator);
                        if (at < 0) {
                            sender.stopAt(lineNumber, "no key separator \"" + keySeparator + "\" in the line");
                        }
                        k = encodeLine(sender, keyCodec, line.substring(0, at), lineNumber, "key: ");
                        valueText = line.substring(at + separator.length());
                    }
                    byte[] v = encodeLine(sender, valueCodec, valueText, lineNumber, "");
                    sender.send(
                            new ProducerRecord<>(topic, partition, k, v, recordHeaders),
                            (k == null ? 0 : k.length) + v.length);
                }
                sender.finish();
            }
        }
        return 0;
    }

    private Map<String, Object> producerConfigs() {
        Map<String, Object> configs = new HashMap<>();
        String a = acks.equals("-1") ? "all" : acks;
        if (!List.of("all", "1", "0").contains(a)) {
            throw CliException.usage("--acks must be all, -1, 1 or 0, got: " + acks);
        }
        if (!List.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            throw CliException.usage("--compression must be none, gzip, snappy, lz4 or zstd, got: " + compression);
        }
        configs.put(ProducerConfig.ACKS_CONFIG, a);
        configs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, a.equals("all"));
        configs.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        return configs;
    }

    private BufferedReader open() {
        try {
            InputStream in = file == null ? stdin : Files.newInputStream(file);
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        } catch (NoSuchFileException e) {
            throw CliException.usage("no such file: " + file);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static byte[] encode(RecordFormat.Codec codec, String text, String what) {
        try {
            return codec.encode(null, text);
        } catch (SerializationException e) {
            throw CliException.usage(what + ": " + oneLine(e.getMessage()));
        }
    }

    private byte[] encodeLine(Sender sender, RecordFormat.Codec codec, String text, long lineNumber, String what) {
        try {
            return codec.encode(topic, text);
        } catch (SerializationException e) {
            sender.stopAt(lineNumber, what + oneLine(e.getMessage()));
            return null; // not reached
        }
    }

    static String oneLine(String message) {
        return message == null ? "cannot convert" : message.replace('\n', ' ').replace('\r', ' ');
    }

    static String unescape(String s) {
        return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\");
    }

    /** Sends, counts, prints offsets (-v) and progress, and stops cleanly on the first failure. */
    private final class Sender {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Clients clients;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final long startMs = time.milliseconds();
        private long nextProgressMs = startMs + PROGRESS_AFTER_MS;
        private boolean progressShown;
        private long records;
        private long bytes;

        Sender(KafkaProducer<byte[], byte[]> producer, Clients clients) {
            this.producer = producer;
            this.clients = clients;
        }

        void send(ProducerRecord<byte[], byte[]> record, int recordBytes) {
            if (failure.get() != null) {
                stopOnFailure();
            }
            PrintWriter out = spec.commandLine().getOut();
            try {
                producer.send(record, (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else if (verbose) {
                        out.println("partition " + metadata.partition() + " offset " + metadata.offset());
                        out.flush();
                    }
                });
            } catch (RuntimeException e) {
                throw clients.failure(e);
            }
            records++;
            bytes += recordBytes;
            maybeShowProgress();
        }

        private void maybeShowProgress() {
            long nowMs = time.milliseconds();
            if (nowMs >= nextProgressMs) {
                nextProgressMs = nowMs + PROGRESS_INTERVAL_MS;
                progressShown = true;
                PrintWriter err = spec.commandLine().getErr();
                err.println(progress(records, bytes, nowMs - startMs));
                err.flush();
            }
        }

        /** A line of input cannot be converted: send what came before, then fail naming the line. */
        void stopAt(long lineNumber, String reason) {
            producer.flush();
            if (failure.get() != null) {
                stopOnFailure(); // an earlier record failed: that is the error to report
            }
            throw new CliException("line " + lineNumber + ": " + reason + " (" + records
                    + (records == 1 ? " earlier record was" : " earlier records were") + " sent, nothing after it)");
        }

        void finish() {
            producer.flush();
            if (failure.get() != null) {
                stopOnFailure();
            }
            if (progressShown) {
                PrintWriter err = spec.commandLine().getErr();
                err.println(progress(records, bytes, time.milliseconds() - startMs) + ", done");
                err.flush();
            }
        }

        private void stopOnFailure() {
            producer.flush();
            throw clients.failure(failure.get());
        }
    }

    static String progress(long records, long bytes, long elapsedMs) {
        double seconds = Math.max(elapsedMs, 1) / 1000.0;
        return String.format(
                java.util.Locale.ROOT,
                "%,d records, %.1f MB in %.1f s (%,.0f records/s, %.1f MB/s)",
                records,
                bytes / 1e6,
                seconds,
                records / seconds,
                bytes / 1e6 / seconds);
    }
}

package io.fjord.it.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One idempotent acks=all Java producer writing unique sequence numbers ({@code value = "<seq>"}, record
 * {@code seq} to partition {@code seq % partitions}) on its own thread, as fast as at most
 * {@link #MAX_UNACKED} unacknowledged records allow, until {@link #close}. It remembers every
 * acknowledged record (sequence, partition, offset, time) and every failed one, so a test can prove
 * nothing acknowledged was lost. Its query methods may be called from any thread.
 */
final class SequenceProducer implements AutoCloseable {

    /** An acknowledged record: where the leader said it stored it, and when the client heard. */
    record Ack(long seq, int partition, long offset, long ackNs) {}

    /** At most this many records are sent and not yet answered: a dead leader parks the producer. */
    static final int MAX_UNACKED = 200;

    /** A bound on what one test writes, so the acknowledgement list stays bounded. */
    static final long MAX_RECORDS = 500_000;

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int partitions;
    private final long pauseMs;
    private final Semaphore unacked = new Semaphore(MAX_UNACKED);
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Thread sender;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private SequenceProducer(String bootstrap, String topic, int partitions, long pauseMs) {
        this.producer = new KafkaProducer<>(config(bootstrap), new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.partitions = partitions;
        this.pauseMs = pauseMs;
        this.sender = new Thread(this::run, "sequence-producer-" + topic);
        sender.setDaemon(true);
    }

    /** Starts writing to {@code topic}'s {@code partitions} partitions, pausing {@code pauseMs} per record. */
    static SequenceProducer start(String bootstrap, String topic, int partitions, long pauseMs) {
        SequenceProducer producer = new SequenceProducer(bootstrap, topic, partitions, pauseMs);
        producer.sender.start();
        return producer;
    }

    private static Map<String, Object> config(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        return props;
    }

    private void run() {
        for (long seq = 0; running && seq < MAX_RECORDS; seq++) {
            try {
                while (!unacked.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (!running) {
                        return;
                    }
                }
                long s = seq;
                int partition = (int) (seq % partitions);
                producer.send(new ProducerRecord<>(topic, partition, "k" + s, Long.toString(s)), (metadata, e) -> {
                    unacked.release();
                    if (e != null) {
                        failures.add("seq " + s + ": " + e);
                    } else {
                        long nowNs = System.nanoTime();
                        acks.add(new Ack(s, metadata.partition(), metadata.offset(), nowNs));
                    }
                });
                if (pauseMs > 0) {
                    Thread.sleep(pauseMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures.add("seq " + seq + " not sent: " + e);
                unacked.release();
            }
        }
    }

    /** Every acknowledgement so far, in the order they arrived. */
    List<Ack> acks() {
        return new ArrayList<>(acks);
    }

    /** Records the producer gave up on (with the exception), in the order they failed. */
    List<String> failures() {
        return new ArrayList<>(failures);
    }

    /**
     * When writes resumed after a failure at {@code sinceNs}: the acknowledgement that ends the longest
     * silence since then (answers already on their way when the leader failed arrive first and do not
     * count). {@code sinceNs} itself when no acknowledgement came after it.
     */
    long resumedAfter(long sinceNs) {
        long[] times = acks.stream()
                .mapToLong(Ack::ackNs)
                .filter(t -> t > sinceNs)
                .sorted()
                .toArray();
        long resumedNs = sinceNs;
        long longestGapNs = -1;
        long previousNs = sinceNs;
        for (long t : times) {
            if (t - previousNs > longestGapNs) {
                longestGapNs = t - previousNs;
                resumedNs = t;
            }
            previousNs = t;
        }
        return resumedNs;
    }

    /** Waits until {@code count} acknowledgements arrived after {@code sinceNs}; fails after {@code timeoutMs}. */
    void awaitAcksAfter(long sinceNs, int count, long timeoutMs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadlineNs) {
            if (acks.stream().filter(a -> a.ackNs() > sinceNs).count() >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " acknowledgements in " + timeoutMs + " ms; failures: "
                + failures.stream().limit(5).toList());
    }

    /** Stops sending, waits (at most a minute) for every record sent to be answered, closes. */
    @Override
    public void close() throws InterruptedException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        sender.join(10_000);
        // waits for every record sent to be answered, for at most a minute (then the rest fail)
        producer.close(java.time.Duration.ofSeconds(60));
    }
}

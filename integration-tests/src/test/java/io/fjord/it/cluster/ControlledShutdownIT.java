package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.BrokerProcess;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM to a broker that leads partitions, while a producer writes to all of them: with
 * {@code controlled.shutdown.enable} (the default) the broker hands its leadership over before it stops,
 * so no partition is ever seen without a leader, the producer sees nothing but retriable errors, and the
 * leaders have moved by the time the process has exited (long before the session timeout would fence it).
 * First a broker that is not the active controller, then (after the first came back) the active controller.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlledShutdownIT {

    private static final int PARTITIONS = 6;
    private static final long SESSION_TIMEOUT_MS =
            Long.parseLong(LocalCluster.FAST_FAILOVER.get("broker.session.timeout.ms"));

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3, LocalCluster.FAST_FAILOVER);

    private static LocalCluster cluster() {
        return CLUSTER.cluster();
    }

    @Test
    @Order(1)
    void aStoppingBrokerMovesItsLeadershipBeforeItExitsAndNoPartitionIsEverLeaderless() throws Exception {
        int controller;
        try (Admin admin = cluster().admin()) {
            controller = LocalCluster.controllerId(admin);
        }
        int stopping = controller == 1 ? 2 : 1;
        stopWhileWriting("steady", stopping, controller);
        cluster().restart(stopping);
    }

    @Test
    @Order(2)
    void theActiveControllerStoppingMovesItsLeadershipTheSameWay() throws Exception {
        int controller;
        try (Admin admin = cluster().admin()) {
            controller = LocalCluster.controllerId(admin);
        }
        stopWhileWriting("steady-controller", controller, controller == 3 ? 2 : 3);
    }

    /** Creates {@code topic}, SIGTERMs {@code stopping} while writing to it, watches from {@code observer}. */
    private static void stopWhileWriting(String topic, int stopping, int observer) throws Exception {
        try (Admin admin = cluster().admin()) {
            cluster().createTopic(admin, topic, PARTITIONS, 3, 2);
        }
        int observerPort = cluster().broker(observer).port();
        assertThat(BrokerProbe.partitions(observerPort, topic).values().stream()
                        .filter(p -> p.leader() == stopping)
                        .count())
                .as("partitions broker %d leads", stopping)
                .isPositive();
        SequenceProducer producer = SequenceProducer.start(cluster().bootstrap(), topic, PARTITIONS, 1);
        try {
            producer.awaitAcksAfter(0, 300, 30_000);
            BrokerProcess broker = cluster().broker(stopping);
            LeadershipWatch watch = new LeadershipWatch(observerPort, topic, stopping);
            long termNs = System.nanoTime();
            int exitCode = broker.stop();
            long exitMs = LocalCluster.msSince(termNs);
            // The observer applies each change a metadata round after the controller commits it: watch until it
            // shows the leaderships moved and the exited broker fenced, so the hand-over and the fencing that
            // follows are both watched for leaderless partitions, however long they take on this machine.
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((watch.movedNs.get() == 0 || watch.fencedNs.get() == 0) && System.nanoTime() < deadlineNs) {
                Thread.sleep(20);
            }
            watch.close();
            producer.awaitAcksAfter(System.nanoTime(), 100, 30_000);
            long movedMs = TimeUnit.NANOSECONDS.toMillis(watch.movedNs.get() - termNs);
            long fencedMs = TimeUnit.NANOSECONDS.toMillis(watch.fencedNs.get() - termNs);
            System.out.printf(
                    "CONTROLLED_SHUTDOWN topic=%s broker=%d exitCode=%d exitMs=%d leadershipMovedMs=%d fencedMs=%d"
                            + " leaderlessMs=%d maxAckGapMs=%d%n",
                    topic,
                    stopping,
                    exitCode,
                    exitMs,
                    movedMs,
                    fencedMs,
                    watch.leaderlessMs(),
                    maxAckGapMs(producer, termNs));
            assertThat(exitCode).isZero();
            assertThat(watch.movedNs.get())
                    .as("leadership left broker %d", stopping)
                    .isPositive();
            assertThat(watch.fencedNs.get())
                    .as("broker %d fenced once it exited", stopping)
                    .isPositive();
            // The metadata shows the leaderships leave the stopping broker before it is fenced: the controller
            // moves them when asked (controlled shutdown) and fences the broker only after, so the observer, which
            // sees the metadata in order, sees the move first.
            assertThat(watch.movedNs.get())
                    .as("leadership left broker %d before it was fenced", stopping)
                    .isLessThanOrEqualTo(watch.fencedNs.get());
            // The user-visible side, as the class comment states it: the move shows well within the session
            // timeout, which alone would have fenced the broker only that long after its last heartbeat. A ceiling,
            // not a measurement: the hand-over is one controller round and usually shows within a second.
            assertThat(movedMs)
                    .as("leadership moved before broker %d's session timeout could have fenced it", stopping)
                    .isLessThan(SESSION_TIMEOUT_MS);
            assertThat(watch.leaderlessMs())
                    .as("time any partition was seen without a leader")
                    .isZero();
        } finally {
            producer.close();
        }
        assertThat(producer.failures()).as("records the producer gave up on").isEmpty();
        TopicContents.read(cluster().bootstrap(), topic, PARTITIONS, 60_000)
                .assertKeepsEveryAcknowledgedRecordOnceInOrder(producer.acks());
    }

    /**
     * Asks one broker that keeps running for the topic's partitions every 20 ms: when none is led by the
     * stopping broker any more, when the stopping broker is no longer listed (fenced), and how long any
     * partition was seen without a leader.
     */
    private static final class LeadershipWatch implements AutoCloseable {
        final AtomicLong movedNs = new AtomicLong();
        final AtomicLong fencedNs = new AtomicLong();
        private final AtomicLong leaderlessNs = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        LeadershipWatch(int observerPort, String topic, int stopping) {
            thread = new Thread(
                    () -> {
                        long lastNs = System.nanoTime();
                        while (running) {
                            try {
                                BrokerProbe.TopicView view = BrokerProbe.topic(observerPort, topic);
                                Collection<BrokerProbe.PartitionView> partitions =
                                        view.partitions().values();
                                long nowNs = System.nanoTime();
                                if (partitions.stream().anyMatch(p -> p.leader() < 0)) {
                                    leaderlessNs.addAndGet(nowNs - lastNs);
                                }
                                if (movedNs.get() == 0
                                        && partitions.size() == PARTITIONS
                                        && partitions.stream().noneMatch(p -> p.leader() == stopping)) {
                                    movedNs.set(nowNs);
                                }
                                if (fencedNs.get() == 0 && !view.liveBrokers().contains(stopping)) {
                                    fencedNs.set(nowNs);
                                }
                                lastNs = nowNs;
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException("the observing broker stopped answering", e);
                            }
                        }
                    },
                    "leadership-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long leaderlessMs() {
            return TimeUnit.NANOSECONDS.toMillis(leaderlessNs.get());
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    /** The longest time without any acknowledgement after {@code sinceNs}. */
    private static long maxAckGapMs(SequenceProducer producer, long sinceNs) {
        long[] times = producer.acks().stream()
                .mapToLong(SequenceProducer.Ack::ackNs)
                .filter(t -> t >= sinceNs)
                .sorted()
                .toArray();
        long gap = times.length == 0 ? 0 : times[0] - sinceNs;
        for (int i = 1; i < times.length; i++) {
            gap = Math.max(gap, times[i] - times[i - 1]);
        }
        return TimeUnit.NANOSECONDS.toMillis(gap);
    }
}

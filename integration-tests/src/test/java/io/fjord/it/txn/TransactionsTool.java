package io.fjord.it.txn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * {@code kafka-transactions.sh find-hanging} and {@code abort} (Kafka's TransactionsCommand, KIP-664) replayed
 * through the Admin calls they make, with the command's filters, for the ITs: kafka-tools is not on the
 * integration tests' classpath (it ships with the broker's dependencies; bench/dist/tools resolves it for the
 * benchmarks only). Each command runs on an Admin client of its own, as the command does: an Admin client that
 * has looked up a partition's leader sends DescribeProducers there whatever broker id it is given (Kafka 4.x's
 * partition leader cache), which would hide what {@code --broker-id} asks of that broker. Failures are thrown as
 * the Admin client reports them, where the command prints them and exits 1. Used from the test thread only.
 */
public final class TransactionsTool {

    private TransactionsTool() {}

    /** An open transaction of a partition, with its producer as DescribeProducers reports it: one output row. */
    public record OpenTransaction(TopicPartition partition, ProducerState producer) {}

    /**
     * {@code find-hanging --broker-id brokerId --max-transaction-timeout maxTransactionTimeoutMinutes}: the open
     * transactions of the partitions with a replica on the broker, older than the timeout, whose producer id no
     * coordinator lists, whose transactional id no coordinator describes, or whose coordinator's transaction does
     * not hold the partition.
     */
    public static List<OpenTransaction> findHanging(String bootstrap, int brokerId, int maxTransactionTimeoutMinutes)
            throws Exception {
        try (Admin admin = TxnClients.admin(bootstrap)) {
            return findHanging(admin, brokerId, maxTransactionTimeoutMinutes);
        }
    }

    private static List<OpenTransaction> findHanging(Admin admin, int brokerId, int maxTransactionTimeoutMinutes)
            throws Exception {
        List<OpenTransaction> candidates = openTransactions(admin, brokerId, maxTransactionTimeoutMinutes);
        if (candidates.isEmpty()) {
            return candidates;
        }
        Set<Long> producerIds = new HashSet<>();
        candidates.forEach(txn -> producerIds.add(txn.producer().producerId()));
        Map<Long, String> transactionalIds = new HashMap<>();
        for (TransactionListing listing : admin.listTransactions(
                        new ListTransactionsOptions().filterProducerIds(producerIds))
                .all()
                .get()) {
            transactionalIds.put(listing.producerId(), listing.transactionalId());
        }
        List<OpenTransaction> hanging = new ArrayList<>();
        for (OpenTransaction txn : candidates) {
            String transactionalId = transactionalIds.get(txn.producer().producerId());
            Optional<TransactionDescription> description =
                    transactionalId == null ? Optional.empty() : describe(admin, transactionalId);
            if (description.isEmpty() || !description.get().topicPartitions().contains(txn.partition())) {
                hanging.add(txn);
            }
        }
        return hanging;
    }

    /**
     * find-hanging's candidates: the open transactions DescribeProducers on the broker reports for the partitions
     * with a replica there, whose producer last wrote more than the timeout ago.
     */
    public static List<OpenTransaction> openTransactions(
            String bootstrap, int brokerId, int maxTransactionTimeoutMinutes) throws Exception {
        try (Admin admin = TxnClients.admin(bootstrap)) {
            return openTransactions(admin, brokerId, maxTransactionTimeoutMinutes);
        }
    }

    private static List<OpenTransaction> openTransactions(Admin admin, int brokerId, int maxTransactionTimeoutMinutes)
            throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        Map<String, TopicDescription> topics = admin.describeTopics(
                        admin.listTopics().names().get())
                .allTopicNames()
                .get();
        topics.forEach((name, topic) -> topic.partitions().forEach(p -> {
            if (p.replicas().stream().anyMatch(node -> node.id() == brokerId)) {
                partitions.add(new TopicPartition(name, p.partition()));
            }
        }));
        long maxTransactionTimeoutMs =
                Duration.ofMinutes(maxTransactionTimeoutMinutes).toMillis();
        long nowMs = System.currentTimeMillis();
        List<OpenTransaction> candidates = new ArrayList<>();
        admin.describeProducers(partitions, new DescribeProducersOptions().brokerId(brokerId))
                .all()
                .get()
                .forEach((tp, state) -> state.activeProducers().forEach(producer -> {
                    if (producer.currentTransactionStartOffset().isPresent()
                            && nowMs - producer.lastTimestamp() > maxTransactionTimeoutMs) {
                        candidates.add(new OpenTransaction(tp, producer));
                    }
                }));
        return candidates;
    }

    private static Optional<TransactionDescription> describe(Admin admin, String transactionalId) throws Exception {
        try {
            return Optional.of(admin.describeTransactions(List.of(transactionalId))
                    .description(transactionalId)
                    .get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdNotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * {@code abort --topic --partition --start-offset}: the producer whose open transaction starts there, aborted
     * with its epoch and the coordinator epoch of its last marker (0 when it has none).
     */
    public static void abort(String bootstrap, TopicPartition tp, long startOffset) throws Exception {
        try (Admin admin = TxnClients.admin(bootstrap)) {
            abort(admin, tp, startOffset);
        }
    }

    private static void abort(Admin admin, TopicPartition tp, long startOffset) throws Exception {
        ProducerState producer =
                admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
                        .filter(p -> p.currentTransactionStartOffset().orElse(-1L) == startOffset)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no open transaction starts at " + startOffset));
        admin.abortTransaction(new AbortTransactionSpec(
                        tp,
                        producer.producerId(),
                        (short) producer.producerEpoch(),
                        producer.coordinatorEpoch().orElse(0)))
                .all()
                .get();
    }
}

package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Decides topic and partition changes: validates CreateTopics, DeleteTopics and CreatePartitions against
 * an image and returns the records to commit with the per-topic results. Pure apart from the seeded
 * random (placement and topic ids). Not thread-safe: called on the controller's event thread only.
 */
final class ReplicationControl {

    private final ControllerConfig config;
    private final ConfigValidator validator;
    private final RandomGenerator random;
    private final ReplicaPlacer placer;

    ReplicationControl(ControllerConfig config, ConfigValidator validator, RandomGenerator random) {
        this.config = config;
        this.validator = validator;
        this.random = random;
        this.placer = new ReplicaPlacer(random);
    }

    ControllerResult<List<CreateTopicResult>> createTopics(
            MetadataImage image, List<CreatableTopic> topics, boolean validateOnly) {
        Map<String, Integer> counts = new HashMap<>();
        for (CreatableTopic topic : topics) {
            counts.merge(topic.name(), 1, Integer::sum);
        }
        Map<String, String> normalizedNames = new HashMap<>();
        for (String name : image.topics().topicsByName().keySet()) {
            normalizedNames.put(TopicNames.normalize(name), name);
        }
        List<MetadataRecord> records = new ArrayList<>();
        List<CreateTopicResult> results = new ArrayList<>(topics.size());
        for (CreatableTopic topic : topics) {
            if (counts.get(topic.name()) > 1) {
                results.add(CreateTopicResult.failed(
                        topic.name(), Errors.INVALID_REQUEST, "Found multiple entries for this topic."));
                continue;
            }
            List<MetadataRecord> topicRecords = new ArrayList<>();
            try {
                int budget = config.maxRecordsPerRequest() - records.size();
                results.add(createTopic(image, topic, normalizedNames, budget, validateOnly, topicRecords));
                normalizedNames.put(TopicNames.normalize(topic.name()), topic.name());
                records.addAll(topicRecords);
            } catch (ApiException e) {
                results.add(CreateTopicResult.failed(topic.name(), e.error(), e.getMessage()));
            }
        }
        return new ControllerResult<>(validateOnly ? List.of() : records, results);
    }

    private CreateTopicResult createTopic(
            MetadataImage image,
            CreatableTopic topic,
            Map<String, String> normalizedNames,
            int recordBudget,
            boolean validateOnly,
            List<MetadataRecord> out) {
        String name = topic.name();
        TopicNames.validate(name);
        if (image.topics().topic(name) != null) {
            throw new ApiException(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        String colliding = normalizedNames.get(TopicNames.normalize(name));
        if (colliding != null) {
            throw new ApiException(
                    Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + name + "' collides with existing topic: " + colliding);
        }
        List<int[]> assignments = topic.assignments().isEmpty()
                ? placeNewTopic(image, topic, recordBudget)
                : validateManualAssignments(image, topic);
        if (1L + assignments.size() + topic.configs().size() > recordBudget) {
            throw tooManyRecords(recordBudget);
        }
        for (Map.Entry<String, String> e : topic.configs().entrySet()) {
            ConfigurationControl.validateConfig(validator, ConfigResourceType.TOPIC, e.getKey(), e.getValue());
        }
        Uuid topicId = validateOnly ? Uuid.ZERO : newTopicId(image);
        out.add(new TopicRecord(name, topicId));
        Set<Integer> eligible = new HashSet<>(image.cluster().eligibleBrokerIds());
        for (int p = 0; p < assignments.size(); p++) {
            out.add(newPartition(topicId, p, assignments.get(p), eligible));
        }
        for (Map.Entry<String, String> e : new TreeMap<>(topic.configs()).entrySet()) {
            out.add(new ConfigRecord(ConfigResourceType.TOPIC, name, e.getKey(), e.getValue()));
        }
        return new CreateTopicResult(
                name, Errors.NONE, null, topicId, assignments.size(), assignments.get(0).length, topic.configs());
    }

    private List<int[]> placeNewTopic(MetadataImage image, CreatableTopic topic, int recordBudget) {
        int numPartitions = topic.numPartitions() == -1 ? config.defaultNumPartitions() : topic.numPartitions();
        if (numPartitions <= 0) {
            throw new ApiException(
                    Errors.INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
        }
        int replicationFactor =
                topic.replicationFactor() == -1 ? config.defaultReplicationFactor() : topic.replicationFactor();
        if (replicationFactor <= 0) {
            throw new ApiException(
                    Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (numPartitions >= recordBudget) {
            throw tooManyRecords(recordBudget);
        }
        return placer.place(image.cluster().eligibleBrokerIds(), racks(image), 0, numPartitions, replicationFactor);
    }

    private List<int[]> validateManualAssignments(MetadataImage image, CreatableTopic topic) {
        if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
            throw new ApiException(
                    Errors.INVALID_REQUEST,
                    "A manual partition assignment was specified, but numPartitions or replicationFactor was not set to -1.");
        }
        List<int[]> assignments = new ArrayList<>(topic.assignments().size());
        int expected = 0;
        for (Map.Entry<Integer, int[]> e : topic.assignments().entrySet()) {
            if (e.getKey() != expected++) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Partitions should be a consecutive 0-based integer sequence, got "
                                + topic.assignments().keySet());
            }
            int replicationFactor = assignments.isEmpty() ? -1 : assignments.get(0).length;
            validateAssignment(image, e.getKey(), e.getValue(), replicationFactor);
            assignments.add(e.getValue());
        }
        return assignments;
    }

    ControllerResult<List<DeleteTopicResult>> deleteTopics(MetadataImage image, List<String> names, List<Uuid> ids) {
        Set<Uuid> deleting = new HashSet<>();
        List<MetadataRecord> records = new ArrayList<>();
        List<DeleteTopicResult> results = new ArrayList<>(names.size() + ids.size());
        Map<String, Integer> nameCounts = new HashMap<>();
        names.forEach(name -> nameCounts.merge(name, 1, Integer::sum));
        Map<Uuid, Integer> idCounts = new HashMap<>();
        ids.forEach(id -> idCounts.merge(id == null ? Uuid.ZERO : id, 1, Integer::sum));
        for (String name : names) {
            TopicImage topic = name == null ? null : image.topics().topic(name);
            if (nameCounts.get(name) > 1) {
                results.add(new DeleteTopicResult(name, Uuid.ZERO, Errors.INVALID_REQUEST, "Duplicate topic name."));
            } else if (topic == null) {
                results.add(new DeleteTopicResult(
                        name,
                        Uuid.ZERO,
                        Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        Errors.UNKNOWN_TOPIC_OR_PARTITION.message()));
            } else {
                results.add(new DeleteTopicResult(name, topic.id(), Errors.NONE, null));
                if (deleting.add(topic.id())) {
                    records.add(new RemoveTopicRecord(topic.id()));
                }
            }
        }
        for (Uuid id : ids) {
            TopicImage topic = id == null ? null : image.topics().topic(id);
            if (idCounts.get(id == null ? Uuid.ZERO : id) > 1) {
                results.add(new DeleteTopicResult(null, id, Errors.INVALID_REQUEST, "Duplicate topic id."));
            } else if (topic == null) {
                results.add(
                        new DeleteTopicResult(null, id, Errors.UNKNOWN_TOPIC_ID, Errors.UNKNOWN_TOPIC_ID.message()));
            } else {
                results.add(new DeleteTopicResult(topic.name(), id, Errors.NONE, null));
                if (deleting.add(topic.id())) {
                    records.add(new RemoveTopicRecord(topic.id()));
                }
            }
        }
        return new ControllerResult<>(records, results);
    }

    ControllerResult<List<CreatePartitionsResult>> createPartitions(
            MetadataImage image, List<CreatePartitionsTopic> topics, boolean validateOnly) {
        Map<String, Integer> counts = new HashMap<>();
        topics.forEach(topic -> counts.merge(topic.name(), 1, Integer::sum));
        List<MetadataRecord> records = new ArrayList<>();
        List<CreatePartitionsResult> results = new ArrayList<>(topics.size());
        for (CreatePartitionsTopic topic : topics) {
            if (counts.get(topic.name()) > 1) {
                results.add(new CreatePartitionsResult(topic.name(), Errors.INVALID_REQUEST, "Duplicate topic name."));
                continue;
            }
            try {
                int budget = config.maxRecordsPerRequest() - records.size();
                records.addAll(createPartitions(image, topic, budget));
                results.add(new CreatePartitionsResult(topic.name(), Errors.NONE, null));
            } catch (ApiException e) {
                results.add(new CreatePartitionsResult(topic.name(), e.error(), e.getMessage()));
            }
        }
        return new ControllerResult<>(validateOnly ? List.of() : records, results);
    }

    private List<MetadataRecord> createPartitions(MetadataImage image, CreatePartitionsTopic request, int budget) {
        TopicImage topic = request.name() == null ? null : image.topics().topic(request.name());
        if (topic == null) {
            throw new ApiException(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + request.name() + "' does not exist.");
        }
        int current = topic.numPartitions();
        if (request.newTotalCount() < current) {
            throw new ApiException(
                    Errors.INVALID_PARTITIONS,
                    "The topic " + topic.name() + " currently has " + current + " partition(s); "
                            + request.newTotalCount() + " would not be an increase.");
        }
        if (request.newTotalCount() == current) {
            throw new ApiException(Errors.INVALID_PARTITIONS, "Topic already has " + current + " partition(s).");
        }
        int additional = request.newTotalCount() - current;
        if (additional > budget) {
            throw tooManyRecords(budget);
        }
        int replicationFactor = topic.partitions().values().iterator().next().replicationFactor();
        List<int[]> assignments;
        if (request.assignments().isEmpty()) {
            assignments = placer.place(
                    image.cluster().eligibleBrokerIds(), racks(image), current, additional, replicationFactor);
        } else {
            if (request.assignments().size() != additional) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Attempted to add " + additional + " additional partition(s), but only "
                                + request.assignments().size() + " assignment(s) were specified.");
            }
            for (int i = 0; i < additional; i++) {
                validateAssignment(image, current + i, request.assignments().get(i), replicationFactor);
            }
            assignments = request.assignments();
        }
        Set<Integer> eligible = new HashSet<>(image.cluster().eligibleBrokerIds());
        List<MetadataRecord> records = new ArrayList<>(additional);
        for (int i = 0; i < additional; i++) {
            records.add(newPartition(topic.id(), current + i, assignments.get(i), eligible));
        }
        return records;
    }

    /** The rack of every registered broker that has one. */
    private static Map<Integer, String> racks(MetadataImage image) {
        Map<Integer, String> racks = new HashMap<>();
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            if (broker.rack() != null) {
                racks.put(broker.id(), broker.rack());
            }
        }
        return racks;
    }

    /** Checks one manually assigned replica list; {@code replicationFactor} is -1 when any length goes. */
    static void validateAssignment(MetadataImage image, int partitionId, int[] replicas, int replicationFactor) {
        if (replicas == null || replicas.length == 0) {
            throw new ApiException(
                    Errors.INVALID_REPLICA_ASSIGNMENT,
                    "The manual partition assignment includes an empty replica list for partition " + partitionId
                            + ".");
        }
        if (replicationFactor != -1 && replicas.length != replicationFactor) {
            throw new ApiException(
                    Errors.INVALID_REPLICA_ASSIGNMENT,
                    "The manual partition assignment includes a partition with " + replicas.length
                            + " replica(s), but this is not consistent with previous partitions, which have "
                            + replicationFactor + " replica(s).");
        }
        Set<Integer> seen = new HashSet<>();
        boolean anyUnfenced = false;
        for (int brokerId : replicas) {
            if (!seen.add(brokerId)) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "The manual partition assignment includes the broker " + brokerId + " more than once.");
            }
            BrokerRegistration broker = image.cluster().broker(brokerId);
            if (broker == null) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "The manual partition assignment includes broker " + brokerId
                                + ", but no such broker is registered.");
            }
            anyUnfenced |= !broker.fenced();
        }
        if (!anyUnfenced) {
            throw new ApiException(
                    Errors.INVALID_REPLICA_ASSIGNMENT,
                    "All brokers specified in the manual partition assignment for partition " + partitionId
                            + " are fenced.");
        }
    }

    /** A new partition: the ISR is the eligible replicas, the leader the first of them. */
    static PartitionRecord newPartition(Uuid topicId, int partitionId, int[] replicas, Set<Integer> eligible) {
        int[] isr = Arrays.stream(replicas).filter(eligible::contains).toArray();
        int leader = isr.length == 0 ? PartitionRecord.NO_LEADER : isr[0];
        return new PartitionRecord(topicId, partitionId, replicas, isr, leader, 0, 0);
    }

    private Uuid newTopicId(MetadataImage image) {
        while (true) {
            Uuid id = Uuid.random(random);
            if (image.topics().topic(id) == null) {
                return id;
            }
        }
    }

    static ApiException tooManyRecords(int recordBudget) {
        return new ApiException(
                Errors.POLICY_VIOLATION,
                "The request would write more than the " + Math.max(0, recordBudget)
                        + " metadata records left in this request's limit.");
    }
}

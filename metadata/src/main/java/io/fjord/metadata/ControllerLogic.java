package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The controller's decisions as pure functions of an image: what a CreateTopics, DeleteTopics,
 * CreatePartitions or IncrementalAlterConfigs request writes and answers. Given the same image, config,
 * validator and random sequence, every call returns the same records, so a replicated state machine may
 * run it on every node (fjord-raft does, seeding {@code random} from the request). {@link Controller}
 * uses the same rules on a single node.
 *
 * <p>Not thread-safe (the random): one instance per decision or per thread.
 */
public final class ControllerLogic {

    private final ReplicationControl replication;
    private final ConfigurationControl configuration;

    public ControllerLogic(ControllerConfig config, ConfigValidator validator, RandomGenerator random) {
        this.replication = new ReplicationControl(config, validator, random);
        this.configuration = new ConfigurationControl(validator, config.maxRecordsPerRequest());
    }

    public ControllerResult<List<CreateTopicResult>> createTopics(
            MetadataImage image, List<CreatableTopic> topics, boolean validateOnly) {
        return replication.createTopics(image, topics, validateOnly);
    }

    public ControllerResult<List<DeleteTopicResult>> deleteTopics(
            MetadataImage image, List<String> names, List<Uuid> topicIds) {
        return replication.deleteTopics(image, names, topicIds);
    }

    public ControllerResult<List<CreatePartitionsResult>> createPartitions(
            MetadataImage image, List<CreatePartitionsTopic> topics, boolean validateOnly) {
        return replication.createPartitions(image, topics, validateOnly);
    }

    public ControllerResult<List<AlterConfigsResult>> incrementalAlterConfigs(
            MetadataImage image, List<AlterConfigsResource> resources, boolean validateOnly) {
        return configuration.incrementalAlterConfigs(image, resources, validateOnly);
    }
}

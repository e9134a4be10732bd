package io.fjord.raft;

import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclFilter;
import io.fjord.metadata.AlterConfigsResource;
import io.fjord.metadata.AlterPartitionItem;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.ElectionType;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionReassignment;
import io.fjord.metadata.ScramCredentialDeletion;
import io.fjord.metadata.ScramCredentialUpsertion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One entry of the Raft metadata log: what a node asked the quorum to do. Every node's {@link
 * MetadataStateMachine} applies the committed entries in log order and turns each into the same
 * metadata records, deterministically: decisions that need randomness (topic ids, replica placement)
 * carry the seed the submitter drew, and decisions that depend on broker settings carry those settings.
 * Immutable values; the binary form is {@link CommandCodec}.
 */
sealed interface MetadataCommand {

    /** Records decided elsewhere ({@code MetadataLog.append}); applied as one batch if they replay. */
    record AppendRecords(List<MetadataRecord> records) implements MetadataCommand {
        public AppendRecords {
            records = List.copyOf(records);
        }
    }

    record CreateTopics(long seed, ControllerConfig config, boolean validateOnly, List<CreatableTopic> topics)
            implements MetadataCommand {
        public CreateTopics {
            topics = List.copyOf(topics);
        }
    }

    record DeleteTopics(List<String> names, List<Uuid> topicIds) implements MetadataCommand {
        public DeleteTopics {
            // Lists that may hold nulls (a client may send them; the results report them).
            names = Collections.unmodifiableList(new ArrayList<>(names));
            topicIds = Collections.unmodifiableList(new ArrayList<>(topicIds));
        }
    }

    record CreatePartitions(
            long seed, ControllerConfig config, boolean validateOnly, List<CreatePartitionsTopic> topics)
            implements MetadataCommand {
        public CreatePartitions {
            topics = List.copyOf(topics);
        }
    }

    /** IncrementalAlterConfigs, or with {@code replace} the legacy AlterConfigs (see ControllerApi#alterConfigs). */
    record AlterConfigs(
            ControllerConfig config, boolean validateOnly, boolean replace, List<AlterConfigsResource> resources)
            implements MetadataCommand {
        public AlterConfigs {
            resources = List.copyOf(resources);
        }
    }

    /** The config carries the unclean-election default for the elections that follow. */
    record RegisterBroker(
            int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack, ControllerConfig config)
            implements MetadataCommand {
        public RegisterBroker {
            endpoints = List.copyOf(endpoints);
        }
    }

    /**
     * Fences (or unfences) the broker if it is still registered with {@code incarnationId} and not already
     * in that state, and re-elects the partitions it replicates; otherwise changes nothing. Written by the
     * active controller's session tracker, from its soft state (when it last heard from the broker), so it
     * only holds while that controller leads: {@code proposerTerm} is the Raft term in which it was written,
     * and an entry that reaches the log in a later term (a deposed leader, e.g. one thawed after SIGSTOP,
     * forwarding to its successor) changes nothing. {@link #ANY_TERM} (entries written before the term was
     * carried) always applies.
     */
    record SetBrokerFenced(int brokerId, Uuid incarnationId, boolean fenced, ControllerConfig config, long proposerTerm)
            implements MetadataCommand {

        /** The proposer term of entries that predate it: applied whatever the entry's term. */
        public static final long ANY_TERM = -1L;

        public SetBrokerFenced(int brokerId, Uuid incarnationId, boolean fenced, ControllerConfig config) {
            this(brokerId, incarnationId, fenced, config, ANY_TERM);
        }
    }

    /** A partition leader's ISR changes, decided in order against the image at this entry. */
    record AlterPartition(int brokerId, List<AlterPartitionItem> items) implements MetadataCommand {
        public AlterPartition {
            items = List.copyOf(items);
        }
    }

    /** ElectLeaders; {@code partitions} null means every partition. */
    record ElectLeaders(ElectionType type, List<TopicPartition> partitions) implements MetadataCommand {
        public ElectLeaders {
            partitions = partitions == null ? null : List.copyOf(partitions);
        }
    }

    /**
     * Starts, replaces or cancels reassignments, in order; the config carries the unclean-election default
     * a cancellation may need.
     */
    record AlterPartitionReassignments(
            ControllerConfig config, boolean allowReplicationFactorChange, List<PartitionReassignment> reassignments)
            implements MetadataCommand {
        public AlterPartitionReassignments {
            reassignments = List.copyOf(reassignments);
        }
    }

    /** A stopping broker asks to hand its leaderships away (see {@code ControllerApi#controlledShutdown}). */
    record ControlledShutdown(int brokerId, Uuid incarnationId, ControllerConfig config) implements MetadataCommand {}

    /** A broker asks for the next block of producer ids, starting at {@code floor} or above. */
    record AllocateProducerIds(int brokerId, long floor) implements MetadataCommand {}

    /**
     * AlterUserScramCredentials; the upsertions carry StoredKey and ServerKey, never the SaltedPassword the client
     * sent (derived by the submitting node: see {@link ScramCredentialUpsertion}).
     */
    record AlterUserScramCredentials(List<ScramCredentialDeletion> deletions, List<ScramCredentialUpsertion> upsertions)
            implements MetadataCommand {
        public AlterUserScramCredentials {
            deletions = List.copyOf(deletions);
            upsertions = List.copyOf(upsertions);
        }
    }

    /** CreateAcls; the new ACLs' ids are drawn from {@code seed}. */
    record CreateAcls(long seed, List<AclBinding> acls) implements MetadataCommand {
        public CreateAcls {
            acls = List.copyOf(acls);
        }
    }

    /** DeleteAcls: the ACLs each filter matches, decided against the image at this entry. */
    record DeleteAcls(List<AclFilter> filters) implements MetadataCommand {
        public DeleteAcls {
            filters = List.copyOf(filters);
        }
    }

    /** Changes nothing; its commit tells {@code nodeId} that it has applied everything before it. */
    record Barrier(int nodeId) implements MetadataCommand {}
}

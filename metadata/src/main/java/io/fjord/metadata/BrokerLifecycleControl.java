package io.fjord.metadata;

import static io.fjord.metadata.PartitionChanges.contains;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides what a broker's state change writes (contract rule 1): registration, fencing, unfencing and
 * controlled shutdown each write the broker's {@link RegisterBrokerRecord} and then re-elect every
 * partition the broker replicates. A broker that became ineligible hands its leaderships to the first
 * eligible ISR member (no leader, or an unclean leader when the topic allows it, if none) and leaves every
 * ISR it is not the last member of; a broker that became eligible leads the leaderless partitions whose
 * ISR holds it. A re-registration with a new incarnation means the old process died: it is fenced first,
 * then registered unfenced. Pure: every decision is a function of the image and the arguments.
 */
final class BrokerLifecycleControl {

    private final ControllerConfig config;

    BrokerLifecycleControl(ControllerConfig config) {
        this.config = config;
    }

    /** A (re-)registration: the broker's records and the elections that follow. */
    List<MetadataRecord> registerBroker(
            MetadataImage image, int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack) {
        if (brokerId < 0 || endpoints.isEmpty() || incarnationId == null) {
            throw new ApiException(
                    Errors.INVALID_REQUEST,
                    "A broker registration needs an id >= 0, an incarnation id and endpoints; got id " + brokerId
                            + ", endpoints " + endpoints);
        }
        List<MetadataRecord> records = new ArrayList<>();
        BrokerRegistration old = image.cluster().broker(brokerId);
        boolean shuttingDown = false;
        if (old != null && !old.incarnationId().equals(incarnationId)) {
            records.addAll(setFenced(image, old, true));
        } else if (old != null) {
            shuttingDown = old.inControlledShutdown(); // the same process again (a retry): its state stays
        }
        records.add(new RegisterBrokerRecord(brokerId, incarnationId, endpoints, rack, false, shuttingDown));
        records.addAll(reelect(PartitionChanges.replay(image, records), brokerId, false));
        return records;
    }

    /**
     * Fences or unfences the broker if it is registered with {@code incarnationId} and not in that state
     * already; no records otherwise.
     */
    List<MetadataRecord> setBrokerFenced(MetadataImage image, int brokerId, Uuid incarnationId, boolean fenced) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        if (broker == null || !broker.incarnationId().equals(incarnationId) || broker.fenced() == fenced) {
            return List.of();
        }
        return setFenced(image, broker, fenced);
    }

    private List<MetadataRecord> setFenced(MetadataImage image, BrokerRegistration broker, boolean fenced) {
        List<MetadataRecord> records = new ArrayList<>();
        if (broker.fenced() != fenced) {
            records.add(new RegisterBrokerRecord(
                    broker.id(),
                    broker.incarnationId(),
                    broker.endpoints(),
                    broker.rack(),
                    fenced,
                    broker.inControlledShutdown()));
        }
        records.addAll(reelect(PartitionChanges.replay(image, records), broker.id(), fenced));
        return records;
    }

    /**
     * Marks the broker in controlled shutdown and moves its leaderships and ISR memberships away. The
     * response is true when it leads no partition that another eligible ISR member could lead.
     */
    ControllerResult<Boolean> controlledShutdown(MetadataImage image, int brokerId, Uuid incarnationId) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        if (broker == null) {
            throw new ApiException(Errors.BROKER_ID_NOT_REGISTERED, "Broker " + brokerId + " is not registered.");
        }
        if (!broker.incarnationId().equals(incarnationId)) {
            throw new ApiException(
                    Errors.STALE_BROKER_EPOCH,
                    "Broker " + brokerId + " is registered with incarnation " + broker.incarnationId() + ", not "
                            + incarnationId + ".");
        }
        List<MetadataRecord> records = new ArrayList<>();
        if (!broker.inControlledShutdown()) {
            records.add(new RegisterBrokerRecord(
                    brokerId, incarnationId, broker.endpoints(), broker.rack(), broker.fenced(), true));
        }
        MetadataImage marked = PartitionChanges.replay(image, records);
        List<MetadataRecord> moves = reelect(marked, brokerId, true);
        records.addAll(moves);
        MetadataImage after = PartitionChanges.replay(marked, moves);
        return new ControllerResult<>(records, !leadsMovablePartition(after, brokerId));
    }

    private static boolean leadsMovablePartition(MetadataImage image, int brokerId) {
        for (TopicImage topic : image.topics().topicsById().values()) {
            for (PartitionRegistration partition : topic.partitions().values()) {
                if (partition.leader() != brokerId) {
                    continue;
                }
                for (int member : partition.isr()) {
                    if (member != brokerId && image.cluster().isEligible(member)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Re-elects every partition {@code brokerId} replicates, in {@code image} where the broker already has
     * its new state: an ineligible leader is replaced (see {@link PartitionChanges#elect}), a leaderless
     * partition gets a leader if it can, and with {@code leaveIsr} the broker leaves each ISR it is not the
     * last member of.
     */
    List<MetadataRecord> reelect(MetadataImage image, int brokerId, boolean leaveIsr) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : PartitionChanges.sortedTopics(image).values()) {
            boolean unclean = PartitionChanges.uncleanEnabled(image, topic.name(), config);
            for (Map.Entry<Integer, PartitionRegistration> e :
                    topic.partitions().entrySet()) {
                PartitionRegistration partition = e.getValue();
                if (!partition.hasReplica(brokerId) && partition.leader() != brokerId) {
                    continue;
                }
                int[] isr = partition.isr();
                if (leaveIsr && isr.length > 1 && contains(isr, brokerId)) {
                    isr = PartitionChanges.without(isr, brokerId);
                }
                int leader = partition.leader();
                if (leader == PartitionRecord.NO_LEADER || !image.cluster().isEligible(leader)) {
                    PartitionChanges.Election election =
                            PartitionChanges.elect(image.cluster(), partition.replicas(), isr, unclean);
                    leader = election.leader();
                    isr = election.isr();
                }
                PartitionChangeRecord change = PartitionChanges.change(topic.id(), e.getKey(), partition, isr, leader);
                if (change != null) {
                    records.add(change);
                }
            }
        }
        return records;
    }

    /**
     * Elects leaders for the leaderless partitions of every topic whose effective {@code
     * unclean.leader.election.enable} is true in {@code after} and was false in {@code before} (a config
     * change just allowed it).
     */
    List<MetadataRecord> electAfterConfigChange(MetadataImage before, MetadataImage after) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : PartitionChanges.sortedTopics(after).values()) {
            if (!PartitionChanges.uncleanEnabled(after, topic.name(), config)
                    || PartitionChanges.uncleanEnabled(before, topic.name(), config)) {
                continue;
            }
            for (Map.Entry<Integer, PartitionRegistration> e :
                    topic.partitions().entrySet()) {
                PartitionRegistration partition = e.getValue();
                if (partition.leader() != PartitionRecord.NO_LEADER) {
                    continue;
                }
                PartitionChanges.Election election =
                        PartitionChanges.elect(after.cluster(), partition.replicas(), partition.isr(), true);
                PartitionChangeRecord change =
                        PartitionChanges.change(topic.id(), e.getKey(), partition, election.isr(), election.leader());
                if (change != null) {
                    records.add(change);
                }
            }
        }
        return records;
    }
}

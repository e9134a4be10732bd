package io.fjord.broker.security;

import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.network.RequestContext;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.coordinator.CoordinatorLog;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.metadata.AccessControlEntryRecord;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclPatternType;
import io.fjord.metadata.AclPermission;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.MetadataBatch;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.TopicRecord;
import io.fjord.protocol.ApiKeys;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata for the ACL tests of the request handlers: topics and ACLs fed to a real {@link MetadataLoader}, and a
 * {@link MetadataView} over it with Kafka's StandardAuthorizer configured (super user {@code User:admin}) or without
 * an authorizer. Not thread-safe; one per test.
 */
public final class AclTestContext {

    public static final String ADMIN = "User:admin";

    public final MetadataLoader loader = new MetadataLoader();
    public final MetadataView metadata;
    private final Random random = new Random(1);
    private long nextOffset;

    public AclTestContext(boolean withAuthorizer) {
        Map<String, String> props = new HashMap<>(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092", "node.id", "1"));
        if (withAuthorizer) {
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("super.users", ADMIN);
        }
        metadata = new MetadataView(loader, BrokerConfig.parse(props), "cluster", () -> 1);
        loader.onReplayComplete(-1); // later commits publish at once
    }

    /** Adds a topic with {@code partitions} partitions led by broker 1; returns its id. */
    public Uuid topic(String name, int partitions) {
        Uuid id = Uuid.random(random);
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(new PartitionRecord(id, p, new int[] {1}, new int[] {1}, 1, 0, 0));
        }
        commit(records);
        return id;
    }

    /** Allows {@code principal} {@code operation} on the resource, from any host. */
    public void allow(String principal, AclOperation operation, AclResourceType type, String name) {
        commit(List.of(new AccessControlEntryRecord(
                Uuid.random(random),
                new AclBinding(type, name, AclPatternType.LITERAL, principal, "*", operation, AclPermission.ALLOW))));
    }

    private void commit(List<MetadataRecord> records) {
        loader.onCommit(new MetadataBatch(nextOffset, records));
        nextOffset += records.size();
    }

    /** A request of {@code principal} from 10.0.0.7. */
    public static RequestContext request(ApiKeys api, int version, String principal) {
        return new RequestContext(
                api, (short) version, 1, "client", 1, new InetSocketAddress("10.0.0.7", 50000), "PLAINTEXT", principal);
    }

    /** A coordinator log whose appends commit at once and are forgotten. */
    public static CoordinatorLog discardingLog() {
        return new CoordinatorLog() {
            @Override
            public CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> appendTransactional(
                    int partition,
                    long producerId,
                    short producerEpoch,
                    io.fjord.common.VerificationGuard guard,
                    List<CoordinatorRecord> records) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}

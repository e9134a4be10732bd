package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.AccessControlEntryRecord;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclPatternType;
import io.fjord.metadata.AclPermission;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.AlterConfigsResource;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.ControllerLogic;
import io.fjord.metadata.ControllerResult;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataBatch;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.RegisterBrokerRecord;
import io.fjord.metadata.TopicRecord;
import io.fjord.protocol.ApiKeys;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * One broker (node 1) over a metadata loader fed records as the metadata log would, seen through two views of the
 * same image: {@link #secured} with Kafka's StandardAuthorizer configured ({@code super.users=User:admin}, no ACL
 * means no access) and {@link #open} without an authorizer. Its controller decides topic and config changes with the
 * real {@link ControllerLogic} and commits them to the loader; it records what it was asked. Not thread-safe.
 */
final class AuthorizationTestContext {

    static final String ADMIN = "User:admin";
    static final String ALICE = "User:alice";
    static final String BOB = "User:bob";

    final MetadataLoader loader = new MetadataLoader();
    final MetadataView secured;
    final MetadataView open;
    /** The names of the controller methods called, in order. */
    final List<String> controllerCalls = new ArrayList<>();
    /** The argument lists of the controller calls, in order. */
    final List<Object[]> controllerArgs = new ArrayList<>();

    final ControllerApi controller;
    private final ControllerLogic logic =
            new ControllerLogic(ControllerConfig.DEFAULT, ConfigValidator.ACCEPT_ALL, new Random(1));
    private final Random random = new Random(7);
    private long nextOffset;

    AuthorizationTestContext() {
        loader.onReplayComplete(-1);
        commit(List.of(new RegisterBrokerRecord(
                1,
                Uuid.random(random),
                List.of(new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")),
                null,
                false,
                false)));
        secured = new MetadataView(
                loader,
                BrokerConfig.parse(Map.of(
                        "listeners",
                        "PLAINTEXT://localhost:9092",
                        "node.id",
                        "1",
                        "authorizer.class.name",
                        "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                        "super.users",
                        ADMIN)),
                "cluster",
                () -> 1);
        open = new MetadataView(
                loader,
                BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://localhost:9092", "node.id", "1")),
                "cluster",
                () -> 1);
        controller = (ControllerApi) Proxy.newProxyInstance(
                ControllerApi.class.getClassLoader(), new Class<?>[] {ControllerApi.class}, (proxy, method, args) -> {
                    controllerCalls.add(method.getName());
                    controllerArgs.add(args);
                    return decide(method.getName(), args);
                });
    }

    @SuppressWarnings("unchecked")
    private Object decide(String method, Object[] args) {
        return switch (method) {
            case "createTopics" ->
                commit(logic.createTopics(loader.image(), (List<CreatableTopic>) args[0], (Boolean) args[1]));
            case "deleteTopics" ->
                commit(logic.deleteTopics(loader.image(), (List<String>) args[0], (List<Uuid>) args[1]));
            case "createPartitions" ->
                commit(logic.createPartitions(
                        loader.image(), (List<CreatePartitionsTopic>) args[0], (Boolean) args[1]));
            case "incrementalAlterConfigs" ->
                commit(logic.incrementalAlterConfigs(
                        loader.image(), (List<AlterConfigsResource>) args[0], (Boolean) args[1]));
            case "alterConfigs" ->
                commit(logic.alterConfigs(loader.image(), (List<AlterConfigsResource>) args[0], (Boolean) args[1]));
            case "electLeaders", "alterPartitionReassignments", "alterUserScramCredentials" ->
                CompletableFuture.completedFuture(List.of());
            default -> throw new UnsupportedOperationException(method);
        };
    }

    private <T> CompletableFuture<T> commit(ControllerResult<T> result) {
        commit(result.records());
        return CompletableFuture.completedFuture(result.response());
    }

    void commit(List<MetadataRecord> records) {
        if (!records.isEmpty()) {
            loader.onCommit(new MetadataBatch(nextOffset, records));
            nextOffset += records.size();
        }
    }

    /** Lets {@code principal} do {@code operation} on the resource (a LITERAL ACL from any host). */
    AuthorizationTestContext allow(String principal, AclOperation operation, AclResourceType type, String name) {
        commit(List.of(new AccessControlEntryRecord(
                Uuid.random(random),
                new AclBinding(type, name, AclPatternType.LITERAL, principal, "*", operation, AclPermission.ALLOW))));
        return this;
    }

    AuthorizationTestContext allowOnCluster(String principal, AclOperation operation) {
        return allow(principal, operation, AclResourceType.CLUSTER, AclBinding.CLUSTER_NAME);
    }

    /** A topic with {@code partitions} partitions led by node 1. */
    Uuid topic(String name, int partitions) {
        Uuid id = Uuid.random(random);
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(new PartitionRecord(id, p, new int[] {1}, new int[] {1}, 1, 0, 0, null, null));
        }
        commit(records);
        return id;
    }

    static RequestContext as(String principal, ApiKeys api, int version) {
        return new RequestContext(
                api, (short) version, 1, "test", 1, new InetSocketAddress("127.0.0.1", 50000), "PLAINTEXT", principal);
    }
}

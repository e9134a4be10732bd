package io.fjord.broker.handler;

import io.fjord.broker.metadata.LogConfigs;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.LoggerLevels;
import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigDef;
import io.fjord.common.config.ConfigEntry;
import io.fjord.common.config.ConfigKey;
import io.fjord.common.config.ConfigSource;
import io.fjord.common.config.ReplicationQuotaConfigs;
import io.fjord.common.config.TopicConfigs;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.AlterConfigOp;
import io.fjord.metadata.AlterConfigsResource;
import io.fjord.metadata.AlterConfigsResult;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.AlterConfigsRequest;
import io.fjord.protocol.message.AlterConfigsResponse;
import io.fjord.protocol.message.DescribeConfigsRequest;
import io.fjord.protocol.message.DescribeConfigsResponse;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest;
import io.fjord.protocol.message.IncrementalAlterConfigsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * DescribeConfigs, IncrementalAlterConfigs and the legacy AlterConfigs for topics and brokers, and this broker's
 * log levels (BROKER_LOGGER, {@link BrokerLoggerConfigs}). A topic's entries are its
 * effective values with their source (topic override, dynamic broker, static broker, default) and, on
 * request, the synonym chain; a broker's are its settings. Changes go through the controller.
 *
 * <p>Authorization as in Kafka ({@code ConfigHelper}, {@code ConfigAdminManager}, {@code ControllerApis}): a topic's
 * configs need DESCRIBE_CONFIGS or ALTER_CONFIGS on the topic (else TOPIC_AUTHORIZATION_FAILED), a group's on the
 * group (GROUP_AUTHORIZATION_FAILED), a broker's, a broker logger's and client metrics' on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED). DescribeConfigs answers the denied resources after the others, with the error's
 * default message, before looking at them (so a denied unknown topic is not reported unknown); the alter APIs
 * authorize each resource after this broker's own checks of it, and a denied one never reaches the controller.
 */
public final class ConfigHandlers {

    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte BROKER_LOGGER = 8;
    static final byte CLIENT_METRICS = 16;
    static final byte GROUP = 32;

    private final MetadataView metadata;
    private final ControllerApi controller;
    private final BrokerLoggerConfigs loggers;

    public ConfigHandlers(MetadataView metadata, ControllerApi controller) {
        this(metadata, controller, new BrokerLoggerConfigs(LoggerLevels.ofProcess(), metadata.nodeId()));
    }

    ConfigHandlers(MetadataView metadata, ControllerApi controller, BrokerLoggerConfigs loggers) {
        this.metadata = metadata;
        this.controller = controller;
        this.loggers = loggers;
    }

    public CompletableFuture<ApiMessage> describeConfigs(RequestContext context, ApiMessage message) {
        DescribeConfigsRequest request = (DescribeConfigsRequest) message;
        MetadataImage image = metadata.image();
        BrokerConfig config = metadata.config();
        DescribeConfigsResponse response = new DescribeConfigsResponse();
        List<DescribeConfigsResponse.DescribeConfigsResult> denied = new ArrayList<>();
        for (DescribeConfigsRequest.DescribeConfigsResource resource : request.resources()) {
            Errors refused =
                    denied(context, AclOperation.DESCRIBE_CONFIGS, resource.resourceType(), resource.resourceName());
            if (refused != null) {
                denied.add(new DescribeConfigsResponse.DescribeConfigsResult()
                        .setResourceType(resource.resourceType())
                        .setResourceName(resource.resourceName())
                        .setErrorCode(refused.code())
                        .setErrorMessage(refused.message()));
                continue;
            }
            DescribeConfigsResponse.DescribeConfigsResult result = new DescribeConfigsResponse.DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            response.results().add(result);
            Set<String> keys =
                    resource.configurationKeys() == null ? null : new HashSet<>(resource.configurationKeys());
            List<ConfigEntry> entries;
            ConfigDef definition;
            if (resource.resourceType() == TOPIC) {
                try {
                    TopicNames.validate(resource.resourceName()); // as Kafka: a bad name before an unknown one
                } catch (ApiException e) {
                    result.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
                    continue;
                }
                if (image.topics().topic(resource.resourceName()) == null) {
                    // No message, as Kafka: clients then show the error's own ("Broker: Unknown topic or partition").
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                entries = LogConfigs.describe(
                        config,
                        image,
                        image.configs().configs(new ConfigResource(ConfigResourceType.TOPIC, resource.resourceName())));
                definition = TopicConfigs.definition();
            } else if (resource.resourceType() == BROKER) {
                String wrongBroker = wrongBroker(resource.resourceName());
                if (wrongBroker != null) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(wrongBroker);
                    continue;
                }
                entries = brokerEntries(resource.resourceName(), image);
                definition = BrokerConfig.definition();
            } else if (resource.resourceType() == BROKER_LOGGER) {
                String problem = loggers.describeProblem(resource.resourceName());
                if (problem != null) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(problem);
                } else {
                    result.configs().addAll(loggers.describe(keys));
                }
                continue;
            } else {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("unknown resource type " + resource.resourceType());
                continue;
            }
            for (ConfigEntry e : entries) {
                if (keys == null || keys.contains(e.name())) {
                    result.configs()
                            .add(describe(e, definition, request.includeSynonyms(), request.includeDocumentation()));
                }
            }
        }
        response.results().addAll(denied);
        return CompletableFuture.completedFuture(response);
    }

    /**
     * The error Kafka answers when the principal may not do {@code operation} on the configs of the resource, or
     * null when it may. A type Kafka has no ACL resource for is not checked here: it is refused as unknown anyway.
     */
    private Errors denied(RequestContext context, AclOperation operation, byte type, String name) {
        Authorizer authorizer = metadata.authorizer();
        return switch (type) {
            case TOPIC ->
                authorizer.authorize(context, operation, AclResourceType.TOPIC, name)
                        ? null
                        : Errors.TOPIC_AUTHORIZATION_FAILED;
            case GROUP ->
                authorizer.authorize(context, operation, AclResourceType.GROUP, name)
                        ? null
                        : Errors.GROUP_AUTHORIZATION_FAILED;
            case BROKER, BROKER_LOGGER, CLIENT_METRICS ->
                authorizer.authorizeCluster(context, operation) ? null : Errors.CLUSTER_AUTHORIZATION_FAILED;
            default -> null;
        };
    }

    /**
     * The rows of broker resource {@code name}: for the cluster default ("") only its dynamic settings,
     * as Kafka answers; for this broker its static settings with the dynamic ones laid over them (its
     * own before the cluster default), each row listing the values it overrides as synonyms.
     */
    private List<ConfigEntry> brokerEntries(String name, MetadataImage image) {
        Map<String, String> clusterDefault = image.configs().configs(new ConfigResource(ConfigResourceType.BROKER, ""));
        if (name.isEmpty()) {
            List<ConfigEntry> entries = new ArrayList<>();
            for (Map.Entry<String, String> e : new TreeMap<>(clusterDefault).entrySet()) {
                entries.add(
                        dynamicEntry(e.getKey(), e.getValue(), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, List.of()));
            }
            return entries;
        }
        Map<String, String> own = image.configs().configs(new ConfigResource(ConfigResourceType.BROKER, name));
        List<ConfigEntry> entries = new ArrayList<>();
        Set<String> described = new HashSet<>();
        for (ConfigEntry e : metadata.config().describe()) {
            entries.add(overlay(e, own.get(e.name()), clusterDefault.get(e.name())));
            described.add(e.name());
        }
        Set<String> dynamicOnly = new TreeSet<>(own.keySet());
        dynamicOnly.addAll(clusterDefault.keySet());
        dynamicOnly.removeAll(described);
        for (String key : dynamicOnly) {
            entries.add(overlay(
                    new ConfigEntry(key, null, ConfigSource.UNKNOWN, false, false, false, List.of()),
                    own.get(key),
                    clusterDefault.get(key)));
        }
        return entries;
    }

    private static ConfigEntry overlay(ConfigEntry staticEntry, String own, String clusterDefault) {
        if (own == null && clusterDefault == null) {
            return staticEntry;
        }
        List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
        if (own != null) {
            synonyms.add(new ConfigEntry.Synonym(staticEntry.name(), own, ConfigSource.DYNAMIC_BROKER_CONFIG));
        }
        if (clusterDefault != null) {
            synonyms.add(new ConfigEntry.Synonym(
                    staticEntry.name(), clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
        }
        for (ConfigEntry.Synonym s : staticEntry.synonyms()) {
            if (s.source() != ConfigSource.UNKNOWN) {
                synonyms.add(s);
            }
        }
        ConfigEntry.Synonym chosen = synonyms.get(0);
        return new ConfigEntry(
                staticEntry.name(),
                staticEntry.isSensitive() ? null : chosen.value(),
                chosen.source(),
                false,
                staticEntry.isSensitive(),
                staticEntry.readOnly(),
                synonyms);
    }

    private static ConfigEntry dynamicEntry(
            String name, String value, ConfigSource source, List<ConfigEntry.Synonym> more) {
        List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
        synonyms.add(new ConfigEntry.Synonym(name, value, source));
        synonyms.addAll(more);
        ConfigKey key = BrokerConfig.definition().key(name);
        boolean sensitive = key != null && key.isSensitive();
        return new ConfigEntry(name, sensitive ? null : value, source, false, sensitive, false, synonyms);
    }

    private boolean isThisBroker(String name) {
        return name.isEmpty() || name.equals(Integer.toString(metadata.nodeId()));
    }

    /** Null for this broker or the cluster default (""), else why not, in Kafka's words. */
    private String wrongBroker(String name) {
        if (name.isEmpty()) {
            return null;
        }
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return "Broker id must be an integer, but it is: " + name;
        }
        return id == metadata.nodeId()
                ? null
                : "Unexpected broker id, expected " + metadata.nodeId() + " or empty string, but received " + name;
    }

    private static DescribeConfigsResponse.DescribeConfigsResourceResult describe(
            ConfigEntry e, ConfigDef definition, boolean synonyms, boolean documentation) {
        ConfigKey key = definition.key(e.name());
        if (key == null) {
            key = ReplicationQuotaConfigs.definition().key(e.name()); // a dynamic-only broker key
        }
        DescribeConfigsResponse.DescribeConfigsResourceResult out =
                new DescribeConfigsResponse.DescribeConfigsResourceResult()
                        .setName(e.name())
                        .setValue(e.isSensitive() ? null : e.value())
                        .setReadOnly(e.readOnly())
                        .setConfigSource(e.source().id())
                        .setIsSensitive(e.isSensitive())
                        .setConfigType(key == null ? 0 : configType(key.type()))
                        .setDocumentation(documentation && key != null ? key.documentation() : null);
        if (synonyms) {
            for (ConfigEntry.Synonym s : e.synonyms()) {
                out.synonyms()
                        .add(new DescribeConfigsResponse.DescribeConfigsSynonym()
                                .setName(s.name())
                                .setValue(e.isSensitive() ? null : s.value())
                                .setSource(s.source().id()));
            }
        }
        return out;
    }

    /** The wire ids of config types (DescribeConfigs v3+), as in Kafka's ConfigType. */
    static byte configType(ConfigDef.Type type) {
        return switch (type) {
            case BOOLEAN -> 1;
            case STRING -> 2;
            case INT -> 3;
            case SHORT -> 4;
            case LONG -> 5;
            case DOUBLE -> 6;
            case LIST -> 7;
            case CLASS -> 8;
            case PASSWORD -> 9;
        };
    }

    public CompletableFuture<ApiMessage> incrementalAlterConfigs(RequestContext context, ApiMessage message) {
        IncrementalAlterConfigsRequest request = (IncrementalAlterConfigsRequest) message;
        IncrementalAlterConfigsResponse response = new IncrementalAlterConfigsResponse();
        Map<String, Integer> loggerResources = new HashMap<>();
        for (IncrementalAlterConfigsRequest.AlterConfigsResource r : request.resources()) {
            if (r.resourceType() == BROKER_LOGGER) {
                loggerResources.merge(r.resourceName(), 1, Integer::sum);
            }
        }
        List<AlterConfigsResource> valid = new ArrayList<>();
        List<ErrorSink> pending = new ArrayList<>();
        for (IncrementalAlterConfigsRequest.AlterConfigsResource r : request.resources()) {
            IncrementalAlterConfigsResponse.AlterConfigsResourceResponse out =
                    new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse()
                            .setResourceType(r.resourceType())
                            .setResourceName(r.resourceName());
            response.responses().add(out);
            if (r.resourceType() == BROKER_LOGGER) { // this process's levels: decided here, not by the controller
                // Kafka authorizes a logger change before its node id and levels (RuntimeLoggerManager).
                BrokerLoggerConfigs.Outcome outcome = loggerResources.get(r.resourceName()) > 1
                        ? new BrokerLoggerConfigs.Outcome(
                                Errors.INVALID_REQUEST, "Each resource must appear at most once.")
                        : denied(context, AclOperation.ALTER_CONFIGS, BROKER_LOGGER, r.resourceName()) != null
                                ? new BrokerLoggerConfigs.Outcome(Errors.CLUSTER_AUTHORIZATION_FAILED, null)
                                : loggers.alter(r, request.validateOnly());
                out.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
                continue;
            }
            ConfigResourceType type = r.resourceType() == TOPIC
                    ? ConfigResourceType.TOPIC
                    : r.resourceType() == BROKER ? ConfigResourceType.BROKER : null;
            Errors refused = denied(context, AclOperation.ALTER_CONFIGS, r.resourceType(), r.resourceName());
            if (type == null && refused != null) { // a group or client metrics, which Kafka authorizes first
                out.setErrorCode(refused.code()).setErrorMessage(null); // ApiError(error): no message
                continue;
            }
            if (type == null) {
                out.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("cannot alter configs of resource type " + r.resourceType());
                continue;
            }
            if (type == ConfigResourceType.BROKER && !isThisBroker(r.resourceName())) {
                out.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("this is broker " + metadata.nodeId() + ", not " + r.resourceName());
                continue;
            }
            List<AlterConfigOp> ops = new ArrayList<>();
            String badOp = null;
            for (IncrementalAlterConfigsRequest.AlterableConfig c : r.configs()) {
                AlterConfigOp.OpType op =
                        switch (c.configOperation()) {
                            case 0 -> AlterConfigOp.OpType.SET;
                            case 1 -> AlterConfigOp.OpType.DELETE;
                            case 2 -> AlterConfigOp.OpType.APPEND;
                            case 3 -> AlterConfigOp.OpType.SUBTRACT;
                            default -> null;
                        };
                if (op == null) {
                    badOp = "unknown config operation " + c.configOperation() + " for " + c.name();
                    break;
                }
                ops.add(new AlterConfigOp(c.name(), op, c.value()));
            }
            if (badOp != null) {
                out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(badOp);
                continue;
            }
            if (refused != null) {
                out.setErrorCode(refused.code()).setErrorMessage(null); // ApiError(error): no message
                continue;
            }
            valid.add(new AlterConfigsResource(new ConfigResource(type, r.resourceName()), ops));
            pending.add((code, text) -> out.setErrorCode(code).setErrorMessage(text));
        }
        return decide(
                valid, response, pending, () -> controller.incrementalAlterConfigs(valid, request.validateOnly()));
    }

    /**
     * The legacy AlterConfigs (KafkaJS's and kafka-python's alterConfigs): the configs named for a resource
     * become its whole set of explicit configs, and the controller deletes the others. Checked here first
     * as Kafka's broker does: a resource named twice, a key named twice or a null value is INVALID_REQUEST,
     * and so is any resource type but TOPIC and BROKER (there are no logger levels in this API).
     */
    public CompletableFuture<ApiMessage> alterConfigs(RequestContext context, ApiMessage message) {
        AlterConfigsRequest request = (AlterConfigsRequest) message;
        AlterConfigsResponse response = new AlterConfigsResponse();
        Map<String, Integer> resourceCounts = new HashMap<>();
        for (AlterConfigsRequest.AlterConfigsResource r : request.resources()) {
            resourceCounts.merge(r.resourceType() + "/" + r.resourceName(), 1, Integer::sum);
        }
        List<AlterConfigsResource> valid = new ArrayList<>();
        List<ErrorSink> pending = new ArrayList<>();
        for (AlterConfigsRequest.AlterConfigsResource r : request.resources()) {
            AlterConfigsResponse.AlterConfigsResourceResponse out =
                    new AlterConfigsResponse.AlterConfigsResourceResponse()
                            .setResourceType(r.resourceType())
                            .setResourceName(r.resourceName());
            response.responses().add(out);
            String problem = resourceCounts.get(r.resourceType() + "/" + r.resourceName()) > 1
                    ? "Each resource must appear at most once."
                    : legacyProblem(r);
            if (problem != null) {
                out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(problem);
                continue;
            }
            Errors refused = denied(context, AclOperation.ALTER_CONFIGS, r.resourceType(), r.resourceName());
            if (refused != null) {
                out.setErrorCode(refused.code()).setErrorMessage(null); // ApiError(error): no message
                continue;
            }
            List<AlterConfigOp> ops = new ArrayList<>();
            for (AlterConfigsRequest.AlterableConfig c : r.configs()) {
                ops.add(new AlterConfigOp(c.name(), AlterConfigOp.OpType.SET, c.value()));
            }
            ConfigResourceType type = r.resourceType() == TOPIC ? ConfigResourceType.TOPIC : ConfigResourceType.BROKER;
            valid.add(new AlterConfigsResource(new ConfigResource(type, r.resourceName()), ops));
            pending.add((code, text) -> out.setErrorCode(code).setErrorMessage(text));
        }
        return decide(valid, response, pending, () -> controller.alterConfigs(valid, request.validateOnly()));
    }

    /** Where the controller's outcome for one resource goes: the resource's row of the response. */
    private interface ErrorSink {
        void set(short code, String message);
    }

    /**
     * The response once the controller has decided {@code valid}, each outcome written to the sink of the
     * same index; at once when nothing is left to decide.
     */
    private static CompletableFuture<ApiMessage> decide(
            List<AlterConfigsResource> valid,
            ApiMessage response,
            List<ErrorSink> pending,
            Supplier<CompletableFuture<List<AlterConfigsResult>>> call) {
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return call.get().thenApply(results -> {
            for (int i = 0; i < results.size(); i++) {
                AlterConfigsResult result = results.get(i);
                Errors error = result.error();
                if (error == Errors.INVALID_CONFIG && valid.get(i).resource().type() == ConfigResourceType.BROKER) {
                    // Kafka's broker answers a broker config it cannot apply with INVALID_REQUEST (KAFKA-13609)
                    error = Errors.INVALID_REQUEST;
                }
                pending.get(i).set(error.code(), error == Errors.NONE ? null : result.message());
            }
            return response;
        });
    }

    /**
     * Kafka's broker-side check of one resource's configs (ConfigAdminManager.preprocess), or null when they pass:
     * a key named twice, then every key whose value is null where the operation needs one.
     */
    static <T> String keysProblem(List<T> configs, Function<T, String> name, Predicate<T> missingValue) {
        Set<String> names = new HashSet<>();
        List<String> nulls = new ArrayList<>();
        for (T c : configs) {
            if (!names.add(name.apply(c))) {
                return "Error due to duplicate config keys";
            }
            if (missingValue.test(c)) {
                nulls.add(name.apply(c));
            }
        }
        return nulls.isEmpty() ? null : "Null value not supported for : " + String.join(", ", nulls);
    }

    /** Why Kafka's broker would refuse this legacy AlterConfigs resource before the controller, or null. */
    private String legacyProblem(AlterConfigsRequest.AlterConfigsResource r) {
        String keys = keysProblem(r.configs(), AlterConfigsRequest.AlterableConfig::name, c -> c.value() == null);
        if (keys != null) {
            return keys;
        }
        if (r.resourceType() == BROKER) {
            if (r.resourceName().isEmpty()) {
                return null;
            }
            int id;
            try {
                id = Integer.parseInt(r.resourceName());
            } catch (NumberFormatException e) {
                return "Node id must be an integer, but it is: " + r.resourceName();
            }
            return id == metadata.nodeId()
                    ? null
                    : "Unexpected broker id, expected " + metadata.nodeId() + ", but received " + r.resourceName();
        }
        return r.resourceType() == TOPIC ? null : "Unknown resource type " + r.resourceType();
    }
}

package io.fjord.broker.handler;

import io.fjord.common.Errors;
import io.fjord.common.LoggerLevels;
import io.fjord.common.config.ConfigSource;
import io.fjord.protocol.message.DescribeConfigsResponse;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BROKER_LOGGER config resource (KIP-412; {@code kafka-configs --entity-type broker-loggers}): this broker's
 * loggers and their levels, listed by DescribeConfigs and changed at runtime by IncrementalAlterConfigs (SET a
 * level, DELETE a logger's own so it inherits), with Kafka's checks and messages (its RuntimeLoggerManager).
 * Levels live in the process, not in the metadata log: a restart starts from the configured ones, as in Kafka.
 * Without a backend that can change levels ({@link LoggerLevels#ofProcess}), the list is empty and changes are
 * refused. Thread-safe.
 */
final class BrokerLoggerConfigs {

    private static final Logger log = LoggerFactory.getLogger(BrokerLoggerConfigs.class);

    /** The outcome of a change: NONE, or the error and Kafka's message. */
    record Outcome(Errors error, String message) {
        static final Outcome NONE = new Outcome(Errors.NONE, null);
    }

    private final Optional<LoggerLevels> levels;
    private final int nodeId;

    BrokerLoggerConfigs(Optional<LoggerLevels> levels, int nodeId) {
        this.levels = levels;
        this.nodeId = nodeId;
    }

    /** Why {@code resourceName} does not name this broker for DescribeConfigs (Kafka's wording), or null. */
    String describeProblem(String resourceName) {
        if (resourceName == null || resourceName.isEmpty()) {
            return "Broker id must not be empty";
        }
        return resourceName.equals(Integer.toString(nodeId))
                ? null
                : "Unexpected broker id, expected " + nodeId + " but received " + resourceName;
    }

    /** The loggers (all of them when {@code keys} is null) with their levels. */
    List<DescribeConfigsResponse.DescribeConfigsResourceResult> describe(Set<String> keys) {
        List<DescribeConfigsResponse.DescribeConfigsResourceResult> out = new ArrayList<>();
        Map<String, String> current = levels.map(LoggerLevels::levels).orElse(Map.of());
        for (Map.Entry<String, String> e : current.entrySet()) {
            if (keys == null || keys.contains(e.getKey())) {
                out.add(new DescribeConfigsResponse.DescribeConfigsResourceResult()
                        .setName(e.getKey())
                        .setValue(e.getValue())
                        .setConfigSource(ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG.id())
                        .setIsSensitive(false)
                        .setReadOnly(false));
            }
        }
        return out;
    }

    /** Checks every operation first, then applies them in order unless {@code validateOnly}. */
    Outcome alter(IncrementalAlterConfigsRequest.AlterConfigsResource resource, boolean validateOnly) {
        Outcome problem = check(resource);
        if (problem != null) {
            return problem;
        }
        if (!validateOnly) {
            LoggerLevels target = levels.orElseThrow();
            for (IncrementalAlterConfigsRequest.AlterableConfig op : resource.configs()) {
                if (op.configOperation() == 0) {
                    target.set(op.name(), op.value());
                    log.warn("Updated the log level of {} to {}", op.name(), op.value());
                } else {
                    target.unset(op.name());
                    log.warn("Unset the log level of {}", op.name());
                }
            }
        }
        return Outcome.NONE;
    }

    private Outcome check(IncrementalAlterConfigsRequest.AlterConfigsResource resource) {
        String keys = ConfigHandlers.keysProblem(
                resource.configs(),
                IncrementalAlterConfigsRequest.AlterableConfig::name,
                op -> op.configOperation() != 1 && op.value() == null); // DELETE needs no value
        if (keys != null) {
            return invalidRequest(keys);
        }
        int id;
        try {
            id = Integer.parseInt(resource.resourceName());
        } catch (NumberFormatException e) {
            return invalidRequest("Node id must be an integer, but it is: " + resource.resourceName());
        }
        if (id != nodeId) {
            return invalidRequest("Unexpected node id. Expected " + nodeId + ", but received " + id);
        }
        if (levels.isEmpty()) {
            return invalidRequest("This broker's logging backend cannot change log levels while it runs.");
        }
        for (IncrementalAlterConfigsRequest.AlterableConfig op : resource.configs()) {
            Outcome opProblem = check(op, levels.get());
            if (opProblem != null) {
                return opProblem;
            }
        }
        return null;
    }

    private static Outcome check(IncrementalAlterConfigsRequest.AlterableConfig op, LoggerLevels levels) {
        String name = op.name();
        switch (op.configOperation()) {
            case 0: // SET
            case 1: // DELETE
                if (!levels.exists(name)) {
                    return new Outcome(Errors.INVALID_CONFIG, "Logger " + name + " does not exist!");
                }
                if (op.configOperation() == 1) {
                    return name.equals(LoggerLevels.ROOT)
                            ? invalidRequest("Removing the log level of the root logger is not allowed")
                            : null;
                }
                return LoggerLevels.VALID_LEVELS.contains(op.value())
                        ? null
                        : new Outcome(
                                Errors.INVALID_CONFIG,
                                "Cannot set the log level of " + name + " to " + op.value()
                                        + " as it is not a supported log level. Valid log levels are "
                                        + String.join(", ", LoggerLevels.VALID_LEVELS));
            case 2:
                return invalidRequest("APPEND operation is not allowed for the BROKER_LOGGER resource");
            case 3:
                return invalidRequest("SUBTRACT operation is not allowed for the BROKER_LOGGER resource");
            default:
                return invalidRequest("Unknown operation type " + op.configOperation()
                        + " is not allowed for the BROKER_LOGGER resource");
        }
    }

    private static Outcome invalidRequest(String message) {
        return new Outcome(Errors.INVALID_REQUEST, message);
    }
}

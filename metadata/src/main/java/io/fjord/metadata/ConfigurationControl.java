package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides IncrementalAlterConfigs: applies SET/DELETE/APPEND/SUBTRACT to a resource's explicit configs
 * in an image, validates each resulting value, and returns the ConfigRecords for the keys that changed.
 * The legacy AlterConfigs is the same with a DELETE added for every explicit key the request leaves out.
 * Pure; not thread-safe only by convention (called on the controller's event thread).
 */
final class ConfigurationControl {

    private final ConfigValidator validator;
    private final int maxRecordsPerRequest;

    ConfigurationControl(ConfigValidator validator, int maxRecordsPerRequest) {
        this.validator = validator;
        this.maxRecordsPerRequest = maxRecordsPerRequest;
    }

    ControllerResult<List<AlterConfigsResult>> incrementalAlterConfigs(
            MetadataImage image, List<AlterConfigsResource> resources, boolean validateOnly) {
        Map<ConfigResource, Integer> counts = new HashMap<>();
        resources.forEach(r -> counts.merge(r.resource(), 1, Integer::sum));
        List<MetadataRecord> records = new ArrayList<>();
        List<AlterConfigsResult> results = new ArrayList<>(resources.size());
        for (AlterConfigsResource request : resources) {
            if (counts.get(request.resource()) > 1) {
                results.add(new AlterConfigsResult(
                        request.resource(), Errors.INVALID_REQUEST, "Duplicate resource in the request."));
                continue;
            }
            try {
                List<MetadataRecord> changes = alter(image, request);
                if (records.size() + changes.size() > maxRecordsPerRequest) {
                    throw ReplicationControl.tooManyRecords(maxRecordsPerRequest - records.size());
                }
                records.addAll(changes);
                results.add(new AlterConfigsResult(request.resource(), Errors.NONE, null));
            } catch (ApiException e) {
                results.add(new AlterConfigsResult(request.resource(), e.error(), e.getMessage()));
            }
        }
        return new ControllerResult<>(validateOnly ? List.of() : records, results);
    }

    /**
     * Legacy AlterConfigs: each resource's SET ops become its whole set of explicit configs, so a key set
     * now and not named is deleted. Decided against {@code image} in one step, as in Kafka's controller,
     * so a concurrent change to another key is not silently kept or lost between a read and this write.
     */
    ControllerResult<List<AlterConfigsResult>> legacyAlterConfigs(
            MetadataImage image, List<AlterConfigsResource> resources, boolean validateOnly) {
        List<AlterConfigsResource> replacing = new ArrayList<>(resources.size());
        for (AlterConfigsResource request : resources) {
            Set<String> named = new HashSet<>();
            request.ops().forEach(op -> named.add(op.name()));
            List<AlterConfigOp> ops = new ArrayList<>(request.ops());
            for (String key :
                    new TreeSet<>(image.configs().configs(request.resource()).keySet())) {
                if (!named.contains(key)) {
                    ops.add(new AlterConfigOp(key, AlterConfigOp.OpType.DELETE, null));
                }
            }
            replacing.add(new AlterConfigsResource(request.resource(), ops));
        }
        return incrementalAlterConfigs(image, replacing, validateOnly);
    }

    private List<MetadataRecord> alter(MetadataImage image, AlterConfigsResource request) {
        ConfigResource resource = request.resource();
        validateResource(image, resource);
        Set<String> seen = new HashSet<>();
        for (AlterConfigOp op : request.ops()) {
            if (!seen.add(op.name())) {
                throw new ApiException(Errors.INVALID_REQUEST, "Duplicate config key in the request: " + op.name());
            }
        }
        Map<String, String> before = image.configs().configs(resource);
        Map<String, String> after = new HashMap<>(before);
        for (AlterConfigOp op : request.ops()) {
            String current = after.containsKey(op.name())
                    ? after.get(op.name())
                    : validator.defaultValue(resource.type(), op.name());
            String value = newValue(current, op);
            if (value == null) {
                after.remove(op.name());
            } else {
                validateConfig(validator, resource.type(), op.name(), value);
                after.put(op.name(), value);
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (String name : new TreeSet<>(seen)) {
            String value = after.get(name);
            if (!Objects.equals(before.get(name), value)) {
                records.add(new ConfigRecord(resource.type(), resource.name(), name, value));
            }
        }
        return records;
    }

    /** Throws INVALID_CONFIG with the validator's reason when {@code name=value} is not acceptable. */
    static void validateConfig(ConfigValidator validator, ConfigResourceType type, String name, String value) {
        if (value == null) {
            throw new ApiException(Errors.INVALID_CONFIG, "Null value not supported for config: " + name);
        }
        Optional<String> problem = validator.validate(type, name, value);
        if (problem.isPresent()) {
            throw new ApiException(Errors.INVALID_CONFIG, problem.get());
        }
    }

    private static void validateResource(MetadataImage image, ConfigResource resource) {
        if (resource.type() == ConfigResourceType.TOPIC) {
            if (image.topics().topic(resource.name()) == null) {
                throw new ApiException(
                        Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + resource.name() + "' does not exist.");
            }
        } else if (!resource.name().isEmpty()) {
            boolean valid;
            try {
                valid = Integer.parseInt(resource.name()) >= 0;
            } catch (NumberFormatException e) {
                valid = false;
            }
            if (!valid) {
                throw new ApiException(Errors.INVALID_REQUEST, "Illegal broker ID " + resource.name());
            }
        }
    }

    /** The value after {@code op}, or null when the key ends up unset. */
    private static String newValue(String current, AlterConfigOp op) {
        switch (op.op()) {
            case SET:
                if (op.value() == null) {
                    throw new ApiException(Errors.INVALID_CONFIG, "Null value not supported for config: " + op.name());
                }
                return op.value();
            case DELETE:
                return null;
            case APPEND:
            case SUBTRACT:
                if (op.value() == null) {
                    throw new ApiException(
                            Errors.INVALID_CONFIG, "Null value not supported for " + op.op() + " of: " + op.name());
                }
                Set<String> items = listItems(current);
                if (op.op() == AlterConfigOp.OpType.APPEND) {
                    items.addAll(listItems(op.value()));
                } else {
                    items.removeAll(listItems(op.value()));
                }
                return String.join(",", items);
            default:
                throw new IllegalStateException("unknown op " + op.op());
        }
    }

    private static Set<String> listItems(String value) {
        Set<String> items = new LinkedHashSet<>();
        if (value != null) {
            for (String item : value.split(",")) {
                if (!item.trim().isEmpty()) {
                    items.add(item.trim());
                }
            }
        }
        return items;
    }
}

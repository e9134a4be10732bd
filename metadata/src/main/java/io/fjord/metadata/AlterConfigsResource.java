package io.fjord.metadata;

import java.util.List;
import java.util.Objects;

/** One resource of an IncrementalAlterConfigs request and its operations, applied in order. Immutable. */
public record AlterConfigsResource(ConfigResource resource, List<AlterConfigOp> ops) {
    public AlterConfigsResource {
        Objects.requireNonNull(resource, "resource");
        ops = List.copyOf(ops);
    }
}

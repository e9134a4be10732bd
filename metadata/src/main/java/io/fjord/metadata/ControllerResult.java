package io.fjord.metadata;

import java.util.List;

/** What a controller operation decided: the records to commit (none when validating only) and the response. */
public record ControllerResult<T>(List<MetadataRecord> records, T response) {
    public ControllerResult {
        records = List.copyOf(records);
    }
}

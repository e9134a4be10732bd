package io.fjord.metadata;

import java.util.List;

/** What a controller operation decided: the records to commit (none when validating only) and the response. */
record ControllerResult<T>(List<MetadataRecord> records, T response) {
    ControllerResult {
        records = List.copyOf(records);
    }
}

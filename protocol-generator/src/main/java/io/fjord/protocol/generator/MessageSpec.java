package io.fjord.protocol.generator;

import java.util.List;

/** One JSON message spec: a request, a response or a header. */
public record MessageSpec(
        String name,
        String type,
        Short apiKey,
        Versions validVersions,
        Versions flexibleVersions,
        List<String> listeners,
        List<FieldSpec> fields,
        List<StructSpec> commonStructs) {

    public StructSpec topLevel() {
        return new StructSpec(name, validVersions, fields);
    }
}

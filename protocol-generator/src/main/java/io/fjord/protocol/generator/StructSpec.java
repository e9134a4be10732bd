package io.fjord.protocol.generator;

import java.util.List;

/** A struct: a message's top level, a struct defined inline by a field, or a common struct. */
public record StructSpec(String name, Versions versions, List<FieldSpec> fields) {}

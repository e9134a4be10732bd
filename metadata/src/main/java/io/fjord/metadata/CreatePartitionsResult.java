package io.fjord.metadata;

import io.fjord.common.Errors;

/** The outcome for one topic of a CreatePartitions request. Immutable. */
public record CreatePartitionsResult(String name, Errors error, String message) {}

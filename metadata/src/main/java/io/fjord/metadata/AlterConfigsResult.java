package io.fjord.metadata;

import io.fjord.common.Errors;

/** The outcome for one resource of an IncrementalAlterConfigs request. Immutable. */
public record AlterConfigsResult(ConfigResource resource, Errors error, String message) {}

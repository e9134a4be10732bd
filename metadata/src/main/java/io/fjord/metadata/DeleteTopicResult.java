package io.fjord.metadata;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;

/**
 * The outcome for one topic of a DeleteTopics request, with both its name and id when known (null name
 * or {@link Uuid#ZERO} id when the request named an unknown topic the other way). Immutable.
 */
public record DeleteTopicResult(String name, Uuid topicId, Errors error, String message) {}

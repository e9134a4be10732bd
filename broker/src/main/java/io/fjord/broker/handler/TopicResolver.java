package io.fjord.broker.handler;

import io.fjord.common.Uuid;

/** Resolves topic names and ids against the current metadata image. Thread-safe. */
public interface TopicResolver {

    /** The name of the topic with this id, or null if there is none. */
    String nameOf(Uuid topicId);

    /** The id of the named topic, or {@link Uuid#ZERO} if there is none. */
    Uuid idOf(String name);
}

package io.fjord.coordinator;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the topic names out of the metadata a classic member of protocol type "consumer" sends
 * (ConsumerProtocolSubscription, versions 0-3: int16 version, int32 topic count, int16-length strings, then
 * fields this class does not need). Used only to answer OffsetDelete with GROUP_SUBSCRIBED_TO_TOPIC.
 * Stateless.
 */
final class ConsumerProtocolSubscription {

    private ConsumerProtocolSubscription() {}

    /** The subscribed topics, or an empty set if the bytes are not a subscription. */
    static Set<String> topics(byte[] metadata) {
        Set<String> topics = new HashSet<>();
        if (metadata == null) {
            return topics;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(metadata);
            short version = in.getShort();
            if (version < 0) {
                return topics;
            }
            int count = in.getInt();
            if (count < 0 || (long) count * 2 > in.remaining()) {
                return topics;
            }
            for (int i = 0; i < count; i++) {
                int length = in.getShort();
                if (length < 0 || length > in.remaining()) {
                    return new HashSet<>();
                }
                byte[] name = new byte[length];
                in.get(name);
                topics.add(new String(name, StandardCharsets.UTF_8));
            }
        } catch (BufferUnderflowException e) {
            return new HashSet<>();
        }
        return topics;
    }
}

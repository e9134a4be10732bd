package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.Set;

/** Kafka's rules for topic names. Stateless. */
public final class TopicNames {

    static final int MAX_LENGTH = 249;

    private TopicNames() {}

    /** Kafka's internal topics ({@code Topic.isInternal}): written by the broker, never by a client's Produce. */
    private static final Set<String> INTERNAL =
            Set.of("__consumer_offsets", "__transaction_state", "__share_group_state");

    /** Whether {@code name} is one of Kafka's internal topics. */
    public static boolean isInternal(String name) {
        return INTERNAL.contains(name);
    }

    /** Throws INVALID_TOPIC_EXCEPTION with Kafka's message when {@code name} is not a legal topic name. */
    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new ApiException(Errors.INVALID_TOPIC_EXCEPTION, "Topic name is illegal, it can't be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new ApiException(Errors.INVALID_TOPIC_EXCEPTION, "Topic name cannot be \".\" or \"..\"");
        }
        if (name.length() > MAX_LENGTH) {
            throw new ApiException(
                    Errors.INVALID_TOPIC_EXCEPTION,
                    "Topic name is illegal, it can't be longer than " + MAX_LENGTH + " characters, topic name: "
                            + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!legal) {
                throw new ApiException(
                        Errors.INVALID_TOPIC_EXCEPTION,
                        "Topic name \"" + name
                                + "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
            }
        }
    }

    /**
     * The name with '.' replaced by '_'. Kafka's metric names cannot tell '.' and '_' apart, so two topics
     * with the same normalized name may not coexist.
     */
    static String normalize(String name) {
        return name.replace('.', '_');
    }
}

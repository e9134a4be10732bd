package io.fjord.coordinator;

import io.fjord.common.Time;
import java.util.Random;
import java.util.UUID;

/**
 * What every handler of the coordinator shares: configuration, the clock, the seeded randomness that names
 * new members, and the broker's topic metadata. Immutable apart from {@link Random}, which is thread-safe.
 */
record CoordinatorContext(GroupCoordinatorConfig config, Time time, Random random, TopicMetadataView metadata) {

    /** A new member id, "prefix-" + a random UUID, as Kafka's coordinator names members. */
    String newMemberId(String prefix) {
        UUID uuid = new UUID(random.nextLong(), random.nextLong());
        return prefix + "-" + uuid;
    }

    long nowMs() {
        return time.milliseconds();
    }
}

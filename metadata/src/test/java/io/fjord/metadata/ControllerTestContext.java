package io.fjord.metadata;

import io.fjord.common.Uuid;
import io.fjord.testkit.MockTime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A controller on a real {@link LocalMetadataLog} in a temporary directory, with a {@link MetadataLoader}
 * playing the broker's side, MockTime and a seeded random. Closing it closes controller, then log.
 */
final class ControllerTestContext implements AutoCloseable {

    final MockTime time = new MockTime();
    final LocalMetadataLog log;
    final MetadataLoader loader = new MetadataLoader();
    final Controller controller;

    private ControllerTestContext(Path dir, ControllerConfig config, ConfigValidator validator, long seed)
            throws Exception {
        log = LocalMetadataLog.open(dir);
        log.register(loader);
        controller = Controller.start(config, log, validator, time, new Random(seed));
        get(controller.ready());
    }

    /** A context whose brokers 0..brokers-1 are registered (unless already in the log). */
    static ControllerTestContext open(Path dir, int brokers, ConfigValidator validator) throws Exception {
        return open(dir, brokers, ControllerConfig.DEFAULT, validator);
    }

    static ControllerTestContext open(Path dir, int brokers, ControllerConfig config, ConfigValidator validator)
            throws Exception {
        ControllerTestContext context = new ControllerTestContext(dir, config, validator, 42L);
        for (int id = 0; id < brokers; id++) {
            if (context.image().cluster().broker(id) == null) {
                context.registerBroker(id);
            }
        }
        return context;
    }

    long registerBroker(int id) throws Exception {
        return get(controller.registerBroker(
                id,
                new Uuid(100 + id, 100 + id),
                List.of(new Endpoint("PLAINTEXT", "localhost", 9092 + id, "PLAINTEXT")),
                null));
    }

    MetadataImage image() {
        return loader.image();
    }

    CreateTopicResult createTopic(CreatableTopic topic) throws Exception {
        return get(controller.createTopics(List.of(topic), false)).get(0);
    }

    CreateTopicResult createTopic(String name, int partitions, int replicationFactor) throws Exception {
        return createTopic(CreatableTopic.of(name, partitions, replicationFactor));
    }

    CreateTopicResult createTopicWithConfigs(String name, Map<String, String> configs) throws Exception {
        return createTopic(new CreatableTopic(name, -1, -1, Map.of(), configs));
    }

    static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        controller.close();
        log.close();
    }
}

package io.fjord.cli;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The official client's Admin, Producer and Consumer for one command, configured so that an unreachable
 * cluster fails within {@link #TIMEOUT_MS} instead of hanging, and the translation of client failures into one
 * line a user can act on. The Admin is created on first use and closed with this object. Used by the
 * command's thread only.
 */
final class Clients implements AutoCloseable {
    /** How long any one cluster call may take before the command gives up. */
    static final int TIMEOUT_MS = 5_000;

    private final String bootstrap;
    private final Properties userSettings;
    private Admin admin;

    Clients(String bootstrap) {
        this(bootstrap, new Properties());
    }

    /** @param userSettings client properties that win over Fjord's defaults (a SASL login, say) */
    Clients(String bootstrap, Properties userSettings) {
        this.bootstrap = bootstrap;
        this.userSettings = userSettings;
    }

    String bootstrap() {
        return bootstrap;
    }

    Admin admin() {
        if (admin == null) {
            Properties p = common();
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "fjord-cli-admin");
            withUserSettings(p);
            admin = create(() -> Admin.create(p));
        }
        return admin;
    }

    /** A producer of raw bytes; {@code overrides} (acks, compression, ...) win over the defaults. */
    KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Properties p = common();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fjord-cli-producer");
        withUserSettings(p);
        p.putAll(overrides);
        return create(() -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** A consumer of raw bytes that never auto-creates topics; {@code overrides} win. */
    KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Properties p = common();
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fjord-cli-consumer");
        withUserSettings(p);
        p.putAll(overrides);
        return create(() -> new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    private Properties common() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1_000L);
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2_000L);
        p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500L);
        return p;
    }

    /** The user's client settings (--command-config, -X) over Fjord's defaults; the bootstrap stays the command's. */
    private void withUserSettings(Properties p) {
        p.putAll(userSettings);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }

    private <T> T create(java.util.function.Supplier<T> factory) {
        try {
            return factory.get();
        } catch (KafkaException e) {
            throw failure(e);
        }
    }

    /** Waits for an Admin result; a failure becomes a one-line {@link CliException}. */
    <T> T await(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** The description of one topic, or "unknown topic". */
    TopicDescription describeTopic(String topic) {
        return describeTopics(List.of(topic)).get(topic);
    }

    Map<String, TopicDescription> describeTopics(Collection<String> topics) {
        try {
            return admin().describeTopics(topics).allTopicNames().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new CliException("unknown topic " + String.join(", ", topics));
            }
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** One line for a client failure, naming the brokers when they did not answer. */
    CliException failure(Throwable e) {
        return translate(e, bootstrap);
    }

    static CliException translate(Throwable e, String bootstrap) {
        if (e instanceof CliException c) {
            return c;
        }
        if (causedBy(e, TimeoutException.class)) {
            return new CliException("no answer from " + bootstrap + " within " + TIMEOUT_MS / 1000
                    + " s (is a broker running there? set -b or " + ClientOptions.BROKERS_VARIABLE + ")");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConfigException) {
            return CliException.usage("bad client setting: " + root.getMessage());
        }
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e instanceof KafkaException && root != e && root.getMessage() != null) {
            message = message + ": " + root.getMessage();
        }
        return new CliException(message.replace('\n', ' '));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (int depth = 0; e != null && depth < 10; e = e.getCause(), depth++) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }
}

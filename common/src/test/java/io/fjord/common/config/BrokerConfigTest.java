package io.fjord.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void anEmptyConfigGivesASingleNodeBrokerOnLocalhost() {
        BrokerConfig c = BrokerConfig.parse(Map.of());
        assertThat(c.nodeId()).isEqualTo(1);
        assertThat(c.processRoles()).containsExactlyInAnyOrder("broker", "controller");
        assertThat(c.listeners()).containsExactly(new Endpoint("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(c.advertisedListeners()).isEqualTo(c.listeners());
        assertThat(c.logDirs()).containsExactly(Path.of("./data"));
        assertThat(c.numPartitions()).isEqualTo(1);
        assertThat(c.defaultReplicationFactor()).isEqualTo(1);
        assertThat(c.minInsyncReplicas()).isEqualTo(1);
        assertThat(c.autoCreateTopicsEnable()).isTrue();
        assertThat(c.deleteTopicEnable()).isTrue();
        assertThat(c.logRetentionMs()).isEqualTo(168L * 3_600_000);
        assertThat(c.logRetentionBytes()).isEqualTo(-1);
        assertThat(c.logSegmentBytes()).isEqualTo(1 << 30);
        assertThat(c.logRollMs()).isEqualTo(168L * 3_600_000);
        assertThat(c.logRetentionCheckIntervalMs()).isEqualTo(300_000);
        assertThat(c.logFlushIntervalMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.logFlushIntervalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.logIndexIntervalBytes()).isEqualTo(4096);
        assertThat(c.logIndexSizeMaxBytes()).isEqualTo(10 * 1024 * 1024);
        assertThat(c.messageMaxBytes()).isEqualTo(1_048_588);
        assertThat(c.socketRequestMaxBytes()).isEqualTo(104_857_600);
        assertThat(c.socketSendBufferBytes()).isEqualTo(102_400);
        assertThat(c.socketReceiveBufferBytes()).isEqualTo(102_400);
        assertThat(c.queuedMaxRequests()).isEqualTo(500);
        assertThat(c.numNetworkThreads()).isEqualTo(3);
        assertThat(c.numIoThreads()).isEqualTo(8);
        assertThat(c.numRecoveryThreadsPerDataDir()).isEqualTo(2);
        assertThat(c.offsetsTopicNumPartitions()).isEqualTo(50);
        assertThat(c.offsetsTopicReplicationFactor()).isEqualTo((short) 3);
        assertThat(c.transactionStateLogReplicationFactor()).isEqualTo((short) 3);
        assertThat(c.replicaLagTimeMaxMs()).isEqualTo(30_000);
        assertThat(c.uncleanLeaderElectionEnable()).isFalse();
        assertThat(c.compressionType()).isEqualTo("producer");
        assertThat(c.logCleanupPolicy()).containsExactly("delete");
        assertThat(c.logMessageTimestampType()).isEqualTo("CreateTime");
        assertThat(c.groupMinSessionTimeoutMs()).isEqualTo(6000);
        assertThat(c.groupMaxSessionTimeoutMs()).isEqualTo(1_800_000);
        assertThat(c.groupInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(c.brokerRack()).isEmpty();
        assertThat(c.originals()).isEmpty();
    }

    @Test
    void retentionFollowsKafkasPrecedenceMsThenMinutesThenHours() {
        assertThat(BrokerConfig.parse(Map.of("log.retention.hours", "2")).logRetentionMs())
                .isEqualTo(7_200_000);
        assertThat(BrokerConfig.parse(Map.of("log.retention.hours", "2", "log.retention.minutes", "3"))
                        .logRetentionMs())
                .isEqualTo(180_000);
        assertThat(BrokerConfig.parse(Map.of(
                                "log.retention.hours", "2", "log.retention.minutes", "3", "log.retention.ms", "5"))
                        .logRetentionMs())
                .isEqualTo(5);
        assertThat(BrokerConfig.parse(Map.of("log.retention.ms", "-7")).logRetentionMs())
                .isEqualTo(-1);
    }

    @Test
    void rollAndFlushFallBackToTheirSecondaryKeys() {
        assertThat(BrokerConfig.parse(Map.of("log.roll.hours", "1")).logRollMs())
                .isEqualTo(3_600_000);
        assertThat(BrokerConfig.parse(Map.of("log.roll.hours", "1", "log.roll.ms", "10"))
                        .logRollMs())
                .isEqualTo(10);
        assertThat(BrokerConfig.parse(Map.of("log.flush.scheduler.interval.ms", "99"))
                        .logFlushIntervalMs())
                .isEqualTo(99);
        assertThat(BrokerConfig.parse(Map.of("log.flush.scheduler.interval.ms", "99", "log.flush.interval.ms", "7"))
                        .logFlushIntervalMs())
                .isEqualTo(7);
    }

    @Test
    void theReplicationQuotaWindowsAreStaticKeysWhileTheThrottleRatesAreDynamicOnly() {
        BrokerConfig c = BrokerConfig.parse(
                Map.of("replication.quota.window.num", "4", "replication.quota.window.size.seconds", "2"));
        assertThat(c.replicationQuotaWindowNum()).isEqualTo(4);
        assertThat(c.replicationQuotaWindowSizeSeconds()).isEqualTo(2);
        assertThat(BrokerConfig.parse(Map.of()).replicationQuotaWindowNum()).isEqualTo(11);
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("replication.quota.window.num", "0")))
                .isInstanceOf(ConfigException.class);

        assertThat(ReplicationQuotaConfigs.effectiveRate(
                        "leader.replication.throttled.rate",
                        Map.of(),
                        Map.of("leader.replication.throttled.rate", "9")))
                .isEqualTo(9);
        assertThat(ReplicationQuotaConfigs.effectiveRate("follower.replication.throttled.rate", Map.of(), Map.of()))
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void logDirsWinsOverLogDir() {
        assertThat(BrokerConfig.parse(Map.of("log.dir", "/a")).logDirs()).containsExactly(Path.of("/a"));
        assertThat(BrokerConfig.parse(Map.of("log.dir", "/a", "log.dirs", "/b, /c"))
                        .logDirs())
                .containsExactly(Path.of("/b"), Path.of("/c"));
        assertThat(BrokerConfig.parse(Map.of("log.dirs", "/b")).metadataLogDir())
                .isEqualTo(Path.of("/b"));
    }

    @Test
    void brokerIdIsAnOldNameOfNodeId() {
        assertThat(BrokerConfig.parse(Map.of("broker.id", "4")).nodeId()).isEqualTo(4);
        assertThat(BrokerConfig.parse(Map.of("broker.id", "4", "node.id", "4")).nodeId())
                .isEqualTo(4);
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("broker.id", "4", "node.id", "5")))
                .hasMessageContaining("broker.id");
    }

    @Test
    void aPastedKafkaServerPropertiesIsAccepted() {
        Map<String, String> kafka = new HashMap<>();
        kafka.put("process.roles", "broker,controller");
        kafka.put("node.id", "1");
        kafka.put("controller.quorum.bootstrap.servers", "localhost:9093");
        kafka.put("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093");
        kafka.put("inter.broker.listener.name", "PLAINTEXT");
        kafka.put("advertised.listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093");
        kafka.put("controller.listener.names", "CONTROLLER");
        kafka.put(
                "listener.security.protocol.map",
                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
        kafka.put("num.network.threads", "3");
        kafka.put("num.io.threads", "8");
        kafka.put("socket.send.buffer.bytes", "102400");
        kafka.put("socket.receive.buffer.bytes", "102400");
        kafka.put("socket.request.max.bytes", "104857600");
        kafka.put("log.dirs", "/tmp/kraft-combined-logs");
        kafka.put("num.partitions", "1");
        kafka.put("num.recovery.threads.per.data.dir", "1");
        kafka.put("offsets.topic.replication.factor", "1");
        kafka.put("share.coordinator.state.topic.replication.factor", "1");
        kafka.put("share.coordinator.state.topic.min.isr", "1");
        kafka.put("transaction.state.log.replication.factor", "1");
        kafka.put("transaction.state.log.min.isr", "1");
        kafka.put("log.retention.hours", "168");
        kafka.put("log.segment.bytes", "1073741824");
        kafka.put("log.retention.check.interval.ms", "300000");
        kafka.put("listener.name.plaintext.ssl.keystore.location", "/x");
        kafka.put("ssl.keystore.password", "s3cret");
        BrokerConfig c = BrokerConfig.parse(kafka);
        assertThat(c.advertisedListeners())
                .containsExactly(
                        new Endpoint("PLAINTEXT", "localhost", 9092), new Endpoint("CONTROLLER", "localhost", 9093));
        assertThat(c.listeners().get(0).isWildcard()).isTrue();
        assertThat(c.controllerListenerNames()).containsExactly("CONTROLLER");
        assertThat(c.offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(c.originals()).containsEntry("share.coordinator.state.topic.min.isr", "1");
    }

    @Test
    void anUnknownKeyIsRefusedWithOneLineNamingIt() {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("log.retention.hourz", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown configuration log.retention.hourz: not a Kafka broker configuration "
                        + "(did you mean log.retention.hours?)")
                .extracting(e -> ((ConfigException) e).name())
                .isEqualTo("log.retention.hourz");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("fjord.magic", "1")))
                .hasMessage("Unknown configuration fjord.magic: not a Kafka broker configuration");
        assertThat(BrokerConfig.isKafkaBrokerKey("listener.name.")).isFalse();
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("num.partitions", "abc")))
                .hasMessage("Invalid value abc for configuration num.partitions: Not a number of type INT");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("num.partitions", "0")))
                .hasMessage("Invalid value 0 for configuration num.partitions: Value must be at least 1");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("auto.create.topics.enable", "yes")))
                .hasMessageStartingWith("Invalid value yes for configuration auto.create.topics.enable");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("log.segment.bytes", "1024")))
                .hasMessage("Invalid value 1024 for configuration log.segment.bytes: Value must be at least 1048576");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("log.cleanup.policy", "keep")))
                .hasMessageStartingWith("Invalid value keep for configuration log.cleanup.policy");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("compression.type", "brotli")))
                .hasMessageStartingWith("Invalid value brotli for configuration compression.type");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("process.roles", "worker")))
                .hasMessage(
                        "Invalid value worker for configuration process.roles: String must be one of: broker, controller");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("compression.zstd.level", "99")))
                .hasMessageStartingWith("Invalid value 99 for configuration compression.zstd.level");
    }

    @Test
    void listenersAreParsedAndChecked() {
        BrokerConfig c = BrokerConfig.parse(Map.of(
                "listeners",
                "plaintext://[::1]:0,external://host:9093",
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"));
        assertThat(c.listeners())
                .containsExactly(new Endpoint("PLAINTEXT", "::1", 0), new Endpoint("EXTERNAL", "host", 9093));
        assertThat(c.listeners().get(0).hostPort()).isEqualTo("[::1]:0");
        assertThat(c.securityProtocol("external")).isEqualTo("PLAINTEXT");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://h:99999")))
                .hasMessageStartingWith("Invalid value PLAINTEXT://h:99999 for configuration listeners");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("listeners", "h:9092")))
                .hasMessageStartingWith("Invalid value h:9092 for configuration listeners");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://a:1,PLAINTEXT://b:2")))
                .hasMessageContaining("PLAINTEXT is repeated");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("listeners", "EXTERNAL://a:1")))
                .hasMessageContaining("listener.security.protocol.map");
    }

    @Test
    void acceptsKafkasStandardAuthorizerOnly() {
        BrokerConfig acls = BrokerConfig.parse(Map.of(
                "listeners",
                "PLAINTEXT://a:1",
                "authorizer.class.name",
                " org.apache.kafka.metadata.authorizer.StandardAuthorizer ",
                "super.users",
                "User:admin; User:CN=broker,O=example ;;",
                "allow.everyone.if.no.acl.found",
                "true"));
        assertThat(acls.authorizerEnabled()).isTrue();
        assertThat(acls.superUsers()).containsExactly("User:admin", "User:CN=broker,O=example");
        assertThat(acls.allowEveryoneIfNoAclFound()).isTrue();

        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(
                        "listeners",
                        "PLAINTEXT://a:1",
                        "authorizer.class.name",
                        "kafka.security.authorizer.AclAuthorizer")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value kafka.security.authorizer.AclAuthorizer for configuration"
                        + " authorizer.class.name: Fjord's authorizer is Kafka's"
                        + " org.apache.kafka.metadata.authorizer.StandardAuthorizer (ACLs kept in the metadata log);"
                        + " other authorizer classes cannot be loaded");
        String standard = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(
                        "listeners", "PLAINTEXT://a:1", "authorizer.class.name", standard, "super.users", "admin")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected principals of the form Type:name separated by ';', got `admin`");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(
                        "listeners",
                        "PLAINTEXT://a:1",
                        "authorizer.class.name",
                        standard,
                        "principal.builder.class",
                        "com.example.Builder")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("other builder classes cannot be loaded");
        // Without an authorizer nothing reads them, and nothing refuses them, as in Kafka.
        assertThat(BrokerConfig.parse(Map.of(
                                "listeners", "PLAINTEXT://a:1", "super.users", "admin", "principal.builder.class", "x"))
                        .authorizerEnabled())
                .isFalse();
        // Kafka's default is the empty string: no authorizer, the same as leaving the key out.
        BrokerConfig none = BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://a:1", "authorizer.class.name", " "));
        assertThat(none.authorizerEnabled()).isFalse();
        assertThat(none.superUsers()).isEmpty();
        assertThat(none.allowEveryoneIfNoAclFound()).isFalse();
    }

    @Test
    void brokerListenersUseAnyProtocolAndControllerListenersPlaintext() {
        BrokerConfig tls = BrokerConfig.parse(Map.of(
                "listeners", "PLAINTEXT://a:1,SSL://a:2,SASL_SSL://a:3", "security.inter.broker.protocol", "SSL"));
        assertThat(tls.securityProtocol("ssl")).isEqualTo("SSL");
        assertThat(tls.securityProtocol("SASL_SSL")).isEqualTo("SASL_SSL");
        assertThat(tls.interBrokerListenerName()).isEqualTo("SSL");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(
                        "process.roles", "broker,controller",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", "1@a:9",
                        "listeners", "PLAINTEXT://a:1,CONTROLLER://a:9",
                        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value CONTROLLER://a:9 for configuration listeners: Listener CONTROLLER uses"
                        + " security protocol SSL, which Fjord does not support on a controller listener: controller"
                        + " listeners must be PLAINTEXT");
        BrokerConfig sasl = BrokerConfig.parse(Map.of(
                "listeners", "CLIENT://a:1,SASL_PLAINTEXT://a:2",
                "listener.security.protocol.map", "CLIENT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN, SCRAM-SHA-256",
                "listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512"));
        assertThat(sasl.securityProtocol("SASL_PLAINTEXT")).isEqualTo("SASL_PLAINTEXT");
        assertThat(sasl.interBrokerListenerName()).isEqualTo("CLIENT");
        assertThat(sasl.saslEnabledMechanisms("SASL_PLAINTEXT")).containsExactly("PLAIN", "SCRAM-SHA-256");
        assertThat(sasl.saslEnabledMechanisms("CLIENT")).containsExactly("SCRAM-SHA-512");
        assertThat(BrokerConfig.parse(Map.of()).saslEnabledMechanisms("PLAINTEXT"))
                .containsExactly("GSSAPI");
        assertThat(BrokerConfig.parse(Map.of("listeners", "SASL_PLAINTEXT://a:2"))
                        .interBrokerListenerName())
                .isEqualTo("SASL_PLAINTEXT");
    }

    @Test
    void theInterBrokerListenerFollowsKafkasRule() {
        String map = "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT";
        assertThat(BrokerConfig.parse(Map.of(
                                "listeners", "EXTERNAL://a:1,PLAINTEXT://a:2", "listener.security.protocol.map", map))
                        .interBrokerListenerName())
                .as("the listener named after security.inter.broker.protocol (PLAINTEXT)")
                .isEqualTo("PLAINTEXT");
        assertThat(BrokerConfig.parse(Map.of(
                                "listeners", "EXTERNAL://a:1,INTERNAL://a:2",
                                "listener.security.protocol.map", map,
                                "inter.broker.listener.name", "internal"))
                        .interBrokerListenerName())
                .isEqualTo("INTERNAL");
        assertThat(BrokerConfig.parse(Map.of("listeners", "EXTERNAL://a:1", "listener.security.protocol.map", map))
                        .interBrokerListenerName())
                .as("neither key set and no PLAINTEXT listener: the first broker listener")
                .isEqualTo("EXTERNAL");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(
                        "listeners", "EXTERNAL://a:1",
                        "listener.security.protocol.map", map,
                        "inter.broker.listener.name", "INTERNAL")))
                .hasMessage("Invalid value INTERNAL for configuration inter.broker.listener.name:"
                        + " inter.broker.listener.name must be a listener name defined in advertised.listeners."
                        + " The valid options based on currently configured listeners are EXTERNAL");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(
                        "inter.broker.listener.name", "PLAINTEXT", "security.inter.broker.protocol", "PLAINTEXT")))
                .hasMessageContaining("Only one of inter.broker.listener.name and security.inter.broker.protocol");
    }

    @Test
    void aWildcardListenerNeedsAnAdvertisedAddress() {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value PLAINTEXT://0.0.0.0:9092 for configuration listeners")
                .hasMessageContaining("advertised.listeners");
        BrokerConfig c = BrokerConfig.parse(Map.of(
                "listeners", "PLAINTEXT://0.0.0.0:9092", "advertised.listeners", "PLAINTEXT://example.com:9092"));
        assertThat(c.advertisedListeners()).containsExactly(new Endpoint("PLAINTEXT", "example.com", 9092));
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("advertised.listeners", "PLAINTEXT://0.0.0.0:9092")))
                .hasMessageStartingWith(
                        "Invalid value PLAINTEXT://0.0.0.0:9092 for configuration advertised.listeners");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("advertised.listeners", "SSL://a:1")))
                .hasMessageContaining("not one of listeners");
    }

    @Test
    void controllerQuorumVotersAreParsed() {
        BrokerConfig c = BrokerConfig.parse(Map.of("controller.quorum.voters", "1@localhost:9093,2@[::1]:9094"));
        assertThat(c.controllerQuorumVoters())
                .containsExactly(new QuorumVoter(1, "localhost", 9093), new QuorumVoter(2, "::1", 9094));
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("controller.quorum.voters", "localhost:9093")))
                .hasMessageStartingWith("Invalid value localhost:9093 for configuration controller.quorum.voters");
    }

    @Test
    void describeListsEveryTypedKeyWithItsSource() {
        BrokerConfig c = BrokerConfig.parse(Map.of(
                "num.partitions", "3", "ssl.keystore.password", "s3cret", "auto.leader.rebalance.enable", "false"));
        List<ConfigEntry> entries = c.describe();
        assertThat(entries).extracting(ConfigEntry::name).isSorted();
        ConfigEntry partitions = find(entries, "num.partitions");
        assertThat(partitions.value()).isEqualTo("3");
        assertThat(partitions.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(partitions.isDefault()).isFalse();
        assertThat(partitions.readOnly()).isTrue();
        ConfigEntry retention = find(entries, "log.retention.hours");
        assertThat(retention.value()).isEqualTo("168");
        assertThat(retention.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(retention.isDefault()).isTrue();
        assertThat(retention.readOnly()).isFalse();
        ConfigEntry password = find(entries, "ssl.keystore.password");
        assertThat(password.isSensitive()).isTrue();
        assertThat(password.value()).isNull();
        assertThat(find(entries, "auto.leader.rebalance.enable").value()).isEqualTo("false");
        assertThat(find(entries, "log.retention.ms").value()).isNull();
    }

    @Test
    void describeListsTheSettingThenTheDefaultAsSynonymsAsKafkaDoes() {
        BrokerConfig c = BrokerConfig.parse(Map.of("num.partitions", "3", "ssl.keystore.password", "s3cret"));
        List<ConfigEntry> entries = c.describe();
        assertThat(find(entries, "num.partitions").synonyms())
                .containsExactly(
                        new ConfigEntry.Synonym("num.partitions", "3", ConfigSource.STATIC_BROKER_CONFIG),
                        new ConfigEntry.Synonym("num.partitions", "1", ConfigSource.DEFAULT_CONFIG));
        assertThat(find(entries, "log.retention.hours").synonyms())
                .containsExactly(new ConfigEntry.Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));
        // A default that is unset is no synonym: Kafka leaves null defaults out of the chain.
        assertThat(find(entries, "log.retention.ms").synonyms()).isEmpty();
        assertThat(find(entries, "log.retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(find(entries, "ssl.keystore.password").synonyms())
                .extracting(ConfigEntry.Synonym::value)
                .containsOnlyNulls();
    }

    @Test
    void staticBrokerValuesFeedTopicDefaults() {
        BrokerConfig c = BrokerConfig.parse(Map.of("log.retention.hours", "1"));
        ConfigEntry e = TopicConfigs.resolve("retention.ms", Map.of(), Map.of(), c.originals());
        assertThat(e.value()).isEqualTo("3600000");
        assertThat(e.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(c.topicDefaults())
                .containsEntry("retention.ms", 3_600_000L)
                .containsEntry("segment.ms", 604_800_000L)
                .containsEntry("max.message.bytes", 1_048_588);
    }

    private static ConfigEntry find(List<ConfigEntry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }
}

package io.fjord.bench.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Apache Kafka 4.4 from Maven Central, single-node KRaft (broker and controller in one process, node.id=1, a static
 * one-voter quorum), with the JVM options of Kafka's own start script (kafka-server-start.sh: -Xmx1G -Xms1G, G1).
 * Its classpath is bench/dist/kafka/target/lib, resolved by that pom; nothing of it is on the harness's classpath.
 *
 * <p>Used from the harness's main thread only.
 */
public final class KafkaSystem implements BrokerSystem {

    /** kafka-server-start.sh's KAFKA_HEAP_OPTS and kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS. */
    static final List<String> STOCK_JVM_OPTIONS = List.of(
            "-Xmx1G",
            "-Xms1G",
            "-server",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15",
            "-Djava.awt.headless=true");

    private final Path libDir;
    private final Random random;

    /** {@code random} makes the cluster ids; seed it for repeatable runs. */
    public KafkaSystem(Path libDir, Random random) {
        this.libDir = libDir;
        this.random = random;
    }

    @Override
    public String id() {
        return "kafka";
    }

    @Override
    public String displayName() {
        return "Kafka 4.4.0";
    }

    @Override
    public String unavailableReason() {
        return Files.isRegularFile(libDir.resolve("kafka_2.13-4.4.0.jar"))
                ? null
                : "no kafka_2.13-4.4.0.jar in " + libDir + " (bench/run resolves it)";
    }

    @Override
    public List<String> prepare(Path runDir, int port, Path logDir) throws IOException, InterruptedException {
        int controllerPort = freePort();
        String voters = "1@127.0.0.1:" + controllerPort;
        return prepareNode(
                runDir, runDir.getFileName().toString(), 1, voters, port, controllerPort, 1, clusterId(), logDir);
    }

    /** Three combined KRaft nodes (broker and controller each), one static quorum, formatted with one cluster id. */
    @Override
    public List<List<String>> prepareCluster(Path runDir, int[] ports, int[] controllerPorts, Path logDir)
            throws IOException, InterruptedException {
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        String clusterId = clusterId();
        List<List<String>> commands = new java.util.ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            Path nodeDir = runDir.resolve("node-" + (i + 1));
            String name = runDir.getFileName() + "-node" + (i + 1);
            commands.add(prepareNode(
                    nodeDir, name, i + 1, voters.toString(), ports[i], controllerPorts[i], 3, clusterId, logDir));
        }
        return commands;
    }

    private List<String> prepareNode(
            Path nodeDir,
            String name,
            int nodeId,
            String voters,
            int port,
            int controllerPort,
            int replicationFactor,
            String clusterId,
            Path logDir)
            throws IOException, InterruptedException {
        Path dataDir = nodeDir.resolve("data");
        Files.createDirectories(dataDir);
        Path serverProperties = nodeDir.resolve("server.properties");
        Files.writeString(
                serverProperties, serverProperties(nodeId, voters, port, controllerPort, dataDir, replicationFactor));
        Path log4j = nodeDir.resolve("log4j2.properties");
        Path serverLog = logDir.toAbsolutePath().resolve(name + "-server.log");
        Files.writeString(log4j, log4jProperties(serverLog));
        String classpath = libDir.toAbsolutePath() + "/*";
        List<String> jvm = List.of("-Xmx512m", "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        List<String> format = ChildJvm.command(
                jvm,
                classpath,
                "kafka.tools.StorageTool",
                List.of("format", "-t", clusterId, "-c", serverProperties.toString()));
        ChildJvm.Outcome formatted =
                ChildJvm.run(format, nodeDir, logDir.resolve("kafka-format.log"), Duration.ofMinutes(2));
        if (formatted.exitCode() != 0) {
            throw new IOException("kafka storage format failed (exit " + formatted.exitCode() + "): "
                    + formatted.output().strip());
        }
        List<String> options = new java.util.ArrayList<>(STOCK_JVM_OPTIONS);
        options.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        options.add("-Dkafka.logs.dir=" + logDir.toAbsolutePath());
        return ChildJvm.command(options, classpath, "kafka.Kafka", List.of(serverProperties.toString()));
    }

    /**
     * Kafka's stock config/server.properties for KRaft combined mode, on loopback ports; internal topics get
     * {@code replicationFactor} replicas (min.insync.replicas 1 on one node, 2 on a cluster).
     */
    static String serverProperties(
            int nodeId, String voters, int port, int controllerPort, Path dataDir, int replicationFactor) {
        String minIsr = Integer.toString(Math.min(2, replicationFactor));
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=" + nodeId,
                "controller.quorum.voters=" + voters,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "num.network.threads=3",
                "num.io.threads=8",
                "socket.send.buffer.bytes=102400",
                "socket.receive.buffer.bytes=102400",
                "socket.request.max.bytes=104857600",
                "log.dirs=" + dataDir.toAbsolutePath(),
                "num.partitions=1",
                "num.recovery.threads.per.data.dir=1",
                "offsets.topic.replication.factor=" + replicationFactor,
                "share.coordinator.state.topic.replication.factor=" + replicationFactor,
                "share.coordinator.state.topic.min.isr=" + minIsr,
                "transaction.state.log.replication.factor=" + replicationFactor,
                "transaction.state.log.min.isr=" + minIsr,
                "log.retention.hours=168",
                "log.segment.bytes=1073741824",
                "log.retention.check.interval.ms=300000",
                "");
    }

    /** INFO to a file, like Kafka's stock log4j2.yaml (server.log), so logging costs what it costs in production. */
    static String log4jProperties(Path serverLog) {
        return String.join(
                "\n",
                "status = warn",
                "appender.server.type = File",
                "appender.server.name = server",
                "appender.server.fileName = " + serverLog,
                "appender.server.layout.type = PatternLayout",
                "appender.server.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.server.ref = server",
                "");
    }

    private String clusterId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

package io.fjord.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fjord topic ...}: create, list, describe, delete, alter-config, add-partitions and trim topics through
 * the official Admin client. Each subcommand runs once on the main thread.
 */
@Command(
        name = "topic",
        mixinStandardHelpOptions = true,
        description = "Create, list, describe, change and delete topics.",
        subcommands = {
            TopicCommand.Create.class,
            TopicCommand.ListTopics.class,
            TopicCommand.Describe.class,
            TopicCommand.Delete.class,
            TopicCommand.AlterConfig.class,
            TopicCommand.AddPartitions.class,
            TopicCommand.Trim.class
        })
final class TopicCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** KEY=VALUE into a map, in the given order; a missing '=' is a usage error naming the option. */
    static Map<String, String> keyValues(List<String> pairs, String option) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage(option + " expects KEY=VALUE, got: " + pair);
            }
            map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return map;
    }

    static String nodeIds(Collection<Node> nodes) {
        return nodes.isEmpty()
                ? "-"
                : nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(","));
    }

    static String leader(TopicPartitionInfo p) {
        return p.leader() == null || p.leader().isEmpty()
                ? "none"
                : Integer.toString(p.leader().id());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Topic name.")
        String name;

        @Option(
                names = {"-p", "--partitions"},
                paramLabel = "N",
                description = "Number of partitions (default: the broker's num.partitions).")
        Integer partitions;

        @Option(
                names = {"-r", "--replicas"},
                paramLabel = "N",
                description = "Replication factor (default: the broker's default.replication.factor).")
        Short replicas;

        @Option(
                names = {"-c", "--config"},
                paramLabel = "KEY=VALUE",
                description = "A topic config, e.g. retention.ms=60000; repeatable.")
        List<String> configs = new ArrayList<>();

        @Override
        public Integer call() {
            NewTopic topic = new NewTopic(name, Optional.ofNullable(partitions), Optional.ofNullable(replicas))
                    .configs(keyValues(configs, "--config"));
            try (Clients clients = client.clients()) {
                clients.await(clients.admin().createTopics(List.of(topic)).all());
                TopicDescription d = clients.describeTopic(name);
                PrintWriter out = spec.commandLine().getOut();
                out.println("created topic " + name + " (" + d.partitions().size() + " partitions, replication factor "
                        + d.partitions().get(0).replicas().size() + ")");
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topics with partition counts.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Option(
                names = {"-i", "--internal"},
                description = "Include internal topics (__consumer_offsets, ...).")
        boolean internal;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                Collection<String> names = clients.await(clients.admin()
                        .listTopics(new ListTopicsOptions().listInternal(internal))
                        .names());
                Map<String, TopicDescription> topics = names.isEmpty() ? Map.of() : clients.describeTopics(names);
                Table table = new Table("NAME", "PARTITIONS", "REPLICAS");
                for (String name : new TreeSet<>(names)) {
                    TopicDescription d = topics.get(name);
                    int replicas = d.partitions().isEmpty()
                            ? 0
                            : d.partitions().get(0).replicas().size();
                    table.row(name, d.partitions().size(), replicas);
                }
                table.print(spec.commandLine().getOut());
            }
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Show a topic's partitions (leader, replicas, ISR, earliest and latest offsets) and configs.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Topic name.")
        String name;

        @Option(
                names = {"-a", "--all-configs"},
                description = "Show every config, not only those set on the topic.")
        boolean allConfigs;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                TopicDescription d = clients.describeTopic(name);
                Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (TopicPartitionInfo p : d.partitions()) {
                    earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
                    latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
                }
                var low = clients.await(clients.admin().listOffsets(earliest).all());
                var high = clients.await(clients.admin().listOffsets(latest).all());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                Config config = clients.await(clients.admin()
                                .describeConfigs(List.of(resource))
                                .all())
                        .get(resource);
                print(d, low, high, config);
            }
            return 0;
        }

        private void print(
                TopicDescription d,
                Map<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo> low,
                Map<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo> high,
                Config config) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("NAME        " + d.name());
            out.println("ID          " + d.topicId());
            out.println("PARTITIONS  " + d.partitions().size());
            out.println("INTERNAL    " + d.isInternal());
            out.println();
            Table partitions = new Table("PARTITION", "LEADER", "REPLICAS", "ISR", "EARLIEST", "LATEST");
            for (TopicPartitionInfo p : d.partitions()) {
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                partitions.row(
                        p.partition(),
                        leader(p),
                        nodeIds(p.replicas()),
                        nodeIds(p.isr()),
                        low.get(tp).offset(),
                        high.get(tp).offset());
            }
            partitions.print(out);
            out.println();
            Table configs = new Table("CONFIG", "VALUE", "SOURCE");
            config.entries().stream()
                    .filter(e -> allConfigs || e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                    .sorted(java.util.Comparator.comparing(ConfigEntry::name))
                    .forEach(e -> configs.row(e.name(), e.isSensitive() ? "(sensitive)" : e.value(), source(e)));
            if (configs.size() == 0) {
                out.println("(no configs set on the topic; --all-configs shows the defaults)");
            } else {
                configs.print(out);
            }
            out.flush();
        }

        private static String source(ConfigEntry e) {
            return switch (e.source()) {
                case DYNAMIC_TOPIC_CONFIG -> "topic";
                case DEFAULT_CONFIG -> "default";
                case STATIC_BROKER_CONFIG -> "broker";
                case DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG -> "broker (dynamic)";
                default -> e.source().name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Topic names.")
        List<String> names;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                clients.describeTopics(names); // "unknown topic" before anything is deleted
                clients.await(clients.admin().deleteTopics(names).all());
                PrintWriter out = spec.commandLine().getOut();
                names.forEach(n -> out.println("deleted topic " + n));
                out.flush();
            }
            return 0;
        }
    }

    @Command(
            name = "alter-config",
            mixinStandardHelpOptions = true,
            description = "Set or delete topic configs (a deleted config falls back to the broker default).")
    static final class AlterConfig implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Topic name.")
        String name;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a config; repeatable.")
        List<String> set = new ArrayList<>();

        @Option(names = "--delete", paramLabel = "KEY", description = "Delete a config; repeatable.")
        List<String> delete = new ArrayList<>();

        @Override
        public Integer call() {
            if (set.isEmpty() && delete.isEmpty()) {
                throw CliException.usage("nothing to change: give --set KEY=VALUE or --delete KEY");
            }
            List<AlterConfigOp> ops = new ArrayList<>();
            keyValues(set, "--set")
                    .forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
            delete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            try (Clients clients = client.clients()) {
                clients.describeTopic(name);
                clients.await(clients.admin()
                        .incrementalAlterConfigs(Map.of(resource, ops))
                        .all());
            }
            PrintWriter out = spec.commandLine().getOut();
            for (AlterConfigOp op : ops) {
                out.println(
                        op.opType() == AlterConfigOp.OpType.SET
                                ? "set " + op.configEntry().name() + "="
                                        + op.configEntry().value()
                                : "deleted " + op.configEntry().name());
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "add-partitions",
            mixinStandardHelpOptions = true,
            description = "Add partitions to a topic (keys may map to other partitions afterwards).")
    static final class AddPartitions implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Topic name.")
        String name;

        @Option(
                names = {"-n", "--num"},
                required = true,
                paramLabel = "N",
                description = "How many partitions to add.")
        int add;

        @Override
        public Integer call() {
            if (add <= 0) {
                throw CliException.usage("-n must be at least 1, got " + add);
            }
            try (Clients clients = client.clients()) {
                int before = clients.describeTopic(name).partitions().size();
                clients.await(clients.admin()
                        .createPartitions(Map.of(name, NewPartitions.increaseTo(before + add)))
                        .all());
                PrintWriter out = spec.commandLine().getOut();
                out.println("topic " + name + ": " + before + " -> " + (before + add) + " partitions");
                out.flush();
            }
            return 0;
        }
    }

    @Command(
            name = "trim",
            mixinStandardHelpOptions = true,
            description = "Delete a partition's records before an offset (moves its earliest offset).")
    static final class Trim implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Topic name.")
        String name;

        @Option(names = "--partition", required = true, paramLabel = "P", description = "Partition.")
        int partition;

        @Option(
                names = "--offset",
                required = true,
                paramLabel = "O",
                description = "First offset to keep; -1 means the latest offset (delete everything).")
        long offset;

        @Override
        public Integer call() {
            TopicPartition tp = new TopicPartition(name, partition);
            try (Clients clients = client.clients()) {
                int partitions = clients.describeTopic(name).partitions().size();
                if (partition < 0 || partition >= partitions) {
                    throw new CliException(
                            "topic " + name + " has no partition " + partition + " (it has " + partitions + ")");
                }
                DeletedRecords deleted = clients.await(clients.admin()
                        .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset)))
                        .lowWatermarks()
                        .get(tp));
                PrintWriter out = spec.commandLine().getOut();
                out.println(tp + ": earliest offset is now " + deleted.lowWatermark());
                out.flush();
            }
            return 0;
        }
    }
}

package io.fjord.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fjord cluster info|health}: the brokers, the controller and topic counts; and a health check that
 * exits non-zero when any partition has no leader or fewer in-sync replicas than replicas. Runs once on the
 * main thread. ({@code fjord cluster up}, which starts a local cluster, is {@link ClusterUpCommand}.)
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "Show the cluster's brokers and check its partitions; start a local cluster.",
        subcommands = {ClusterCommand.Info.class, ClusterCommand.Health.class, ClusterUpCommand.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Every topic, internal ones included, by name. */
    static Map<String, TopicDescription> allTopics(Clients clients) {
        Collection<String> names = clients.await(clients.admin()
                .listTopics(new ListTopicsOptions().listInternal(true))
                .names());
        return names.isEmpty() ? Map.of() : new TreeMap<>(clients.describeTopics(names));
    }

    @Command(
            name = "info",
            mixinStandardHelpOptions = true,
            description = "Show the cluster id, brokers, controller, and topic and partition counts.")
    static final class Info implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                DescribeClusterResult cluster = clients.admin().describeCluster();
                String clusterId = clients.await(cluster.clusterId());
                Collection<Node> nodes = clients.await(cluster.nodes());
                Node controller = clients.await(cluster.controller());
                Map<String, TopicDescription> topics = allTopics(clients);
                int partitions = 0;
                for (TopicDescription d : topics.values()) {
                    partitions += d.partitions().size();
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println("CLUSTER     " + clusterId);
                out.println("CONTROLLER  " + (controller == null || controller.isEmpty() ? "-" : controller.id()));
                out.println("TOPICS      " + topics.size());
                out.println("PARTITIONS  " + partitions);
                out.println();
                Table table = new Table("BROKER", "HOST", "PORT", "RACK");
                nodes.stream()
                        .sorted(java.util.Comparator.comparingInt(Node::id))
                        .forEach(n -> table.row(n.id(), n.host(), n.port(), n.hasRack() ? n.rack() : "-"));
                table.print(out);
            }
            return 0;
        }
    }

    @Command(
            name = "health",
            mixinStandardHelpOptions = true,
            description = "Check every partition; exit 1 when any is offline (no leader) or under-replicated.")
    static final class Health implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                int brokers =
                        clients.await(clients.admin().describeCluster().nodes()).size();
                Map<String, TopicDescription> topics = allTopics(clients);
                List<String> problems = problems(topics.values());
                PrintWriter out = spec.commandLine().getOut();
                int partitions = topics.values().stream()
                        .mapToInt(d -> d.partitions().size())
                        .sum();
                String summary = brokers + " brokers, " + topics.size() + " topics, " + partitions + " partitions";
                if (problems.isEmpty()) {
                    out.println("healthy: " + summary);
                    out.flush();
                    return 0;
                }
                problems.forEach(out::println);
                out.println("unhealthy: " + problems.size() + " of " + partitions + " partitions (" + summary + ")");
                out.flush();
                return Fjord.EXIT_FAILURE;
            }
        }

        // Visible for testing
        static List<String> problems(Collection<TopicDescription> topics) {
            List<String> problems = new ArrayList<>();
            for (TopicDescription d : topics) {
                for (TopicPartitionInfo p : d.partitions()) {
                    String tp = d.name() + "-" + p.partition();
                    if (p.leader() == null || p.leader().isEmpty()) {
                        problems.add("offline: " + tp + " has no leader (replicas " + TopicCommand.nodeIds(p.replicas())
                                + ")");
                    } else if (p.isr().size() < p.replicas().size()) {
                        problems.add("under-replicated: " + tp + " ISR " + TopicCommand.nodeIds(p.isr())
                                + " of replicas " + TopicCommand.nodeIds(p.replicas()));
                    }
                }
            }
            return problems;
        }
    }
}

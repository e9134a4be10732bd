package io.fjord.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fjord group ...}: list, describe (members, committed offsets, lag), reset-offsets and delete consumer
 * groups through the official Admin client. The arithmetic lives in {@link GroupPlans}. Each subcommand runs once
 * on the main thread.
 */
@Command(
        name = "group",
        mixinStandardHelpOptions = true,
        description = "List, describe, rewind and delete consumer groups.",
        subcommands = {
            GroupCommand.ListGroups.class,
            GroupCommand.Describe.class,
            GroupCommand.ResetOffsets.class,
            GroupCommand.Delete.class
        })
final class GroupCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List consumer groups.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                var groups = clients.await(clients.admin()
                        .listGroups(ListGroupsOptions.forConsumerGroups())
                        .all());
                Table table = new Table("GROUP", "STATE", "TYPE");
                groups.stream()
                        .sorted(Comparator.comparing(GroupListing::groupId))
                        .forEach(g -> table.row(
                                g.groupId(),
                                g.groupState().map(GroupState::toString).orElse("-"),
                                g.type().map(Object::toString).orElse("-")));
                table.print(spec.commandLine().getOut());
            }
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Show a group's state, members, and per partition the committed offset, log end and lag.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP", description = "Group id.")
        String group;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                ConsumerGroupDescription d = clients.await(clients.admin()
                        .describeConsumerGroups(List.of(group))
                        .describedGroups()
                        .get(group));
                Map<TopicPartition, Long> committed = committed(clients, group);
                if (d.groupState() == GroupState.DEAD && committed.isEmpty()) {
                    throw new CliException("unknown group " + group);
                }
                Map<TopicPartition, String> owners = new HashMap<>();
                for (MemberDescription m : d.members()) {
                    for (TopicPartition tp : m.assignment().topicPartitions()) {
                        owners.put(tp, m.consumerId() + " (" + m.clientId() + m.host() + ")");
                    }
                }
                java.util.Set<TopicPartition> all = new java.util.HashSet<>(committed.keySet());
                all.addAll(owners.keySet());
                Map<TopicPartition, Long> ends = logEnds(clients, all);
                print(d, GroupPlans.lag(committed, owners, ends));
            }
            return 0;
        }

        private void print(ConsumerGroupDescription d, List<GroupPlans.LagRow> rows) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("GROUP        " + d.groupId());
            out.println("STATE        " + d.groupState());
            out.println("COORDINATOR  "
                    + (d.coordinator() == null ? "-" : d.coordinator().id()));
            out.println("MEMBERS      " + d.members().size());
            out.println("TOTAL LAG    " + GroupPlans.totalLag(rows));
            out.println();
            Table table = new Table("TOPIC", "PARTITION", "COMMITTED", "LOG-END", "LAG", "MEMBER");
            for (GroupPlans.LagRow r : rows) {
                table.row(
                        r.partition().topic(),
                        r.partition().partition(),
                        GroupPlans.offset(r.committed()),
                        GroupPlans.offset(r.logEnd()),
                        r.lag(),
                        r.member());
            }
            table.print(out);
        }
    }

    @Command(
            name = "reset-offsets",
            mixinStandardHelpOptions = true,
            description = {
                "Move a group's committed offsets on a topic. Shows the plan; --execute applies it.",
                "The group must have no active members."
            })
    static final class ResetOffsets implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP", description = "Group id.")
        String group;

        @Option(
                names = {"-t", "--topic"},
                required = true,
                paramLabel = "TOPIC",
                description = "Topic to reset.")
        String topic;

        @Option(
                names = "--to",
                required = true,
                paramLabel = "WHERE",
                description = "earliest, latest, an OFFSET (clamped to the log), or @TIMESTAMP_MS.")
        String to;

        @Option(names = "--execute", description = "Apply the plan (without it, only show it).")
        boolean execute;

        @Override
        public Integer call() {
            ConsumeCommand.StartPosition target = ConsumeCommand.StartPosition.parse(to);
            try (Clients clients = client.clients()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (TopicPartitionInfo p : clients.describeTopic(topic).partitions()) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
                Map<TopicPartition, Long> committed = committed(clients, group);
                Map<TopicPartition, Long> earliest = offsets(clients, partitions, OffsetSpec.earliest());
                Map<TopicPartition, Long> latest = offsets(clients, partitions, OffsetSpec.latest());
                Map<TopicPartition, Long> byTime = new HashMap<>();
                if (target.kind() == ConsumeCommand.StartPosition.Kind.TIMESTAMP) {
                    offsets(clients, partitions, OffsetSpec.forTimestamp(target.value()))
                            .forEach((tp, o) -> {
                                if (o >= 0) {
                                    byTime.put(tp, o);
                                }
                            });
                }
                List<GroupPlans.ResetRow> plan =
                        GroupPlans.reset(partitions, committed, target, earliest, latest, byTime);
                PrintWriter out = spec.commandLine().getOut();
                Table table = new Table("TOPIC", "PARTITION", "CURRENT", "NEW");
                plan.forEach(r -> table.row(
                        r.partition().topic(), r.partition().partition(), GroupPlans.offset(r.current()), r.target()));
                table.print(out);
                if (!execute) {
                    out.println("(dry run: add --execute to apply)");
                    out.flush();
                    return 0;
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                plan.forEach(r -> offsets.put(r.partition(), new OffsetAndMetadata(r.target())));
                clients.await(clients.admin()
                        .alterConsumerGroupOffsets(group, offsets)
                        .all());
                out.println("reset " + plan.size() + " partitions of " + topic + " for group " + group);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete consumer groups (no members).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP", arity = "1..*", description = "Group ids.")
        List<String> groups;

        @Override
        public Integer call() {
            try (Clients clients = client.clients()) {
                clients.await(clients.admin().deleteConsumerGroups(groups).all());
            }
            PrintWriter out = spec.commandLine().getOut();
            groups.forEach(g -> out.println("deleted group " + g));
            out.flush();
            return 0;
        }
    }

    static Map<TopicPartition, Long> committed(Clients clients, String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                clients.await(clients.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o != null) {
                committed.put(tp, o.offset());
            }
        });
        return committed;
    }

    static Map<TopicPartition, Long> logEnds(Clients clients, java.util.Collection<TopicPartition> partitions) {
        return offsets(clients, partitions, OffsetSpec.latest());
    }

    static Map<TopicPartition, Long> offsets(
            Clients clients, java.util.Collection<TopicPartition> partitions, OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> result =
                clients.await(clients.admin().listOffsets(query).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }
}

package io.fjord.coordinator;

import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The server-side assignors of the consumer protocol (KIP-848). "uniform" spreads all subscribed partitions
 * evenly (sizes differ by at most one when subscriptions are the same) and keeps partitions where they were;
 * "range" gives each member contiguous ranges of every topic it subscribes to, as the client-side range
 * assignor does. Deterministic: members and topics are taken in sorted order. Stateless.
 */
final class ServerAssignors {

    /** One member as the assignor sees it: the topics it subscribes to and its current target. */
    record MemberSpec(String memberId, Set<String> topics, Map<Uuid, Set<Integer>> currentTarget) {}

    /** A subscribed topic: its id and partition count. */
    record TopicSpec(String name, Uuid id, int partitions) {}

    private ServerAssignors() {}

    static Map<String, Map<Uuid, Set<Integer>>> assign(
            String assignor, List<MemberSpec> members, Map<String, TopicSpec> topics) {
        List<MemberSpec> sorted = new ArrayList<>(members);
        sorted.sort((a, b) -> a.memberId().compareTo(b.memberId()));
        Map<String, Map<Uuid, Set<Integer>>> result = new TreeMap<>();
        for (MemberSpec m : sorted) {
            result.put(m.memberId(), new TreeMap<>());
        }
        if (sorted.isEmpty()) {
            return result;
        }
        if (assignor.equals("range")) {
            range(sorted, topics, result);
        } else if (homogeneous(sorted)) {
            uniformHomogeneous(sorted, topics, result);
        } else {
            uniformGreedy(sorted, topics, result);
        }
        return result;
    }

    private static boolean homogeneous(List<MemberSpec> members) {
        Set<String> first = members.get(0).topics();
        for (MemberSpec m : members) {
            if (!m.topics().equals(first)) {
                return false;
            }
        }
        return true;
    }

    private static void range(
            List<MemberSpec> members, Map<String, TopicSpec> topics, Map<String, Map<Uuid, Set<Integer>>> result) {
        for (TopicSpec topic : new TreeMap<>(topics).values()) {
            List<MemberSpec> subscribers = new ArrayList<>();
            for (MemberSpec m : members) {
                if (m.topics().contains(topic.name())) {
                    subscribers.add(m);
                }
            }
            if (subscribers.isEmpty()) {
                continue;
            }
            int base = topic.partitions() / subscribers.size();
            int extra = topic.partitions() % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int count = base + (i < extra ? 1 : 0);
                for (int j = 0; j < count; j++) {
                    add(result, subscribers.get(i).memberId(), topic.id(), next++);
                }
            }
        }
    }

    private record Tp(Uuid topicId, int partition) {}

    private static List<Tp> partitions(Map<String, TopicSpec> topics, Set<String> names) {
        List<Tp> all = new ArrayList<>();
        for (TopicSpec topic : new TreeMap<>(topics).values()) {
            if (names.contains(topic.name())) {
                for (int p = 0; p < topic.partitions(); p++) {
                    all.add(new Tp(topic.id(), p));
                }
            }
        }
        return all;
    }

    private static void uniformHomogeneous(
            List<MemberSpec> members, Map<String, TopicSpec> topics, Map<String, Map<Uuid, Set<Integer>>> result) {
        List<Tp> all = partitions(topics, members.get(0).topics());
        Set<Tp> valid = new java.util.HashSet<>(all);
        int minQuota = all.size() / members.size();
        int extras = all.size() % members.size();
        Map<String, Integer> counts = new HashMap<>();
        Set<Tp> taken = new java.util.HashSet<>();
        for (MemberSpec m : members) {
            List<Tp> previous = new ArrayList<>();
            m.currentTarget().forEach((id, ps) -> ps.forEach(p -> previous.add(new Tp(id, p))));
            Collections.sort(
                    previous,
                    (a, b) -> a.topicId().equals(b.topicId())
                            ? Integer.compare(a.partition(), b.partition())
                            : a.topicId().compareTo(b.topicId()));
            int kept = 0;
            for (Tp tp : previous) {
                boolean underQuota = kept < minQuota;
                boolean canTakeExtra = kept == minQuota && extras > 0;
                if (valid.contains(tp) && !taken.contains(tp) && (underQuota || canTakeExtra)) {
                    if (!underQuota) {
                        extras--;
                    }
                    taken.add(tp);
                    add(result, m.memberId(), tp.topicId(), tp.partition());
                    kept++;
                }
            }
            counts.put(m.memberId(), kept);
        }
        List<Tp> free = new ArrayList<>();
        for (Tp tp : all) {
            if (!taken.contains(tp)) {
                free.add(tp);
            }
        }
        int next = 0;
        for (MemberSpec m : members) {
            while (counts.get(m.memberId()) < minQuota && next < free.size()) {
                Tp tp = free.get(next++);
                add(result, m.memberId(), tp.topicId(), tp.partition());
                counts.merge(m.memberId(), 1, Integer::sum);
            }
        }
        for (MemberSpec m : members) {
            if (next >= free.size()) {
                break;
            }
            if (counts.get(m.memberId()) == minQuota && extras > 0) {
                Tp tp = free.get(next++);
                add(result, m.memberId(), tp.topicId(), tp.partition());
                counts.merge(m.memberId(), 1, Integer::sum);
                extras--;
            }
        }
    }

    private static void uniformGreedy(
            List<MemberSpec> members, Map<String, TopicSpec> topics, Map<String, Map<Uuid, Set<Integer>>> result) {
        Set<String> allNames = new TreeSet<>();
        members.forEach(m -> allNames.addAll(m.topics()));
        Map<String, Integer> counts = new HashMap<>();
        members.forEach(m -> counts.put(m.memberId(), 0));
        for (Tp tp : partitions(topics, allNames)) {
            String topicName = null;
            for (TopicSpec t : topics.values()) {
                if (t.id().equals(tp.topicId())) {
                    topicName = t.name();
                }
            }
            MemberSpec best = null;
            MemberSpec previousOwner = null;
            for (MemberSpec m : members) {
                if (!m.topics().contains(topicName)) {
                    continue;
                }
                if (ConsumerGroup.contains(m.currentTarget(), tp.topicId(), tp.partition())) {
                    previousOwner = m;
                }
                if (best == null || counts.get(m.memberId()) < counts.get(best.memberId())) {
                    best = m;
                }
            }
            if (best == null) {
                continue;
            }
            if (previousOwner != null && counts.get(previousOwner.memberId()) <= counts.get(best.memberId())) {
                best = previousOwner;
            }
            add(result, best.memberId(), tp.topicId(), tp.partition());
            counts.merge(best.memberId(), 1, Integer::sum);
        }
    }

    private static void add(Map<String, Map<Uuid, Set<Integer>>> result, String memberId, Uuid topicId, int partition) {
        result.get(memberId).computeIfAbsent(topicId, t -> new TreeSet<>()).add(partition);
    }
}

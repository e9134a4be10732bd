package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ACLs of a {@link MetadataImage}, by id in the order they were created, and the decision they give for one
 * request (Kafka's {@code StandardAuthorizerData}): {@link #decide} looks at the LITERAL ACLs of the resource's name,
 * the LITERAL wildcard {@code *} and the PREFIXED ACLs whose prefix the name starts with. Super users and {@code
 * allow.everyone.if.no.acl.found} are the broker's authorizer's to apply. Immutable; safe from any thread.
 */
public final class AclsImage {

    public static final AclsImage EMPTY = new AclsImage(Map.of());

    /** What the ACLs say about one request. */
    public enum Decision {
        ALLOWED,
        DENIED,
        /** The resource has no ACL at all: the authorizer's default applies. */
        NO_ACLS
    }

    private final Map<Uuid, AclBinding> byId;
    private final Map<AclResourceType, ResourceAcls> byType;

    /** Copies {@code byId}, keeping its iteration order. */
    public AclsImage(Map<Uuid, AclBinding> byId) {
        this.byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
        Map<AclResourceType, ResourceAcls> index = new EnumMap<>(AclResourceType.class);
        for (AclBinding acl : this.byId.values()) {
            index.computeIfAbsent(acl.resourceType(), t -> new ResourceAcls()).add(acl);
        }
        index.values().forEach(ResourceAcls::index);
        this.byType = index;
    }

    /**
     * The ACLs of one resource type, LITERAL and PREFIXED ones each by name. A name's PREFIXED ACLs are found by
     * looking up its prefixes of the lengths some PREFIXED ACL has, so a decision costs a lookup per distinct prefix
     * length, not a look at every PREFIXED ACL.
     */
    private static final class ResourceAcls {
        final Map<String, List<AclBinding>> literal = new HashMap<>();
        final Map<String, List<AclBinding>> prefixed = new HashMap<>();
        /** The lengths of the PREFIXED names, ascending, without repeats; set by {@link #index}. */
        int[] prefixLengths = new int[0];

        void add(AclBinding acl) {
            (acl.patternType() == AclPatternType.PREFIXED ? prefixed : literal)
                    .computeIfAbsent(acl.resourceName(), n -> new ArrayList<>(2))
                    .add(acl);
        }

        void index() {
            prefixLengths = prefixed.keySet().stream()
                    .mapToInt(String::length)
                    .distinct()
                    .sorted()
                    .toArray();
        }
    }

    public Map<Uuid, AclBinding> all() {
        return byId;
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    /**
     * What the ACLs say about {@code principal} (e.g. {@code User:alice}) from {@code host} (an IP address) doing
     * {@code operation} on the resource: DENIED when a DENY ACL for that operation (or ALL) matches, else ALLOWED when
     * an ALLOW ACL for an operation that allows it matches (see {@link AclOperation#allows}), else DENIED when the
     * resource has ACLs and NO_ACLS when it has none. An ACL matches the principal when it names it or is for {@code
     * User:*}, the host when it names it or is for {@code *}.
     */
    public Decision decide(
            String principal, String host, AclOperation operation, AclResourceType resourceType, String name) {
        ResourceAcls acls = byType.get(resourceType);
        if (acls == null) {
            return Decision.NO_ACLS;
        }
        Verdict verdict = new Verdict();
        verdict.consider(acls.literal.get(name), principal, host, operation);
        if (!name.equals(AclBinding.WILDCARD_RESOURCE)) {
            verdict.consider(acls.literal.get(AclBinding.WILDCARD_RESOURCE), principal, host, operation);
        }
        for (int i = 0; i < acls.prefixLengths.length && acls.prefixLengths[i] <= name.length(); i++) {
            verdict.consider(acls.prefixed.get(name.substring(0, acls.prefixLengths[i])), principal, host, operation);
        }
        if (verdict.denied) {
            return Decision.DENIED;
        }
        if (verdict.allowed) {
            return Decision.ALLOWED;
        }
        return verdict.found ? Decision.DENIED : Decision.NO_ACLS;
    }

    /** The ACLs seen so far for one decision. */
    private static final class Verdict {
        boolean found;
        boolean allowed;
        boolean denied;

        void consider(List<AclBinding> acls, String principal, String host, AclOperation operation) {
            if (acls == null) {
                return;
            }
            for (int i = 0; i < acls.size() && !denied; i++) {
                consider(acls.get(i), principal, host, operation);
            }
        }

        void consider(AclBinding acl, String principal, String host, AclOperation operation) {
            found = true;
            if (!appliesTo(acl, principal, host)) {
                return;
            }
            if (acl.permission() == AclPermission.DENY) {
                denied |= acl.operation() == AclOperation.ALL || acl.operation() == operation;
            } else if (acl.permission() == AclPermission.ALLOW) {
                allowed |= acl.operation().allows(operation);
            }
        }
    }

    private static boolean appliesTo(AclBinding acl, String principal, String host) {
        return (acl.principal().equals(principal) || acl.principal().equals(AclBinding.WILDCARD_PRINCIPAL))
                && (acl.host().equals(host) || acl.host().equals(AclBinding.WILDCARD_HOST));
    }

    /**
     * Whether the ACLs allow {@code operation} on at least one resource of {@code resourceType} that no DENY ACL covers
     * (Kafka's {@code Authorizer.authorizeByResourceType}, past its super-user check): a LITERAL wildcard DENY for the
     * operation (or ALL) refuses, a LITERAL wildcard ALLOW allows, and otherwise an ALLOW ACL counts unless a DENY of
     * the same LITERAL name or a PREFIXED DENY of one of its prefixes covers it. Used where Kafka asks whether a
     * principal may write to any topic at all (an idempotent producer's InitProducerId).
     */
    public boolean allowsSomeResource(
            String principal, String host, AclOperation operation, AclResourceType resourceType) {
        ResourceAcls acls = byType.get(resourceType);
        if (acls == null) {
            return false;
        }
        Set<String> deniedLiteral = new HashSet<>();
        Set<String> deniedPrefixes = new HashSet<>();
        List<AclBinding> allows = new ArrayList<>();
        List<AclBinding> ofType = new ArrayList<>();
        acls.prefixed.values().forEach(ofType::addAll);
        acls.literal.values().forEach(ofType::addAll);
        for (AclBinding acl : ofType) {
            if (!appliesTo(acl, principal, host)
                    || (acl.operation() != operation && acl.operation() != AclOperation.ALL)) {
                continue;
            }
            boolean wildcard = acl.patternType() == AclPatternType.LITERAL
                    && acl.resourceName().equals(AclBinding.WILDCARD_RESOURCE);
            if (acl.permission() == AclPermission.DENY) {
                if (wildcard) {
                    return false;
                }
                (acl.patternType() == AclPatternType.LITERAL ? deniedLiteral : deniedPrefixes).add(acl.resourceName());
            } else if (acl.permission() == AclPermission.ALLOW) {
                allows.add(acl);
            }
        }
        for (AclBinding allow : allows) {
            if (allow.patternType() == AclPatternType.LITERAL
                    && allow.resourceName().equals(AclBinding.WILDCARD_RESOURCE)) {
                return true;
            }
        }
        for (AclBinding allow : allows) {
            String name = allow.resourceName();
            if (allow.patternType() == AclPatternType.LITERAL && deniedLiteral.contains(name)) {
                continue;
            }
            boolean covered = false;
            for (int end = 1; end <= name.length() && !covered; end++) {
                covered = deniedPrefixes.contains(name.substring(0, end));
            }
            if (!covered) {
                return true;
            }
        }
        return false;
    }

    /** The ACLs {@code filter} selects, in creation order, with their ids. */
    public Map<Uuid, AclBinding> matching(AclFilter filter) {
        Map<Uuid, AclBinding> out = new LinkedHashMap<>();
        for (Map.Entry<Uuid, AclBinding> e : byId.entrySet()) {
            if (filter.matches(e.getValue())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Appends the records that re-create these ACLs, in creation order. */
    public void appendRecords(List<MetadataRecord> out) {
        byId.forEach((id, acl) -> out.add(new AccessControlEntryRecord(id, acl)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AclsImage that && byId.equals(that.byId);
    }

    @Override
    public int hashCode() {
        return byId.hashCode();
    }

    @Override
    public String toString() {
        return "AclsImage(" + byId.size() + " ACLs)";
    }
}

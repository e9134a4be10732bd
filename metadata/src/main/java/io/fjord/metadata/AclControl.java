package io.fjord.metadata;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Decides CreateAcls and DeleteAcls as Kafka's KRaft controller ({@code AclControlManager}) and broker ({@code
 * AclApis}) do. An ACL to create is refused with INVALID_REQUEST, with Kafka's message, for a pattern type other than
 * LITERAL or PREFIXED, an unknown or ANY resource type, operation or permission, an empty resource name, a CLUSTER
 * resource not named {@code kafka-cluster}, or a principal without a {@code :}; an ACL that already exists (or comes
 * twice in one request) succeeds without a second copy. A delete filter with an unknown field is refused with
 * INVALID_REQUEST; one that matches nothing succeeds with nothing deleted; an ACL several filters match is reported
 * under each and deleted once. At most {@link #MAX_ACLS_PER_REQUEST} ACLs are created or deleted by one request
 * (Kafka's bound on the records of one operation); past it every result is INVALID_REQUEST and nothing changes.
 *
 * <p>Pure: the new ACLs' ids come from the random the caller seeds.
 */
final class AclControl {

    /** Kafka's {@code MAX_RECORDS_PER_USER_OP}. */
    static final int MAX_ACLS_PER_REQUEST = 10_000;

    private AclControl() {}

    static ControllerResult<List<AclCreationResult>> createAcls(
            MetadataImage image, List<AclBinding> acls, RandomGenerator random) {
        Set<AclBinding> existing = new HashSet<>(image.acls().all().values());
        Set<Uuid> usedIds = new HashSet<>(image.acls().all().keySet());
        List<MetadataRecord> records = new ArrayList<>();
        List<AclCreationResult> results = new ArrayList<>(acls.size());
        for (AclBinding acl : acls) {
            String invalid = invalidReason(acl);
            if (invalid != null) {
                results.add(new AclCreationResult(Errors.INVALID_REQUEST, invalid));
                continue;
            }
            if (existing.add(acl)) {
                Uuid id;
                do {
                    id = Uuid.random(random);
                } while (!usedIds.add(id) || id.equals(Uuid.ZERO));
                records.add(new AccessControlEntryRecord(id, acl));
            }
            results.add(AclCreationResult.SUCCESS);
        }
        if (records.size() > MAX_ACLS_PER_REQUEST) {
            AclCreationResult refused = new AclCreationResult(
                    Errors.INVALID_REQUEST,
                    "Cannot create more than " + MAX_ACLS_PER_REQUEST + " acls in a single create operation.");
            return new ControllerResult<>(List.of(), Collections.nCopies(results.size(), refused));
        }
        return new ControllerResult<>(records, results);
    }

    /** Kafka's message for an ACL that may not be stored, or null when it may. */
    static String invalidReason(AclBinding acl) {
        if (acl.patternType() != AclPatternType.LITERAL && acl.patternType() != AclPatternType.PREFIXED) {
            return "Invalid patternType " + acl.patternType();
        }
        if (acl.resourceType() == AclResourceType.UNKNOWN || acl.resourceType() == AclResourceType.ANY) {
            return "Invalid resourceType " + acl.resourceType();
        }
        if (acl.operation() == AclOperation.UNKNOWN || acl.operation() == AclOperation.ANY) {
            return "Invalid operation " + acl.operation();
        }
        if (acl.permission() != AclPermission.ALLOW && acl.permission() != AclPermission.DENY) {
            return "Invalid permissionType " + acl.permission();
        }
        // The broker's checks (AclApis) come before the controller's (validateNewAcl).
        if (acl.resourceType() == AclResourceType.CLUSTER && !acl.resourceName().equals(AclBinding.CLUSTER_NAME)) {
            return "The only valid name for the CLUSTER resource is " + AclBinding.CLUSTER_NAME;
        }
        if (acl.resourceName().isEmpty()) {
            return "Invalid empty resource name";
        }
        if (acl.principal().indexOf(':') < 0) {
            return "Could not parse principal from `" + acl.principal() + "` (no colon is present separating the"
                    + " principal type from the principal name)";
        }
        return null;
    }

    static ControllerResult<List<AclDeletionResult>> deleteAcls(MetadataImage image, List<AclFilter> filters) {
        Set<Uuid> deleted = new LinkedHashSet<>();
        List<AclDeletionResult> results = new ArrayList<>(filters.size());
        for (AclFilter filter : filters) {
            String unknown = filter.unknownField();
            if (unknown != null) {
                results.add(AclDeletionResult.failed(Errors.INVALID_REQUEST, "Invalid filter: unknown " + unknown));
                continue;
            }
            Map<Uuid, AclBinding> matched = image.acls().matching(filter);
            deleted.addAll(matched.keySet());
            results.add(new AclDeletionResult(Errors.NONE, null, new ArrayList<>(matched.values())));
        }
        if (deleted.size() > MAX_ACLS_PER_REQUEST) {
            AclDeletionResult refused = AclDeletionResult.failed(
                    Errors.INVALID_REQUEST,
                    "Cannot remove more than " + MAX_ACLS_PER_REQUEST + " acls in a single delete operation.");
            return new ControllerResult<>(List.of(), Collections.nCopies(results.size(), refused));
        }
        List<MetadataRecord> records = new ArrayList<>(deleted.size());
        for (Uuid id : deleted) {
            records.add(new RemoveAccessControlEntryRecord(id));
        }
        return new ControllerResult<>(records, results);
    }
}

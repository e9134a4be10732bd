package io.fjord.metadata;

import java.util.Objects;

/**
 * Which ACLs a DescribeAcls or DeleteAcls filter selects (Kafka's {@code AclBindingFilter}): a null name, principal or
 * host and the ANY values match everything. Pattern type MATCH selects the ACLs that apply to the named resource: the
 * LITERAL ACL of that name, the LITERAL wildcard {@code *} and every PREFIXED ACL whose prefix the name starts with.
 * Immutable; safe from any thread.
 */
public record AclFilter(
        AclResourceType resourceType,
        String resourceName,
        AclPatternType patternType,
        String principal,
        String host,
        AclOperation operation,
        AclPermission permission) {

    /** Selects every ACL. */
    public static final AclFilter ANY = new AclFilter(
            AclResourceType.ANY, null, AclPatternType.ANY, null, null, AclOperation.ANY, AclPermission.ANY);

    public AclFilter {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(patternType, "patternType");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(permission, "permission");
    }

    /** The field that holds a code this broker does not know, or null: such a filter is refused, as in Kafka. */
    public String unknownField() {
        if (resourceType == AclResourceType.UNKNOWN) {
            return "resourceType";
        }
        if (patternType == AclPatternType.UNKNOWN) {
            return "patternType";
        }
        if (operation == AclOperation.UNKNOWN) {
            return "operation";
        }
        if (permission == AclPermission.UNKNOWN) {
            return "permissionType";
        }
        return null;
    }

    public boolean matches(AclBinding acl) {
        return matchesPattern(acl)
                && (principal == null || principal.equals(acl.principal()))
                && (host == null || host.equals(acl.host()))
                && (operation == AclOperation.ANY || operation == acl.operation())
                && (permission == AclPermission.ANY || permission == acl.permission());
    }

    private boolean matchesPattern(AclBinding acl) {
        if (resourceType != AclResourceType.ANY && resourceType != acl.resourceType()) {
            return false;
        }
        if (patternType != AclPatternType.ANY
                && patternType != AclPatternType.MATCH
                && patternType != acl.patternType()) {
            return false;
        }
        if (resourceName == null) {
            return true;
        }
        if (patternType == AclPatternType.ANY || patternType == acl.patternType()) {
            return resourceName.equals(acl.resourceName());
        }
        return acl.coversResource(resourceName);
    }
}

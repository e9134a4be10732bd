package io.fjord.metadata;

import java.util.Objects;

/**
 * One ACL (Kafka's {@code AclBinding}): {@code principal} connecting from {@code host} is allowed or denied {@code
 * operation} on the resources {@code resourceType}, {@code resourceName} and {@code patternType} describe. A principal
 * is {@code Type:name} ({@code User:alice}; {@code User:*} is every principal), a host an IP address or {@code *}.
 * Immutable; safe from any thread. Whether a binding may be stored is {@link AclControl}'s to decide.
 */
public record AclBinding(
        AclResourceType resourceType,
        String resourceName,
        AclPatternType patternType,
        String principal,
        String host,
        AclOperation operation,
        AclPermission permission) {

    /** The resource name of LITERAL ACLs that apply to every resource of their type. */
    public static final String WILDCARD_RESOURCE = "*";
    /** The principal of ACLs that apply to every principal. */
    public static final String WILDCARD_PRINCIPAL = "User:*";
    /** The host of ACLs that apply from every host. */
    public static final String WILDCARD_HOST = "*";
    /** The only name of the CLUSTER resource. */
    public static final String CLUSTER_NAME = "kafka-cluster";

    public AclBinding {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(patternType, "patternType");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(permission, "permission");
    }

    /** Whether this ACL's resource pattern covers the resource {@code name} of its type. */
    public boolean coversResource(String name) {
        return switch (patternType) {
            case LITERAL -> resourceName.equals(name) || resourceName.equals(WILDCARD_RESOURCE);
            case PREFIXED -> name.startsWith(resourceName);
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "(pattern=" + resourceType + ":" + patternType + ":" + resourceName + ", principal=" + principal
                + ", host=" + host + ", operation=" + operation + ", permission=" + permission + ")";
    }
}

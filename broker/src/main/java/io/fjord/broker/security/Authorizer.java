package io.fjord.broker.security;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.AclsImage;
import io.fjord.metadata.AclsImage.Decision;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request's principal may do an operation on a resource, as Kafka's {@code StandardAuthorizer}
 * does: super users ({@code super.users}) may do everything; otherwise the ACLs of the current metadata image decide
 * ({@link AclsImage#decide}), and a resource with no ACL at all is open only with {@code
 * allow.everyone.if.no.acl.found}. Without an authorizer configured everything is allowed and no ACL is read.
 * Denials are logged at INFO on the logger {@code io.fjord.authorizer}, as Kafka logs them on {@code
 * kafka.authorizer.logger}.
 *
 * <p>Thread-safe: it reads the image the supplier gives, which is never modified.
 */
public final class Authorizer {

    private static final Logger log = LoggerFactory.getLogger("io.fjord.authorizer");

    private static final Authorizer ALLOW_ALL = new Authorizer(false, Set.of(), true, () -> AclsImage.EMPTY);

    private final boolean enabled;
    private final Set<String> superUsers;
    private final boolean allowIfNoAcls;
    private final Supplier<AclsImage> acls;

    private Authorizer(boolean enabled, Set<String> superUsers, boolean allowIfNoAcls, Supplier<AclsImage> acls) {
        this.enabled = enabled;
        this.superUsers = Set.copyOf(superUsers);
        this.allowIfNoAcls = allowIfNoAcls;
        this.acls = acls;
    }

    /** No authorizer: every request is allowed. */
    public static Authorizer allowAll() {
        return ALLOW_ALL;
    }

    /** The authorizer {@code config} asks for, reading the ACLs {@code acls} supplies at each decision. */
    public static Authorizer of(BrokerConfig config, Supplier<AclsImage> acls) {
        if (!config.authorizerEnabled()) {
            return ALLOW_ALL;
        }
        return new Authorizer(true, config.superUsers(), config.allowEveryoneIfNoAclFound(), acls);
    }

    // Visible for testing
    public static Authorizer of(Set<String> superUsers, boolean allowIfNoAcls, Supplier<AclsImage> acls) {
        return new Authorizer(true, superUsers, allowIfNoAcls, acls);
    }

    /** Whether ACLs are enforced; when false every check allows and ACL requests get SECURITY_DISABLED. */
    public boolean enabled() {
        return enabled;
    }

    /** The current ACLs (empty without an authorizer). */
    public AclsImage acls() {
        return acls.get();
    }

    /** Whether the request's principal may do {@code operation} on the resource; a denial is logged. */
    public boolean authorize(
            RequestContext context, AclOperation operation, AclResourceType resourceType, String resourceName) {
        return authorize(context, operation, resourceType, resourceName, true);
    }

    /**
     * As {@link #authorize(RequestContext, AclOperation, AclResourceType, String)}; {@code logIfDenied} false for the
     * checks whose denial is not an error (a Metadata request for all topics leaves out those the principal may not
     * describe, as Kafka does without logging them).
     */
    public boolean authorize(
            RequestContext context,
            AclOperation operation,
            AclResourceType resourceType,
            String resourceName,
            boolean logIfDenied) {
        if (!enabled) {
            return true;
        }
        boolean allowed = decide(context.principal(), context.clientHost(), operation, resourceType, resourceName);
        if (!allowed && logIfDenied && log.isInfoEnabled()) {
            log.info(
                    "Principal = {} is Denied operation = {} from host = {} on resource = {}:{} for request = {}",
                    context.principal(),
                    operation,
                    context.clientHost(),
                    resourceType,
                    resourceName,
                    context.apiKey());
        }
        return allowed;
    }

    /** {@link #authorize} on the cluster resource ({@code kafka-cluster}). */
    public boolean authorizeCluster(RequestContext context, AclOperation operation) {
        return authorize(context, operation, AclResourceType.CLUSTER, AclBinding.CLUSTER_NAME, true);
    }

    /** {@link #authorize} on the cluster resource, logging a denial only when {@code logIfDenied}. */
    public boolean authorizeCluster(RequestContext context, AclOperation operation, boolean logIfDenied) {
        return authorize(context, operation, AclResourceType.CLUSTER, AclBinding.CLUSTER_NAME, logIfDenied);
    }

    /** {@link #authorizedOperations} of the cluster resource. */
    public int clusterOperations(RequestContext context) {
        return authorizedOperations(context, AclResourceType.CLUSTER, AclBinding.CLUSTER_NAME);
    }

    /**
     * TOPIC_AUTHORIZATION_FAILED (Kafka's message: none) when the principal may not do {@code operation} on {@code
     * topic}, else null: for the handlers that fail every partition of a topic the same way.
     */
    public ApiException deniedOnTopic(RequestContext context, AclOperation operation, String topic) {
        return authorize(context, operation, AclResourceType.TOPIC, topic)
                ? null
                : new ApiException(Errors.TOPIC_AUTHORIZATION_FAILED, null);
    }

    private boolean decide(
            String principal, String host, AclOperation operation, AclResourceType resourceType, String name) {
        if (superUsers.contains(principal)) {
            return true;
        }
        Decision decision = acls.get().decide(principal, host, operation, resourceType, name);
        return decision == Decision.ALLOWED || (decision == Decision.NO_ACLS && allowIfNoAcls);
    }

    /**
     * Whether the principal may do {@code operation} on at least one resource of {@code resourceType} (Kafka's {@code
     * authorizeByResourceType}): super users and the defaults first, as Kafka checks them on a made-up resource name,
     * then the ACLs ({@link AclsImage#allowsSomeResource}).
     */
    public boolean authorizeAny(RequestContext context, AclOperation operation, AclResourceType resourceType) {
        if (!enabled) {
            return true;
        }
        String principal = context.principal();
        String host = context.clientHost();
        return decide(principal, host, operation, resourceType, "hardcode")
                || acls.get().allowsSomeResource(principal, host, operation, resourceType);
    }

    /**
     * The operations of {@code resourceType} the principal may do on the resource, as the bit field Metadata,
     * DescribeCluster and DescribeGroups answer (bit {@link AclOperation#code()} set for each).
     */
    public int authorizedOperations(RequestContext context, AclResourceType resourceType, String resourceName) {
        int bits = 0;
        for (AclOperation operation : supportedOperations(resourceType)) {
            if (!enabled || decide(context.principal(), context.clientHost(), operation, resourceType, resourceName)) {
                bits |= 1 << operation.code();
            }
        }
        return bits;
    }

    /** The operations Kafka reports for a resource type ({@code AclEntry.supportedOperations}). */
    static List<AclOperation> supportedOperations(AclResourceType resourceType) {
        return switch (resourceType) {
            case TOPIC ->
                List.of(
                        AclOperation.READ,
                        AclOperation.WRITE,
                        AclOperation.CREATE,
                        AclOperation.DESCRIBE,
                        AclOperation.DELETE,
                        AclOperation.ALTER,
                        AclOperation.DESCRIBE_CONFIGS,
                        AclOperation.ALTER_CONFIGS);
            case GROUP ->
                List.of(
                        AclOperation.READ,
                        AclOperation.DESCRIBE,
                        AclOperation.DELETE,
                        AclOperation.DESCRIBE_CONFIGS,
                        AclOperation.ALTER_CONFIGS);
            case CLUSTER ->
                List.of(
                        AclOperation.CREATE,
                        AclOperation.CLUSTER_ACTION,
                        AclOperation.DESCRIBE_CONFIGS,
                        AclOperation.ALTER_CONFIGS,
                        AclOperation.IDEMPOTENT_WRITE,
                        AclOperation.ALTER,
                        AclOperation.DESCRIBE);
            case TRANSACTIONAL_ID -> List.of(AclOperation.DESCRIBE, AclOperation.WRITE);
            case DELEGATION_TOKEN -> List.of(AclOperation.DESCRIBE);
            case USER -> List.of(AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS);
            default -> List.of();
        };
    }
}

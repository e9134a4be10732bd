package io.fjord.broker.handler;

import io.fjord.broker.network.CloseConnectionException;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclCreationResult;
import io.fjord.metadata.AclDeletionResult;
import io.fjord.metadata.AclFilter;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclPatternType;
import io.fjord.metadata.AclPermission;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.ControllerApi;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.CreateAclsRequest;
import io.fjord.protocol.message.CreateAclsResponse;
import io.fjord.protocol.message.DeleteAclsRequest;
import io.fjord.protocol.message.DeleteAclsResponse;
import io.fjord.protocol.message.DescribeAclsRequest;
import io.fjord.protocol.message.DescribeAclsResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeAcls, CreateAcls and DeleteAcls. Without an authorizer ({@code authorizer.class.name} unset) they are
 * answered as Kafka answers them then: SECURITY_DISABLED, with Kafka's messages, for the request (DescribeAcls) or for
 * each creation and each filter, so clients and tools tell that ACLs are off. With the authorizer, as Kafka's {@code
 * AclApis}: DescribeAcls needs DESCRIBE on the cluster and reads this broker's image; CreateAcls and DeleteAcls need
 * ALTER on the cluster (else CLUSTER_AUTHORIZATION_FAILED on every result) and are decided by the controller. A
 * filter or ACL holding a code this broker does not know gets INVALID_REQUEST (Kafka closes the connection instead).
 *
 * <p>Thread-safe: reads the current image and calls the thread-safe controller API.
 */
public final class AclHandlers {

    /** Kafka's DescribeAcls message (AclApis); CreateAcls and DeleteAcls use {@link #NO_AUTHORIZER}. */
    static final String NO_AUTHORIZER_ON_BROKER = "No Authorizer is configured on the broker";

    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    private final Authorizer authorizer;
    private final ControllerApi controller;

    public AclHandlers(Authorizer authorizer, ControllerApi controller) {
        this.authorizer = authorizer;
        this.controller = controller;
    }

    public CompletableFuture<ApiMessage> describeAcls(RequestContext context, ApiMessage message) {
        DescribeAclsResponse response = new DescribeAclsResponse();
        if (!authorizer.enabled()) {
            return done(
                    response.setErrorCode(Errors.SECURITY_DISABLED.code()).setErrorMessage(NO_AUTHORIZER_ON_BROKER));
        }
        if (!authorizer.authorizeCluster(context, AclOperation.DESCRIBE)) {
            return done(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        }
        DescribeAclsRequest request = (DescribeAclsRequest) message;
        AclPatternType patternType = AclPatternType.forCode(request.patternTypeFilter());
        if (context.apiVersion() == 0 && patternType == AclPatternType.ANY) {
            patternType = AclPatternType.LITERAL; // v0 knows only literal ACLs, as Kafka normalizes it
        }
        AclFilter filter = new AclFilter(
                AclResourceType.forCode(request.resourceTypeFilter()),
                request.resourceNameFilter(),
                patternType,
                request.principalFilter(),
                request.hostFilter(),
                AclOperation.forCode(request.operation()),
                AclPermission.forCode(request.permissionType()));
        String unknown = filter.unknownField();
        if (unknown != null) {
            return done(response.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("DescribeAclsRequest contains an UNKNOWN " + unknown));
        }
        // One entry per resource pattern, as Kafka groups them.
        Map<List<Object>, DescribeAclsResponse.DescribeAclsResource> resources = new LinkedHashMap<>();
        for (AclBinding acl : authorizer.acls().matching(filter).values()) {
            resources
                    .computeIfAbsent(
                            List.of(acl.resourceType(), acl.resourceName(), acl.patternType()),
                            k -> new DescribeAclsResponse.DescribeAclsResource()
                                    .setResourceType(acl.resourceType().code())
                                    .setResourceName(acl.resourceName())
                                    .setPatternType(acl.patternType().code()))
                    .acls()
                    .add(new DescribeAclsResponse.AclDescription()
                            .setPrincipal(acl.principal())
                            .setHost(acl.host())
                            .setOperation(acl.operation().code())
                            .setPermissionType(acl.permission().code()));
        }
        response.resources().addAll(resources.values());
        return done(response);
    }

    /**
     * Kafka refuses two kinds of creation before any is made. A code it does not know (UNKNOWN) fails its parse of the
     * request, which closes the connection. A filter-only value (resource type, operation or permission ANY, pattern
     * type ANY or MATCH) cannot become an ACL: building the bindings fails, and every creation of the request gets
     * UNKNOWN_SERVER_ERROR without a message, the valid ones too.
     */
    public CompletableFuture<ApiMessage> createAcls(RequestContext context, ApiMessage message) {
        List<CreateAclsRequest.AclCreation> creations = ((CreateAclsRequest) message).creations();
        List<AclBinding> acls = new ArrayList<>(creations.size());
        for (CreateAclsRequest.AclCreation c : creations) {
            acls.add(new AclBinding(
                    AclResourceType.forCode(c.resourceType()),
                    c.resourceName() == null ? "" : c.resourceName(),
                    AclPatternType.forCode(c.resourcePatternType()),
                    c.principal() == null ? "" : c.principal(),
                    c.host() == null ? "" : c.host(),
                    AclOperation.forCode(c.operation()),
                    AclPermission.forCode(c.permissionType())));
        }
        if (acls.stream().anyMatch(AclHandlers::hasUnknownCode)) {
            throw new CloseConnectionException(
                    "CreateAcls with an unknown resource type, pattern type, operation or permission");
        }
        if (!authorizer.enabled()) {
            return done(createAclsAll(acls.size(), Errors.SECURITY_DISABLED, NO_AUTHORIZER));
        }
        if (!authorizer.authorizeCluster(context, AclOperation.ALTER)) {
            return done(createAclsAll(acls.size(), Errors.CLUSTER_AUTHORIZATION_FAILED, null));
        }
        if (acls.isEmpty()) {
            return done(new CreateAclsResponse());
        }
        if (acls.stream().anyMatch(AclHandlers::hasFilterOnlyValue)) {
            return done(createAclsAll(acls.size(), Errors.UNKNOWN_SERVER_ERROR, null));
        }
        return ReplicationAdminHandlers.answer(
                controller.createAcls(acls),
                results -> {
                    CreateAclsResponse response = new CreateAclsResponse();
                    for (AclCreationResult r : results) {
                        response.results()
                                .add(new CreateAclsResponse.AclCreationResult()
                                        .setErrorCode(r.error().code())
                                        .setErrorMessage(r.message()));
                    }
                    return response;
                },
                failure -> createAclsAll(acls.size(), failure.error(), failure.getMessage()));
    }

    private static boolean hasUnknownCode(AclBinding acl) {
        return acl.resourceType() == AclResourceType.UNKNOWN
                || acl.patternType() == AclPatternType.UNKNOWN
                || acl.operation() == AclOperation.UNKNOWN
                || acl.permission() == AclPermission.UNKNOWN;
    }

    private static boolean hasFilterOnlyValue(AclBinding acl) {
        return acl.resourceType() == AclResourceType.ANY
                || acl.patternType() == AclPatternType.ANY
                || acl.patternType() == AclPatternType.MATCH
                || acl.operation() == AclOperation.ANY
                || acl.permission() == AclPermission.ANY;
    }

    private static CreateAclsResponse createAclsAll(int count, Errors error, String message) {
        CreateAclsResponse.AclCreationResult result = new CreateAclsResponse.AclCreationResult()
                .setErrorCode(error.code())
                .setErrorMessage(message);
        // One result object repeated: the response is only written, never changed.
        return new CreateAclsResponse().setResults(new ArrayList<>(Collections.nCopies(count, result)));
    }

    public CompletableFuture<ApiMessage> deleteAcls(RequestContext context, ApiMessage message) {
        List<DeleteAclsRequest.DeleteAclsFilter> wire = ((DeleteAclsRequest) message).filters();
        if (!authorizer.enabled()) {
            return done(deleteAclsAll(wire.size(), Errors.SECURITY_DISABLED, NO_AUTHORIZER));
        }
        if (!authorizer.authorizeCluster(context, AclOperation.ALTER)) {
            return done(deleteAclsAll(wire.size(), Errors.CLUSTER_AUTHORIZATION_FAILED, null));
        }
        if (wire.isEmpty()) {
            return done(new DeleteAclsResponse());
        }
        List<AclFilter> filters = new ArrayList<>(wire.size());
        for (DeleteAclsRequest.DeleteAclsFilter f : wire) {
            AclPatternType patternType = AclPatternType.forCode(f.patternTypeFilter());
            if (context.apiVersion() == 0 && patternType == AclPatternType.ANY) {
                patternType = AclPatternType.LITERAL;
            }
            filters.add(new AclFilter(
                    AclResourceType.forCode(f.resourceTypeFilter()),
                    f.resourceNameFilter(),
                    patternType,
                    f.principalFilter(),
                    f.hostFilter(),
                    AclOperation.forCode(f.operation()),
                    AclPermission.forCode(f.permissionType())));
        }
        return ReplicationAdminHandlers.answer(
                controller.deleteAcls(filters),
                results -> {
                    DeleteAclsResponse response = new DeleteAclsResponse();
                    for (AclDeletionResult r : results) {
                        DeleteAclsResponse.DeleteAclsFilterResult result =
                                new DeleteAclsResponse.DeleteAclsFilterResult()
                                        .setErrorCode(r.error().code())
                                        .setErrorMessage(r.message());
                        for (AclBinding acl : r.deleted()) {
                            result.matchingAcls()
                                    .add(new DeleteAclsResponse.DeleteAclsMatchingAcl()
                                            .setResourceType(acl.resourceType().code())
                                            .setResourceName(acl.resourceName())
                                            .setPatternType(acl.patternType().code())
                                            .setPrincipal(acl.principal())
                                            .setHost(acl.host())
                                            .setOperation(acl.operation().code())
                                            .setPermissionType(acl.permission().code()));
                        }
                        response.filterResults().add(result);
                    }
                    return response;
                },
                failure -> deleteAclsAll(filters.size(), failure.error(), failure.getMessage()));
    }

    private static DeleteAclsResponse deleteAclsAll(int count, Errors error, String message) {
        DeleteAclsResponse.DeleteAclsFilterResult result = new DeleteAclsResponse.DeleteAclsFilterResult()
                .setErrorCode(error.code())
                .setErrorMessage(message);
        return new DeleteAclsResponse().setFilterResults(new ArrayList<>(Collections.nCopies(count, result)));
    }

    private static CompletableFuture<ApiMessage> done(ApiMessage response) {
        return CompletableFuture.completedFuture(response);
    }
}

package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.CreateAclsRequest;
import io.fjord.protocol.message.CreateAclsResponse;
import io.fjord.protocol.message.DeleteAclsRequest;
import io.fjord.protocol.message.DeleteAclsResponse;
import io.fjord.protocol.message.DescribeAclsResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeAcls, CreateAcls and DeleteAcls as a Kafka broker without an authorizer ({@code authorizer.class.name}
 * unset, the only configuration Fjord starts with) answers them: SECURITY_DISABLED, with Kafka's messages, for the
 * request (DescribeAcls) or for each creation and each filter. Clients and tools tell from this that ACLs are off
 * instead of failing on an API the broker does not know (KafkaJS, kafka-acls.sh and the Admin client all ask).
 * Each answer repeats one result object: the response is only written, never changed. Stateless; safe from any
 * thread.
 */
public final class AclHandlers {

    /** Kafka's DescribeAcls message (AclApis); CreateAcls and DeleteAcls use {@link #NO_AUTHORIZER}. */
    static final String NO_AUTHORIZER_ON_BROKER = "No Authorizer is configured on the broker";

    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    private AclHandlers() {}

    public static CompletableFuture<ApiMessage> describeAcls(RequestContext context, ApiMessage message) {
        return CompletableFuture.completedFuture(new DescribeAclsResponse()
                .setErrorCode(Errors.SECURITY_DISABLED.code())
                .setErrorMessage(NO_AUTHORIZER_ON_BROKER));
    }

    public static CompletableFuture<ApiMessage> createAcls(RequestContext context, ApiMessage message) {
        int creations = ((CreateAclsRequest) message).creations().size();
        CreateAclsResponse.AclCreationResult refused = new CreateAclsResponse.AclCreationResult()
                .setErrorCode(Errors.SECURITY_DISABLED.code())
                .setErrorMessage(NO_AUTHORIZER);
        return CompletableFuture.completedFuture(
                new CreateAclsResponse().setResults(new ArrayList<>(Collections.nCopies(creations, refused))));
    }

    public static CompletableFuture<ApiMessage> deleteAcls(RequestContext context, ApiMessage message) {
        int filters = ((DeleteAclsRequest) message).filters().size();
        DeleteAclsResponse.DeleteAclsFilterResult refused = new DeleteAclsResponse.DeleteAclsFilterResult()
                .setErrorCode(Errors.SECURITY_DISABLED.code())
                .setErrorMessage(NO_AUTHORIZER);
        return CompletableFuture.completedFuture(
                new DeleteAclsResponse().setFilterResults(new ArrayList<>(Collections.nCopies(filters, refused))));
    }
}

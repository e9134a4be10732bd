package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.broker.network.CloseConnectionException;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.security.Authorizer;
import io.fjord.metadata.AclsImage;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ByteBufferWritable;
import io.fjord.protocol.Message;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.CreateAclsResponse;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ACL APIs answer as a Kafka broker without an authorizer: requests built by kafka-clients, answers parsed by
 * kafka-clients, at every version Fjord advertises (1-3, Kafka 4.x's range).
 */
class AclHandlersTest {

    static final AclHandlers WITHOUT_AUTHORIZER = new AclHandlers(Authorizer.allowAll(), null);

    static final Tuple NOT_CONFIGURED = tuple(Errors.SECURITY_DISABLED.code(), "No Authorizer is configured.");

    static final AclBinding READ_TOPIC = new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL),
            new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));

    @ParameterizedTest
    @ValueSource(shorts = {1, 2, 3})
    void describeAclsAnswersSecurityDisabled(short version) throws Exception {
        DescribeAclsRequest request = new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build(version);
        DescribeAclsResponse response = (DescribeAclsResponse)
                answer(request, new io.fjord.protocol.message.DescribeAclsRequest(), WITHOUT_AUTHORIZER::describeAcls);

        assertThat(response.error().error()).isEqualTo(Errors.SECURITY_DISABLED);
        assertThat(response.error().message()).isEqualTo("No Authorizer is configured on the broker");
        assertThat(response.acls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(shorts = {1, 2, 3})
    void createAclsAnswersSecurityDisabledForEachCreation(short version) throws Exception {
        AclBinding writeGroup = new AclBinding(
                new ResourcePattern(ResourceType.GROUP, "billing", PatternType.PREFIXED),
                new AccessControlEntry("User:bob", "10.0.0.1", AclOperation.WRITE, AclPermissionType.DENY));
        CreateAclsRequest request = new CreateAclsRequest.Builder(
                        new org.apache.kafka.common.message.CreateAclsRequestData()
                                .setCreations(List.of(
                                        CreateAclsRequest.aclCreation(READ_TOPIC),
                                        CreateAclsRequest.aclCreation(writeGroup))))
                .build(version);
        CreateAclsResponse response = (CreateAclsResponse)
                answer(request, new io.fjord.protocol.message.CreateAclsRequest(), WITHOUT_AUTHORIZER::createAcls);
        assertThat(response.results())
                .extracting(r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(NOT_CONFIGURED, NOT_CONFIGURED);
    }

    @ParameterizedTest
    @ValueSource(shorts = {1, 2, 3})
    void deleteAclsAnswersSecurityDisabledForEachFilter(short version) throws Exception {
        AclBindingFilter anyForAlice = new AclBindingFilter(
                READ_TOPIC.pattern().toFilter(),
                new AccessControlEntryFilter("User:alice", null, AclOperation.ANY, AclPermissionType.ANY));
        DeleteAclsRequest request = new DeleteAclsRequest.Builder(
                        new org.apache.kafka.common.message.DeleteAclsRequestData()
                                .setFilters(List.of(
                                        DeleteAclsRequest.deleteAclsFilter(AclBindingFilter.ANY),
                                        DeleteAclsRequest.deleteAclsFilter(anyForAlice),
                                        DeleteAclsRequest.deleteAclsFilter(READ_TOPIC.toFilter()))))
                .build(version);
        DeleteAclsResponse response = (DeleteAclsResponse)
                answer(request, new io.fjord.protocol.message.DeleteAclsRequest(), WITHOUT_AUTHORIZER::deleteAcls);
        assertThat(response.filterResults())
                .allSatisfy(r -> assertThat(r.matchingAcls()).isEmpty());
        assertThat(response.filterResults())
                .extracting(r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(NOT_CONFIGURED, NOT_CONFIGURED, NOT_CONFIGURED);
    }

    /**
     * Reads {@code request}, as kafka-clients writes it, into Fjord's message {@code into}, runs the handler and
     * parses its answer, as written at the request's version, with kafka-clients.
     */
    @ParameterizedTest
    @ValueSource(shorts = {1, 2, 3})
    void aCreationThatIsAFilterFailsTheWholeRequestAsInKafka(short version) throws Exception {
        AclHandlers secured = new AclHandlers(Authorizer.of(Set.of(), true, () -> AclsImage.EMPTY), null);
        CreateAclsRequestData.AclCreation matching =
                CreateAclsRequest.aclCreation(READ_TOPIC).setResourcePatternType(PatternType.MATCH.code());
        CreateAclsRequestData.AclCreation anyOperation =
                CreateAclsRequest.aclCreation(READ_TOPIC).setOperation(AclOperation.ANY.code());
        for (CreateAclsRequestData.AclCreation bad : List.of(matching, anyOperation)) {
            CreateAclsRequest request = new CreateAclsRequest.Builder(new CreateAclsRequestData()
                            .setCreations(List.of(CreateAclsRequest.aclCreation(READ_TOPIC), bad)))
                    .build(version);
            CreateAclsResponse response = (CreateAclsResponse)
                    answer(request, new io.fjord.protocol.message.CreateAclsRequest(), secured::createAcls);
            assertThat(response.results())
                    .extracting(r -> r.errorCode(), r -> r.errorMessage())
                    .containsExactly(
                            tuple(Errors.UNKNOWN_SERVER_ERROR.code(), null),
                            tuple(Errors.UNKNOWN_SERVER_ERROR.code(), null));
        }
    }

    @Test
    void aCreationWithAnUnknownCodeClosesTheConnection() {
        io.fjord.protocol.message.CreateAclsRequest request = new io.fjord.protocol.message.CreateAclsRequest()
                .setCreations(List.of(new io.fjord.protocol.message.CreateAclsRequest.AclCreation()
                        .setResourceType((byte) 42)
                        .setResourceName("orders")
                        .setResourcePatternType(PatternType.LITERAL.code())
                        .setPrincipal("User:alice")
                        .setHost("*")
                        .setOperation(AclOperation.READ.code())
                        .setPermissionType(AclPermissionType.ALLOW.code())));
        RequestContext context = new RequestContext(ApiKeys.CREATE_ACLS, (short) 3, 1, "t", 1, null);
        assertThatThrownBy(() -> WITHOUT_AUTHORIZER.createAcls(context, request))
                .isInstanceOf(CloseConnectionException.class);
    }

    private static AbstractResponse answer(AbstractRequest request, Message into, RequestHandler handler)
            throws Exception {
        short version = request.version();
        into.read(new ByteBufferReadable(request.serialize().buffer()), version);
        ApiKeys api = ApiKeys.forId(request.apiKey().id);
        RequestContext context = new RequestContext(api, version, 1, "t", 1, null);
        ApiMessage response = handler.handle(context, (ApiMessage) into).get(5, TimeUnit.SECONDS);
        ByteBuffer bytes = ByteBuffer.allocate(response.size(version));
        response.write(new ByteBufferWritable(bytes), version);
        assertThat(bytes.remaining()).as("the response fills exactly its size").isZero();
        bytes.flip();
        return AbstractResponse.parseResponse(request.apiKey(), new ByteBufferAccessor(bytes), version);
    }
}

package io.fjord.broker.handler;

import static io.fjord.broker.handler.AuthorizationTestContext.ADMIN;
import static io.fjord.broker.handler.AuthorizationTestContext.ALICE;
import static io.fjord.broker.handler.AuthorizationTestContext.BOB;
import static io.fjord.broker.handler.AuthorizationTestContext.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.CreatableTopic;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.CreatePartitionsRequest;
import io.fjord.protocol.message.CreatePartitionsResponse;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.DeleteTopicsRequest;
import io.fjord.protocol.message.DeleteTopicsResponse;
import io.fjord.protocol.message.DeleteTopicsResponse.DeletableTopicResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CreateTopics, DeleteTopics and CreatePartitions authorized as Kafka's controller authorizes them. */
class TopicAdminAuthorizationTest {

    private final AuthorizationTestContext ctx = new AuthorizationTestContext();
    private final TopicAdminHandlers secured = new TopicAdminHandlers(ctx.secured, ctx.controller);
    private final TopicAdminHandlers open = new TopicAdminHandlers(ctx.open, ctx.controller);

    private static CreateTopicsRequest create(String... names) {
        List<CreateTopicsRequest.CreatableTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new CreateTopicsRequest.CreatableTopic()
                    .setName(name)
                    .setNumPartitions(1)
                    .setReplicationFactor((short) 1));
        }
        return new CreateTopicsRequest().setTopics(topics);
    }

    private CreateTopicsResponse create(TopicAdminHandlers handlers, String principal, String... names)
            throws Exception {
        return (CreateTopicsResponse) handlers.createTopics(as(principal, ApiKeys.CREATE_TOPICS, 7), create(names))
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void createTopicsRefusesTopicsThePrincipalMayNotCreateBeforeLookingForThem() throws Exception {
        ctx.topic("taken", 1);
        ctx.allow(ALICE, AclOperation.CREATE, AclResourceType.TOPIC, "mine");
        CreateTopicsResponse response = create(secured, ALICE, "mine", "theirs", "taken");
        assertThat(response.topics())
                .extracting(r -> r.name(), r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(
                        tuple("mine", Errors.NONE.code(), null),
                        tuple("theirs", Errors.TOPIC_AUTHORIZATION_FAILED.code(), "Authorization failed."),
                        // Not TOPIC_ALREADY_EXISTS: that would tell alice the topic exists.
                        tuple("taken", Errors.TOPIC_AUTHORIZATION_FAILED.code(), "Authorization failed."));
        @SuppressWarnings("unchecked")
        List<CreatableTopic> asked = (List<CreatableTopic>) ctx.controllerArgs.get(0)[0];
        assertThat(asked).extracting(CreatableTopic::name).containsExactly("mine");
        assertThat(ctx.loader.image().topics().topic("theirs")).isNull();
    }

    @Test
    void aCreatedTopicThePrincipalMayNotDescribeComesWithoutItsConfigs() throws Exception {
        ctx.allow(ALICE, AclOperation.CREATE, AclResourceType.TOPIC, "blind");
        ctx.allow(ALICE, AclOperation.CREATE, AclResourceType.TOPIC, "seen");
        ctx.allow(ALICE, AclOperation.ALTER_CONFIGS, AclResourceType.TOPIC, "seen"); // implies DESCRIBE_CONFIGS
        CreateTopicsResponse response = create(secured, ALICE, "blind", "seen");
        CreateTopicsResponse.CreatableTopicResult blind = response.topics().get(0);
        assertThat(blind.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(blind.topicId())
                .isEqualTo(ctx.loader.image().topics().topic("blind").id());
        assertThat(blind.topicConfigErrorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(blind.numPartitions()).isEqualTo(-1);
        assertThat(blind.replicationFactor()).isEqualTo((short) -1);
        assertThat(blind.configs()).isEmpty();
        CreateTopicsResponse.CreatableTopicResult seen = response.topics().get(1);
        assertThat(seen.topicConfigErrorCode()).isEqualTo(Errors.NONE.code());
        assertThat(seen.numPartitions()).isEqualTo(1);
        assertThat(seen.configs()).isNotEmpty();
    }

    @Test
    void createOnTheClusterAllowsEveryTopicAndSuperUsersNeedNoAcl() throws Exception {
        ctx.allowOnCluster(BOB, AclOperation.CREATE);
        assertThat(create(secured, BOB, "b1").topics().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        CreateTopicsResponse.CreatableTopicResult byAdmin =
                create(secured, ADMIN, "a1").topics().get(0);
        assertThat(byAdmin.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(byAdmin.configs()).isNotEmpty();
    }

    @Test
    void withoutAnAuthorizerAnyoneCreatesAndSeesTheConfigs() throws Exception {
        CreateTopicsResponse.CreatableTopicResult result =
                create(open, BOB, "free").topics().get(0);
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.topicConfigErrorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(1);
        assertThat(result.configs()).isNotEmpty();
    }

    @Test
    void aTopicNamedTwiceIsInvalidWhoeverAsks() throws Exception {
        assertThat(create(secured, BOB, "twice", "twice").topics())
                .extracting(r -> r.errorCode())
                .containsExactly(Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
    }

    private List<DeletableTopicResult> delete(TopicAdminHandlers handlers, String principal, Object... topics)
            throws Exception {
        List<DeleteTopicsRequest.DeleteTopicState> states = new ArrayList<>();
        for (Object t : topics) {
            states.add(
                    t instanceof Uuid id
                            ? new DeleteTopicsRequest.DeleteTopicState()
                                    .setName(null)
                                    .setTopicId(id)
                            : new DeleteTopicsRequest.DeleteTopicState().setName((String) t));
        }
        return ((DeleteTopicsResponse) handlers.deleteTopics(
                                as(principal, ApiKeys.DELETE_TOPICS, 6), new DeleteTopicsRequest().setTopics(states))
                        .get(5, TimeUnit.SECONDS))
                .responses();
    }

    @Test
    void deleteTopicsByNameTellsExistenceOnlyToThoseWhoMayDescribe() throws Exception {
        ctx.topic("hidden", 1);
        ctx.topic("visible", 1);
        Uuid doomed = ctx.topic("doomed", 1);
        ctx.allow(ALICE, AclOperation.DESCRIBE, AclResourceType.TOPIC, "visible");
        ctx.allow(ALICE, AclOperation.DESCRIBE, AclResourceType.TOPIC, "ghost");
        ctx.allow(ALICE, AclOperation.DELETE, AclResourceType.TOPIC, "doomed"); // DELETE implies DESCRIBE
        assertThat(delete(secured, ALICE, "hidden", "nowhere", "visible", "ghost", "doomed"))
                .extracting(r -> r.name(), r -> r.topicId(), r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(
                        tuple("hidden", Uuid.ZERO, Errors.TOPIC_AUTHORIZATION_FAILED.code(), null),
                        tuple("nowhere", Uuid.ZERO, Errors.TOPIC_AUTHORIZATION_FAILED.code(), null),
                        tuple("visible", Uuid.ZERO, Errors.TOPIC_AUTHORIZATION_FAILED.code(), null),
                        tuple(
                                "ghost",
                                Uuid.ZERO,
                                Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                                Errors.UNKNOWN_TOPIC_OR_PARTITION.message()),
                        tuple("doomed", doomed, Errors.NONE.code(), null));
        assertThat(ctx.loader.image().topics().topic("doomed")).isNull();
        assertThat(ctx.loader.image().topics().topic("visible")).isNotNull();
        assertThat(ctx.loader.image().topics().topic("hidden")).isNotNull();
    }

    @Test
    void deleteTopicsByIdNamesTheTopicOnlyToThoseWhoMayDescribeIt() throws Exception {
        Uuid hidden = ctx.topic("hidden", 1);
        Uuid visible = ctx.topic("visible", 1);
        Uuid unknown = Uuid.random(new java.util.Random(99));
        ctx.allow(ALICE, AclOperation.DESCRIBE, AclResourceType.TOPIC, "visible");
        assertThat(delete(secured, ALICE, hidden, visible, unknown))
                .extracting(r -> r.name(), r -> r.topicId(), r -> r.errorCode())
                .containsExactly(
                        tuple(null, hidden, Errors.TOPIC_AUTHORIZATION_FAILED.code()),
                        tuple("visible", visible, Errors.TOPIC_AUTHORIZATION_FAILED.code()),
                        tuple(null, unknown, Errors.UNKNOWN_TOPIC_ID.code()));
        assertThat(ctx.controllerCalls).isEmpty(); // nothing was left to delete
    }

    @Test
    void deleteOnTheClusterSuperUsersAndNoAuthorizerDeleteAnything() throws Exception {
        Uuid byId = ctx.topic("t1", 1);
        ctx.topic("t2", 1);
        ctx.topic("t3", 1);
        ctx.allowOnCluster(BOB, AclOperation.DELETE);
        assertThat(delete(secured, BOB, byId)).extracting(r -> r.errorCode()).containsExactly(Errors.NONE.code());
        assertThat(delete(secured, ADMIN, "t2")).extracting(r -> r.errorCode()).containsExactly(Errors.NONE.code());
        assertThat(delete(open, ALICE, "t3", "none"))
                .extracting(r -> r.errorCode())
                .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(ctx.loader.image().topics().topicsByName()).isEmpty();
    }

    private CreatePartitionsResponse grow(TopicAdminHandlers handlers, String principal, String... names)
            throws Exception {
        List<CreatePartitionsRequest.CreatePartitionsTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new CreatePartitionsRequest.CreatePartitionsTopic()
                    .setName(name)
                    .setCount(2)
                    .setAssignments(null));
        }
        return (CreatePartitionsResponse) handlers.createPartitions(
                        as(principal, ApiKeys.CREATE_PARTITIONS, 3), new CreatePartitionsRequest().setTopics(topics))
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void createPartitionsNeedsAlterOnEachTopicBeforeItsExistence() throws Exception {
        ctx.topic("mine", 1);
        ctx.topic("theirs", 1);
        ctx.allow(ALICE, AclOperation.ALTER, AclResourceType.TOPIC, "mine");
        assertThat(grow(secured, ALICE, "mine", "theirs", "missing").results())
                .extracting(r -> r.name(), r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(
                        tuple("mine", Errors.NONE.code(), null),
                        tuple("theirs", Errors.TOPIC_AUTHORIZATION_FAILED.code(), null),
                        tuple("missing", Errors.TOPIC_AUTHORIZATION_FAILED.code(), null));
        assertThat(ctx.loader.image().topics().topic("theirs").partitions()).hasSize(1);
        assertThat(grow(secured, ADMIN, "theirs").results().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(grow(open, BOB, "missing").results().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void aTopicNamedTwiceToDeleteOrGrowIsInvalidWhoeverAsks() throws Exception {
        Uuid twice = ctx.topic("twice", 1);
        assertThat(delete(secured, BOB, "twice", "twice"))
                .extracting(r -> r.errorCode())
                .containsExactly(Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
        assertThat(delete(secured, BOB, twice, twice))
                .extracting(r -> r.errorCode())
                .containsExactly(Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
        assertThat(grow(secured, BOB, "twice", "twice").results())
                .extracting(r -> r.errorCode())
                .containsExactly(Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
        assertThat(ctx.loader.image().topics().topic("twice").partitions()).hasSize(1);
    }
}

package io.fjord.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclPatternType;
import io.fjord.metadata.AclPermission;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.AclsImage;
import io.fjord.protocol.ApiKeys;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Super users, the no-ACL default and the authorized-operations bit field of Kafka's StandardAuthorizer. */
class AuthorizerTest {

    static RequestContext as(String principal) {
        return new RequestContext(
                ApiKeys.METADATA,
                (short) 12,
                1,
                "client",
                1L,
                new InetSocketAddress("127.0.0.1", 40000),
                "PLAINTEXT",
                principal);
    }

    static AclsImage acls(AclBinding... bindings) {
        Map<Uuid, AclBinding> byId = new LinkedHashMap<>();
        for (int i = 0; i < bindings.length; i++) {
            byId.put(new Uuid(1, i), bindings[i]);
        }
        return new AclsImage(byId);
    }

    static AclBinding topicAcl(String name, String principal, AclOperation operation, AclPermission permission) {
        return new AclBinding(
                AclResourceType.TOPIC, name, AclPatternType.LITERAL, principal, "*", operation, permission);
    }

    @Test
    void superUsersPassEvenADenyAndOthersNeedAnAcl() {
        AclsImage image = acls(topicAcl("t", "User:*", AclOperation.ALL, AclPermission.DENY));
        Authorizer authorizer = Authorizer.of(Set.of("User:admin"), false, () -> image);
        assertThat(authorizer.authorize(as("User:admin"), AclOperation.WRITE, AclResourceType.TOPIC, "t"))
                .isTrue();
        assertThat(authorizer.authorize(as("User:alice"), AclOperation.WRITE, AclResourceType.TOPIC, "t"))
                .isFalse();
        assertThat(authorizer.authorize(as("User:alice"), AclOperation.WRITE, AclResourceType.TOPIC, "other"))
                .as("no ACL and allow.everyone.if.no.acl.found false")
                .isFalse();
    }

    @Test
    void allowEveryoneIfNoAclFoundOpensOnlyResourcesWithoutAcls() {
        AclsImage image = acls(topicAcl("t", "User:bob", AclOperation.READ, AclPermission.ALLOW));
        Authorizer authorizer = Authorizer.of(Set.of(), true, () -> image);
        assertThat(authorizer.authorize(as("User:alice"), AclOperation.WRITE, AclResourceType.TOPIC, "free"))
                .isTrue();
        assertThat(authorizer.authorize(as("User:alice"), AclOperation.READ, AclResourceType.TOPIC, "t"))
                .isFalse();
        assertThat(authorizer.authorizeAny(as("User:alice"), AclOperation.WRITE, AclResourceType.TOPIC))
                .as("Kafka's check on a made-up name finds no ACL")
                .isTrue();
    }

    @Test
    void authorizedOperationsSetTheBitOfEachAllowedOperation() {
        AclsImage image = acls(
                topicAcl("t", "User:alice", AclOperation.READ, AclPermission.ALLOW),
                topicAcl("all", "User:alice", AclOperation.ALL, AclPermission.ALLOW));
        Authorizer authorizer = Authorizer.of(Set.of(), false, () -> image);
        assertThat(authorizer.authorizedOperations(as("User:alice"), AclResourceType.TOPIC, "t"))
                .as("READ and the DESCRIBE it implies")
                .isEqualTo((1 << 3) | (1 << 8));
        assertThat(authorizer.authorizedOperations(as("User:alice"), AclResourceType.TOPIC, "all"))
                .isEqualTo(3576);
        assertThat(Authorizer.allowAll().authorizedOperations(as("User:x"), AclResourceType.CLUSTER, "kafka-cluster"))
                .isEqualTo(8096);
    }

    @Test
    void withoutAnAuthorizerEverythingIsAllowed() {
        BrokerConfig config = BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://127.0.0.1:1"));
        Authorizer authorizer = Authorizer.of(config, () -> {
            throw new AssertionError("no ACL is read");
        });
        assertThat(authorizer.enabled()).isFalse();
        assertThat(authorizer.authorize(
                        as("User:ANONYMOUS"), AclOperation.ALTER, AclResourceType.CLUSTER, "kafka-cluster"))
                .isTrue();
    }
}

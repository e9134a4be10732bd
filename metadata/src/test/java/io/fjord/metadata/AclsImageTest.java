package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Uuid;
import io.fjord.metadata.AclsImage.Decision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decisions of Kafka's StandardAuthorizerData, on the ACLs of an image. */
class AclsImageTest {

    private static final String ALICE = "User:alice";
    private static final String HOST = "10.0.0.7";

    static AclBinding acl(
            AclResourceType type,
            String name,
            AclPatternType pattern,
            String principal,
            String host,
            AclOperation operation,
            AclPermission permission) {
        return new AclBinding(type, name, pattern, principal, host, operation, permission);
    }

    static AclBinding allowTopic(String name, AclPatternType pattern, String principal, AclOperation operation) {
        return acl(AclResourceType.TOPIC, name, pattern, principal, "*", operation, AclPermission.ALLOW);
    }

    static AclsImage image(AclBinding... acls) {
        Map<Uuid, AclBinding> byId = new LinkedHashMap<>();
        for (int i = 0; i < acls.length; i++) {
            byId.put(new Uuid(0, i + 1), acls[i]);
        }
        return new AclsImage(byId);
    }

    @Test
    void aLiteralAPrefixAndTheWildcardEachApply() {
        AclsImage acls = image(
                allowTopic("orders", AclPatternType.LITERAL, ALICE, AclOperation.WRITE),
                allowTopic("ord", AclPatternType.PREFIXED, ALICE, AclOperation.READ),
                allowTopic("*", AclPatternType.LITERAL, ALICE, AclOperation.DELETE));
        assertThat(acls.decide(ALICE, HOST, AclOperation.WRITE, AclResourceType.TOPIC, "orders"))
                .isEqualTo(Decision.ALLOWED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.READ, AclResourceType.TOPIC, "ordinal"))
                .isEqualTo(Decision.ALLOWED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.DELETE, AclResourceType.TOPIC, "anything"))
                .isEqualTo(Decision.ALLOWED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.WRITE, AclResourceType.TOPIC, "ordinal"))
                .as("the literal ACL names only orders")
                .isEqualTo(Decision.DENIED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.READ, AclResourceType.GROUP, "orders"))
                .as("resource types are apart")
                .isEqualTo(Decision.NO_ACLS);
    }

    @Test
    void allowImpliesDescribeButDenyDeniesOnlyItsOwnOperation() {
        AclsImage acls = image(
                allowTopic("t", AclPatternType.LITERAL, ALICE, AclOperation.READ),
                allowTopic("c", AclPatternType.LITERAL, ALICE, AclOperation.ALTER_CONFIGS),
                acl(
                        AclResourceType.TOPIC,
                        "d",
                        AclPatternType.LITERAL,
                        ALICE,
                        "*",
                        AclOperation.READ,
                        AclPermission.DENY),
                allowTopic("d", AclPatternType.LITERAL, ALICE, AclOperation.DESCRIBE));
        assertThat(acls.decide(ALICE, HOST, AclOperation.DESCRIBE, AclResourceType.TOPIC, "t"))
                .isEqualTo(Decision.ALLOWED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.DESCRIBE_CONFIGS, AclResourceType.TOPIC, "c"))
                .isEqualTo(Decision.ALLOWED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.DESCRIBE, AclResourceType.TOPIC, "d"))
                .isEqualTo(Decision.ALLOWED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.READ, AclResourceType.TOPIC, "d"))
                .isEqualTo(Decision.DENIED);
    }

    @Test
    void aDenyAnywhereBeatsAnAllow() {
        AclsImage acls = image(
                allowTopic("payments", AclPatternType.LITERAL, ALICE, AclOperation.ALL),
                acl(
                        AclResourceType.TOPIC,
                        "*",
                        AclPatternType.LITERAL,
                        "User:*",
                        "*",
                        AclOperation.WRITE,
                        AclPermission.DENY));
        assertThat(acls.decide(ALICE, HOST, AclOperation.WRITE, AclResourceType.TOPIC, "payments"))
                .isEqualTo(Decision.DENIED);
        assertThat(acls.decide(ALICE, HOST, AclOperation.READ, AclResourceType.TOPIC, "payments"))
                .isEqualTo(Decision.ALLOWED);
    }

    @Test
    void principalsAndHostsMatchExactlyOrByWildcard() {
        AclsImage acls = image(
                acl(
                        AclResourceType.GROUP,
                        "g",
                        AclPatternType.LITERAL,
                        ALICE,
                        HOST,
                        AclOperation.READ,
                        AclPermission.ALLOW),
                acl(
                        AclResourceType.GROUP,
                        "h",
                        AclPatternType.LITERAL,
                        "User:*",
                        "*",
                        AclOperation.READ,
                        AclPermission.ALLOW));
        assertThat(acls.decide(ALICE, HOST, AclOperation.READ, AclResourceType.GROUP, "g"))
                .isEqualTo(Decision.ALLOWED);
        assertThat(acls.decide(ALICE, "10.0.0.8", AclOperation.READ, AclResourceType.GROUP, "g"))
                .isEqualTo(Decision.DENIED);
        assertThat(acls.decide("User:bob", HOST, AclOperation.READ, AclResourceType.GROUP, "g"))
                .as("an ACL for someone else still means the group has ACLs")
                .isEqualTo(Decision.DENIED);
        assertThat(acls.decide("User:bob", HOST, AclOperation.READ, AclResourceType.GROUP, "h"))
                .isEqualTo(Decision.ALLOWED);
    }

    @Test
    void writeOnSomeTopicCountsUnlessADenyCoversIt() {
        AclsImage allowed = image(allowTopic("logs-", AclPatternType.PREFIXED, ALICE, AclOperation.WRITE));
        assertThat(allowed.allowsSomeResource(ALICE, HOST, AclOperation.WRITE, AclResourceType.TOPIC))
                .isTrue();
        assertThat(allowed.allowsSomeResource("User:bob", HOST, AclOperation.WRITE, AclResourceType.TOPIC))
                .isFalse();
        AclsImage covered = image(
                allowTopic("logs-a", AclPatternType.LITERAL, ALICE, AclOperation.WRITE),
                acl(
                        AclResourceType.TOPIC,
                        "logs",
                        AclPatternType.PREFIXED,
                        ALICE,
                        "*",
                        AclOperation.WRITE,
                        AclPermission.DENY));
        assertThat(covered.allowsSomeResource(ALICE, HOST, AclOperation.WRITE, AclResourceType.TOPIC))
                .isFalse();
        AclsImage readOnly = image(allowTopic("t", AclPatternType.LITERAL, ALICE, AclOperation.READ));
        assertThat(readOnly.allowsSomeResource(ALICE, HOST, AclOperation.WRITE, AclResourceType.TOPIC))
                .as("no implication here")
                .isFalse();
    }

    @Test
    void filtersSelectAsKafkasAclBindingFilterDoes() {
        AclBinding literal = allowTopic("orders", AclPatternType.LITERAL, ALICE, AclOperation.READ);
        AclBinding prefixed = allowTopic("ord", AclPatternType.PREFIXED, ALICE, AclOperation.READ);
        AclBinding wildcard = allowTopic("*", AclPatternType.LITERAL, "User:bob", AclOperation.WRITE);
        AclBinding other = allowTopic("payments", AclPatternType.LITERAL, ALICE, AclOperation.READ);
        AclsImage acls = image(literal, prefixed, wildcard, other);
        AclFilter match = new AclFilter(
                AclResourceType.TOPIC, "orders", AclPatternType.MATCH, null, null, AclOperation.ANY, AclPermission.ANY);
        assertThat(acls.matching(match).values()).containsExactly(literal, prefixed, wildcard);
        AclFilter anyNamedOrd = new AclFilter(
                AclResourceType.ANY, "ord", AclPatternType.ANY, null, null, AclOperation.ANY, AclPermission.ANY);
        assertThat(acls.matching(anyNamedOrd).values()).containsExactly(prefixed);
        AclFilter bobs = new AclFilter(
                AclResourceType.ANY,
                null,
                AclPatternType.ANY,
                "User:bob",
                null,
                AclOperation.WRITE,
                AclPermission.ALLOW);
        assertThat(acls.matching(bobs).values()).containsExactly(wildcard);
        assertThat(acls.matching(AclFilter.ANY)).hasSize(4);
    }

    @Test
    void decisionsAgreeWithLookingAtEveryAclWhateverThePrefixes() {
        Random random = new Random(42);
        String[] principals = {ALICE, "User:bob", "User:*"};
        String[] hosts = {HOST, "*"};
        AclOperation[] operations = {AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.ALL};
        for (int round = 0; round < 200; round++) {
            AclBinding[] acls = new AclBinding[1 + random.nextInt(12)];
            for (int i = 0; i < acls.length; i++) {
                boolean prefixed = random.nextBoolean();
                String name = random.nextInt(8) == 0 && !prefixed ? "*" : randomName(random, prefixed ? 1 : 2);
                acls[i] = acl(
                        random.nextInt(6) == 0 ? AclResourceType.GROUP : AclResourceType.TOPIC,
                        name,
                        prefixed ? AclPatternType.PREFIXED : AclPatternType.LITERAL,
                        principals[random.nextInt(principals.length)],
                        hosts[random.nextInt(hosts.length)],
                        operations[random.nextInt(operations.length)],
                        random.nextInt(4) == 0 ? AclPermission.DENY : AclPermission.ALLOW);
            }
            AclsImage image = image(acls);
            for (int q = 0; q < 50; q++) {
                String name = randomName(random, 1);
                AclOperation operation = operations[random.nextInt(operations.length - 1)];
                String principal = principals[random.nextInt(2)];
                assertThat(image.decide(principal, HOST, operation, AclResourceType.TOPIC, name))
                        .as("%s doing %s on topic %s under %s", principal, operation, name, List.of(acls))
                        .isEqualTo(everyAcl(acls, principal, operation, name));
            }
        }
    }

    /** A name of 1 to 4 letters from a two-letter alphabet, so that prefixes of each other are common. */
    private static String randomName(Random random, int minLength) {
        StringBuilder name = new StringBuilder();
        for (int i = minLength + random.nextInt(5 - minLength); i > 0; i--) {
            name.append(random.nextBoolean() ? 'a' : 'b');
        }
        return name.toString();
    }

    /** The decision, found by looking at every TOPIC ACL in turn. */
    private static Decision everyAcl(AclBinding[] acls, String principal, AclOperation operation, String name) {
        boolean found = false;
        boolean allowed = false;
        for (AclBinding acl : acls) {
            if (acl.resourceType() != AclResourceType.TOPIC || !acl.coversResource(name)) {
                continue;
            }
            found = true;
            boolean applies =
                    (acl.principal().equals(principal) || acl.principal().equals("User:*"))
                            && (acl.host().equals(HOST) || acl.host().equals("*"));
            if (applies
                    && acl.permission() == AclPermission.DENY
                    && (acl.operation() == AclOperation.ALL || acl.operation() == operation)) {
                return Decision.DENIED;
            }
            allowed |= applies
                    && acl.permission() == AclPermission.ALLOW
                    && acl.operation().allows(operation);
        }
        return allowed ? Decision.ALLOWED : found ? Decision.DENIED : Decision.NO_ACLS;
    }
}

package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.admin.AclIT;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own {@code kafka-acls.sh} (AclCommand) against a broker running Kafka's StandardAuthorizer: the super user
 * adds, lists and removes ACLs; a user without ALTER and DESCRIBE on the cluster is refused.
 */
public class KafkaAclsToolIT {

    private static final String ACL_COMMAND = "org.apache.kafka.tools.AclCommand";

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private int port;

    @BeforeEach
    void start() {
        port = BrokerProcess.freePort();
        broker = EmbeddedBroker.start(dir.resolve("data"), AclIT.settings(port));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void theSuperUserAddsListsAndRemovesAclsAndAliceMayNot() throws Exception {
        Path admin = commandConfig("admin");
        KafkaAppProcess.Result add = acls(
                admin,
                "--add",
                "--allow-principal",
                "User:alice",
                "--operation",
                "Read",
                "--operation",
                "Describe",
                "--topic",
                "orders",
                "--group",
                "billing");
        assertThat(add.exitCode()).as(add.stdout() + add.stderr()).isZero();

        KafkaAppProcess.Result list = acls(admin, "--list", "--topic", "orders");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.stdout())
                .contains("resourceType=TOPIC, name=orders, patternType=LITERAL")
                .contains("(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)")
                .contains("(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)")
                .doesNotContain("billing");

        KafkaAppProcess.Result remove = acls(
                admin,
                "--remove",
                "--force",
                "--allow-principal",
                "User:alice",
                "--operation",
                "Read",
                "--topic",
                "orders");
        assertThat(remove.exitCode()).as(remove.stdout() + remove.stderr()).isZero();
        KafkaAppProcess.Result topicAfter = acls(admin, "--list", "--topic", "orders");
        assertThat(topicAfter.stdout()).contains("operation=DESCRIBE").doesNotContain("operation=READ");
        KafkaAppProcess.Result groupAfter = acls(admin, "--list", "--group", "billing");
        assertThat(groupAfter.stdout())
                .contains("resourceType=GROUP, name=billing, patternType=LITERAL")
                .contains("operation=READ");

        KafkaAppProcess.Result refused = acls(commandConfig("alice"), "--list");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stdout() + refused.stderr()).contains("ClusterAuthorizationException");
    }

    private KafkaAppProcess.Result acls(Path commandConfig, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "--bootstrap-server";
        all[1] = "127.0.0.1:" + port;
        all[2] = "--command-config";
        all[3] = commandConfig.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return KafkaAppProcess.run("", ACL_COMMAND, all);
    }

    private Path commandConfig(String user) throws Exception {
        Path file = dir.resolve(user + ".properties");
        Files.writeString(
                file,
                "security.protocol=SASL_PLAINTEXT\n"
                        + "sasl.mechanism=PLAIN\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"" + user + "\" password=\"" + user + "-secret\";\n");
        return file;
    }
}
